"""What the communities app records about people (the register, intranet/core/privacy.py).

Posts, comments and canvas contributions are part of conversations other members took part in:
they stay on erasure, shown as written by "former employee" (the platform setting of the erasure
decides whether they are deleted instead). Everything that is only about the person (memberships,
reactions, mutes, notes about them) goes with them.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from communities.models import (
    Attachment,
    CampaignCase,
    CanvasComment,
    CanvasVersion,
    Category,
    Comment,
    Community,
    CommunityCanvas,
    CommunityHealth,
    CommunityTag,
    CoordinatorNote,
    CoordinatorScope,
    HandoverRecord,
    HiddenMessage,
    InboxItem,
    InboxNote,
    InboxSettings,
    LifecycleCampaign,
    MemberMute,
    Membership,
    MembershipEvent,
    Mention,
    MergeRecord,
    Post,
    PostRevision,
    PostTag,
    Reaction,
    Report,
    ReportEntry,
    SavedReply,
    WatchedWord,
)
from intranet.core.privacy import (
    COMPANY_CONTENT_REASON,
    CONVERSATION_REASON,
    EVIDENCE_REASON,
    OnErase,
    actor,
    anonymised,
    kept,
    not_personal,
    own,
    personal_data,
)

COUNTS = _("Counts per reaction kind, no person named.")
RENDERED = _("The same text as the source, rendered; follows the source.")
MODERATOR_NOTE = _("A moderator's note on the content; kept with it as evidence, names no author.")

# Communities and their organisation ---------------------------------------------------------------

personal_data(
    Community,
    kind="communities_created",
    label=_("Communities created"),
    owners=("created_by",),
    fields={
        "created_by": actor(export=True, reason=COMPANY_CONTENT_REASON),
        "name": kept(COMPANY_CONTENT_REASON),
        "description": kept(COMPANY_CONTENT_REASON),
        "purpose": kept(COMPANY_CONTENT_REASON),
        "cover_image": kept(COMPANY_CONTENT_REASON, export=False),
    },
    other_fields={"tag_names": _("The community's tags, copied for search.")},
    on_erase=OnErase.ANONYMISE,
    reason=COMPANY_CONTENT_REASON,
)
not_personal(Category, _("Names and describes a group of communities."))
not_personal(CommunityTag, _("A tag word shared by communities."))
not_personal(PostTag, _("A tag word shared by posts."))
not_personal(
    CommunityHealth, _("Figures about a whole community; people counts below the minimum group size are hidden.")
)
not_personal(InboxSettings, _("Service hours of a community's inbox."))

personal_data(
    Membership,
    kind="memberships",
    label=_("Memberships"),
    owners=("user",),
    fields={
        "user": own(),
        "request_message": own(),
        "decision_message": own(),
        "decided_by": actor(),
        "invited_by": actor(),
    },
    on_erase=OnErase.DELETE,
)
personal_data(
    MembershipEvent,
    kind="memberships",
    owners=("user",),
    fields={"user": own()},
    on_erase=OnErase.DELETE,
    retention=_("Kept for the health figures (joins and leaves per day)."),
)
personal_data(
    MemberMute,
    kind="moderation_about_me",
    label=_("Moderation about me"),
    owners=("user",),
    fields={"user": own(), "reason": own(), "created_by": actor()},
    on_erase=OnErase.DELETE,
)
personal_data(
    CoordinatorScope,
    kind="roles",
    label=_("Roles"),
    owners=("user",),
    fields={"user": own()},
    on_erase=OnErase.DELETE,
)

# Posts, comments, reactions ----------------------------------------------------------------------

_text = {
    "body_source": kept(CONVERSATION_REASON),
    "body_html": kept(RENDERED, export=False),
}
personal_data(
    Post,
    kind="posts",
    label=_("Posts"),
    owners=("author",),
    fields={
        "author": anonymised(CONVERSATION_REASON),
        "title": kept(CONVERSATION_REASON),
        **_text,
        "body_text": kept(RENDERED, export=False),
        "edited_by": actor(),
        "moderator_note": kept(MODERATOR_NOTE, export=False),
    },
    other_fields={"reaction_counts": COUNTS},
    on_erase=OnErase.ANONYMISE,
    reason=CONVERSATION_REASON,
    retention="RETENTION_POSTS_DAYS",
)
personal_data(
    PostRevision,
    kind="posts",
    owners=("edited_by",),
    fields={
        "edited_by": anonymised(CONVERSATION_REASON),
        "title": kept(CONVERSATION_REASON),
        "body_source": kept(CONVERSATION_REASON),
    },
    on_erase=OnErase.ANONYMISE,
    reason=CONVERSATION_REASON,
)
personal_data(
    Comment,
    kind="comments",
    label=_("Comments"),
    owners=("author",),
    fields={
        "author": anonymised(CONVERSATION_REASON),
        **_text,
        "edited_by": actor(),
        "moderator_note": kept(MODERATOR_NOTE, export=False),
    },
    other_fields={"reaction_counts": COUNTS},
    on_erase=OnErase.ANONYMISE,
    reason=CONVERSATION_REASON,
    retention="RETENTION_POSTS_DAYS",
)
personal_data(
    Reaction,
    kind="reactions",
    label=_("Reactions"),
    owners=("user",),
    fields={"user": own()},
    on_erase=OnErase.DELETE,
)
personal_data(
    Mention,
    kind="mentions",
    label=_("Mentions of me"),
    owners=("user",),
    fields={"user": own()},
    on_erase=OnErase.DELETE,
    reason=_("Mentions in kept posts render as “former employee” once the account is gone."),
)
personal_data(
    Attachment,
    kind="attachments",
    label=_("Attachments"),
    owners=("uploaded_by",),
    fields={"uploaded_by": own(), "file": own(), "original_name": own()},
    other_fields={"content_type": _("The file's media type.")},
    on_erase=OnErase.DELETE,
)

# Canvas ------------------------------------------------------------------------------------------

personal_data(
    CommunityCanvas,
    kind="canvas_edits",
    label=_("Canvas edits"),
    owners=("updated_by",),
    fields={"updated_by": anonymised(COMPANY_CONTENT_REASON), "answers": kept(COMPANY_CONTENT_REASON)},
    on_erase=OnErase.ANONYMISE,
    reason=COMPANY_CONTENT_REASON,
)
personal_data(
    CanvasVersion,
    kind="canvas_edits",
    owners=("author",),
    fields={
        "author": anonymised(COMPANY_CONTENT_REASON),
        "answers": kept(COMPANY_CONTENT_REASON),
    },
    other_fields={"changed_themes": _("Codes of the canvas themes that changed.")},
    on_erase=OnErase.ANONYMISE,
    reason=COMPANY_CONTENT_REASON,
)
personal_data(
    CanvasComment,
    kind="canvas_edits",
    owners=("author",),
    fields={"author": anonymised(CONVERSATION_REASON), "text": kept(CONVERSATION_REASON), "resolved_by": actor()},
    on_erase=OnErase.ANONYMISE,
    reason=CONVERSATION_REASON,
)

# Inbox, moderation, lifecycle --------------------------------------------------------------------

personal_data(
    InboxItem,
    kind="moderation_about_me",
    owners=("member",),
    fields={
        "member": own(),
        "summary": kept(EVIDENCE_REASON, export=True),
        "for_user": actor(),
        "assignee": actor(),
        "escalated_by": actor(),
        "escalation_reason": kept(EVIDENCE_REASON, export=False),
        "resolved_by": actor(),
    },
    other_fields={"key": _("A technical key that makes one item per cause.")},
    on_erase=OnErase.DELETE,
)
personal_data(
    InboxNote,
    kind="inbox_notes",
    label=_("Inbox notes written"),
    owners=("author",),
    fields={"author": anonymised(EVIDENCE_REASON), "body": kept(EVIDENCE_REASON)},
    on_erase=OnErase.ANONYMISE,
    reason=EVIDENCE_REASON,
)
personal_data(
    SavedReply,
    kind="saved_replies",
    label=_("Saved replies"),
    owners=("owner", "created_by"),
    fields={"owner": own(), "created_by": actor(), "title": own(), "body_du": own(), "body_sie": own()},
    on_erase=OnErase.DELETE,
)
personal_data(
    Report,
    kind="moderation_about_me",
    owners=("target_author",),
    fields={
        "target_author": own(),
        "snapshot": kept(EVIDENCE_REASON, export=False),
        "handled_by": actor(),
        "resolution_note": kept(EVIDENCE_REASON, export=False),
    },
    on_erase=OnErase.ANONYMISE,
    reason=EVIDENCE_REASON,
    retention="RETENTION_REPORTS_DAYS",
)
personal_data(
    ReportEntry,
    kind="reports_filed",
    label=_("Reports filed"),
    owners=("reporter",),
    fields={"reporter": anonymised(EVIDENCE_REASON), "text": kept(EVIDENCE_REASON)},
    on_erase=OnErase.ANONYMISE,
    reason=EVIDENCE_REASON,
    retention="RETENTION_REPORTS_DAYS",
)
personal_data(
    HiddenMessage,
    kind="moderation_about_me",
    owners=("author",),
    fields={
        "author": own(),
        "original_source": own(),
        "original_html": own(export=False),
        "original_text": own(export=False),
        "reason": kept(EVIDENCE_REASON),
        "hidden_by": actor(),
    },
    on_erase=OnErase.DELETE,
    retention="RETENTION_REPORTS_DAYS",
)
personal_data(
    WatchedWord,
    kind="moderation_settings",
    label=_("Moderation settings written"),
    owners=("created_by",),
    fields={"created_by": actor(export=True), "pattern": kept(COMPANY_CONTENT_REASON)},
    on_erase=OnErase.ANONYMISE,
    reason=COMPANY_CONTENT_REASON,
)
personal_data(
    HandoverRecord,
    kind="handovers",
    label=_("Handovers"),
    owners=("from_user", "to_user"),
    fields={
        "from_user": anonymised(EVIDENCE_REASON),
        "to_user": anonymised(EVIDENCE_REASON),
        "by": actor(),
        "reason": kept(EVIDENCE_REASON),
    },
    on_erase=OnErase.ANONYMISE,
    reason=EVIDENCE_REASON,
)
personal_data(
    LifecycleCampaign,
    kind="moderation_settings",
    owners=("created_by",),
    fields={"created_by": actor(export=True), "title": kept(COMPANY_CONTENT_REASON)},
    on_erase=OnErase.ANONYMISE,
    reason=COMPANY_CONTENT_REASON,
)
personal_data(
    CampaignCase,
    kind="handovers",
    owners=("answered_by",),
    fields={"answered_by": anonymised(EVIDENCE_REASON)},
    on_erase=OnErase.ANONYMISE,
    reason=EVIDENCE_REASON,
)
personal_data(
    MergeRecord,
    kind="handovers",
    owners=("by",),
    fields={"by": anonymised(EVIDENCE_REASON), "reversed_by": actor(), "reason": kept(EVIDENCE_REASON)},
    other_fields={
        "moved_membership_ids": _("Row numbers, to reverse the merge."),
        "raised_roles": _("Row numbers and role codes, to reverse the merge."),
        "moved_post_ids": _("Row numbers, to reverse the merge."),
    },
    on_erase=OnErase.ANONYMISE,
    reason=EVIDENCE_REASON,
)
personal_data(
    CoordinatorNote,
    kind="coordinator_notes_about_me",
    label=_("Coordinators' notes about me"),
    owners=("manager",),
    fields={"manager": own(), "author": actor(), "text": own(), "next_action": own()},
    on_erase=OnErase.DELETE,
)
