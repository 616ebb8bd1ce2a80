"""The model registry of the communities app: every feature's models, imported so Django finds them.

The models live in their feature packages (``communities.core.models``, ``communities.posts.models``,
...); app label and table names are unchanged.
"""

import sys

from communities.canvas.models import CanvasComment, CanvasVersion, CommunityCanvas
from communities.core.models import (
    DEFAULT_TRIGRAM_THRESHOLD,
    ROLE_RANK,
    SEARCH_CONFIGS,
    Category,
    Community,
    CommunityQuerySet,
    CommunityTag,
    CoordinatorScope,
    MemberMute,
    Membership,
    MembershipEvent,
    TaggedCommunity,
    cover_image_path,
    trigram_threshold,
)
from communities.health.models import CommunityDayFigures, CommunityHealth
from communities.inbox import models as inbox
from communities.inbox.models import InboxItem, InboxNote, InboxSettings, SavedReply
from communities.lifecycle.models import CampaignCase, CoordinatorNote, HandoverRecord, LifecycleCampaign, MergeRecord
from communities.moderation.models import (
    CommunityRules,
    HiddenMessage,
    Report,
    ReportEntry,
    WatchedWord,
)
from communities.posts import models as posts
from communities.posts.models import (
    REACTION_EMOJI,
    Attachment,
    Comment,
    ContentStatus,
    Mention,
    Post,
    PostQuerySet,
    PostRevision,
    PostTag,
    Reaction,
    ReactionKind,
    TaggedPost,
)

# The migrations name three callables by their old paths (``attachment_path`` of the old ``models/posts.py``,
# ``default_time_zone`` and ``default_service_days`` of ``models/inbox.py``): keep those paths resolving
# without touching the migrations.
sys.modules[__name__ + ".inbox"] = inbox
sys.modules[__name__ + ".posts"] = posts

__all__ = [
    "DEFAULT_TRIGRAM_THRESHOLD",
    "REACTION_EMOJI",
    "ROLE_RANK",
    "SEARCH_CONFIGS",
    "Attachment",
    "CampaignCase",
    "CanvasComment",
    "CanvasVersion",
    "Category",
    "Comment",
    "Community",
    "CommunityCanvas",
    "CommunityDayFigures",
    "CommunityHealth",
    "CommunityQuerySet",
    "CommunityRules",
    "CommunityTag",
    "ContentStatus",
    "CoordinatorNote",
    "CoordinatorScope",
    "HandoverRecord",
    "HiddenMessage",
    "InboxItem",
    "InboxNote",
    "InboxSettings",
    "LifecycleCampaign",
    "MemberMute",
    "Membership",
    "MembershipEvent",
    "Mention",
    "MergeRecord",
    "Post",
    "PostQuerySet",
    "PostRevision",
    "PostTag",
    "Reaction",
    "ReactionKind",
    "Report",
    "ReportEntry",
    "SavedReply",
    "TaggedCommunity",
    "TaggedPost",
    "WatchedWord",
    "cover_image_path",
    "trigram_threshold",
]
