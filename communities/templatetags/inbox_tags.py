"""Template helpers of the managers' inbox."""

from __future__ import annotations

from django import template

from communities.core.models import Community
from communities.inbox.permissions import can_use_saved_replies
from intranet.core.viewer import Viewer

register = template.Library()


@register.filter
def offers_saved_replies(viewer: Viewer | None, community: Community) -> bool:
    """Whether to show the saved-reply picker in a comment form: :func:`can_use_saved_replies`
    (the community's moderators and above, and its coordinators). Reads only the viewer's cached maps."""
    return viewer is not None and can_use_saved_replies(viewer, community)
