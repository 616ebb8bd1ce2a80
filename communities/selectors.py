"""Reads of the communities app for screens; writes live in ``communities.services``."""

from __future__ import annotations

from django.http import Http404

from intranet.core.permissions import require_visible
from intranet.core.viewer import Viewer

from .models import Community, Membership
from .permissions import can_view_community, role_map


def community_get_for_viewer(viewer: Viewer, slug: str) -> Community:
    """The community at ``slug`` if the viewer may see it; ``Http404`` for missing and hidden alike.

    Two queries at most: the row (with its category) and, if not cached yet, the viewer's role map.
    """
    community = Community.objects.select_related("category").filter(slug=slug).first()
    if community is None:
        raise Http404
    require_visible(can_view_community(viewer, community))
    return community


def membership_for_viewer(viewer: Viewer, community: Community) -> Membership | None:
    """The viewer's own membership row in ``community`` (any state), or ``None``.

    Costs no query when the cached role map shows there is no row.
    """
    if viewer.user_id is None or community.pk not in role_map(viewer):
        return None
    membership = Membership.objects.filter(community=community, user_id=viewer.user_id).first()
    if membership is not None:
        membership.community = community
    return membership
