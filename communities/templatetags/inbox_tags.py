"""Template helpers of the managers' inbox."""

from __future__ import annotations

from django import template

from communities.core.models import ROLE_RANK, Community, Membership
from communities.core.permissions import role_map
from intranet.core.viewer import Viewer

register = template.Library()


@register.filter
def offers_saved_replies(viewer: Viewer | None, community: Community) -> bool:
    """Whether to show the saved-reply picker in a comment form: the community's moderators and
    above. Reads only the viewer's cached role map (no query on pages that already loaded it)."""
    if viewer is None or not viewer.is_authenticated:
        return False
    entry = role_map(viewer).get(community.pk)
    return (
        entry is not None
        and entry[1] == Membership.State.ACTIVE
        and ROLE_RANK[entry[0]] >= ROLE_RANK[Membership.Role.MODERATOR]
    )
