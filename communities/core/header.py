"""The community header that every page of a community shares (the page itself, members, settings,
the inbox of one community): the community for this viewer, what they may do, the feature tabs.

A public module of core for the feature pages; views of other features import it instead of
core's views.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.urls import reverse

from communities.core import selectors
from communities.core.forms import MessageForm
from communities.core.models import Community
from communities.core.permissions import (
    can_accept_invitation,
    can_archive_community,
    can_change_community_settings,
    can_change_own_notification_level,
    can_join_community,
    can_leave_community,
    can_manage_members,
    can_read_community_content,
    can_request_membership,
    can_view_community,
    role_map,
)
from communities.core.tabs import tabs_for
from intranet.core.viewer import Viewer
from intranet.core.web import viewer_of as _viewer


def get_community(request: HttpRequest, slug: str) -> Community:
    """The community at ``slug`` for this viewer; ``Http404`` for missing and hidden alike."""
    return selectors.community_get_for_viewer(_viewer(request), slug)


def community_url(community: Community) -> str:
    return reverse("communities:community_detail", kwargs={"slug": community.slug})


def community_actions(viewer: Viewer, community: Community) -> dict[str, bool]:
    """What the viewer may do here, for the buttons (query-free after the role map is cached)."""
    return {
        "join": can_join_community(viewer, community),
        "request": can_request_membership(viewer, community),
        "accept_invitation": can_accept_invitation(viewer, community),
        "leave": can_leave_community(viewer, community),
        "read": can_read_community_content(viewer, community),
        "manage_members": can_manage_members(viewer, community),
        "change_settings": can_change_community_settings(viewer, community),
        "archive": can_archive_community(viewer, community),
        "notifications": can_change_own_notification_level(viewer, community),
    }


def viewer_role_state(viewer: Viewer, community: Community) -> tuple[str, str]:
    if not viewer.is_authenticated:
        return "", ""
    return role_map(viewer).get(community.pk, ("", ""))


def header_context(request: HttpRequest, community: Community) -> dict[str, Any]:
    """What the community header (shared by the page, members and settings) needs."""
    viewer = _viewer(request)
    role, state = viewer_role_state(viewer, community)
    # A merged community names where its content went, if the viewer may see that community.
    merged_into = community.merged_into if community.merged_into_id is not None else None
    if merged_into is not None and not can_view_community(viewer, merged_into):
        merged_into = None
    return {
        "merged_into": merged_into,
        "merged_into_url": community_url(merged_into) if merged_into is not None else "",
        "community": community,
        "actions": community_actions(viewer, community),
        "feature_tabs": tabs_for(viewer, community),
        "viewer_role": role,
        "viewer_state": state,
        "request_form": MessageForm(),
    }
