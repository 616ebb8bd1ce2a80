"""Who may read, edit and review a community's canvas (query-free predicates).

Decisions:

* **Read**: active members of the community (any role) and coordinators of it. The canvas is the
  team's own description of the community, so everyone who belongs to it may read it, whatever the
  visibility; people who merely *may read the posts* of a public community without joining do not
  (the canvas is a working document, not part of the public page). Anyone else, pending, invited or
  banned people included, gets the same 404 as for a missing community.
* **Edit** (save a new version): owners and managers of the community, while it is not archived.
  Coordinators review but do not write other teams' canvas.
* **Review** (comment): coordinators of the community (scoped coordinators only inside their scope).
* **See comments**: managers and coordinators; **resolve**: managers, and the comment's author.
"""

from __future__ import annotations

from communities.canvas.models import CanvasComment
from communities.core.models import ROLE_RANK, Community, Membership
from communities.core.permissions import _active_rank, is_coordinator
from intranet.core.viewer import Viewer

Role = Membership.Role


def _is_manager(viewer: Viewer, community: Community) -> bool:
    return _active_rank(viewer, community) >= ROLE_RANK[Role.MANAGER]


def can_view_canvas(viewer: Viewer, community: Community) -> bool:
    """Read the canvas and its history: active members and coordinators of the community."""
    if not viewer.is_authenticated:
        return False
    return _active_rank(viewer, community) > 0 or is_coordinator(viewer, community)


def can_edit_canvas(viewer: Viewer, community: Community) -> bool:
    """Save a new version: owners and managers, not while the community is archived."""
    return not community.is_archived and _is_manager(viewer, community)


def can_review_canvas(viewer: Viewer, community: Community) -> bool:
    """Write review comments: coordinators of the community, not while it is archived."""
    return not community.is_archived and is_coordinator(viewer, community)


def can_view_canvas_comments(viewer: Viewer, community: Community) -> bool:
    """See review comments: managers of the community and its coordinators."""
    return _is_manager(viewer, community) or is_coordinator(viewer, community)


def can_resolve_canvas_comment(viewer: Viewer, community: Community, comment: CanvasComment) -> bool:
    """Mark an open comment resolved: managers, and the coordinator who wrote it."""
    if comment.is_resolved or community.is_archived:
        return False
    if _is_manager(viewer, community):
        return True
    return comment.author_id is not None and comment.author_id == viewer.user_id and is_coordinator(viewer, community)
