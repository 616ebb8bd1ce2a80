"""Directory, community pages, settings and membership management."""

from django.urls import path

from communities.core.views import community, directory, members

urlpatterns = [
    path("communities/", directory.community_list, name="community_list"),
    path("communities/new/", directory.community_create, name="community_create"),
    path("communities/<slug:slug>/", community.community_detail, name="community_detail"),
    path("communities/<slug:slug>/settings/", community.community_settings, name="community_settings"),
    path("communities/<slug:slug>/archive/", community.community_archive, name="community_archive"),
    path("communities/<slug:slug>/unarchive/", community.community_unarchive, name="community_unarchive"),
    # The viewer's own membership
    path("communities/<slug:slug>/join/", community.membership_join, name="membership_join"),
    path("communities/<slug:slug>/request/", community.membership_request, name="membership_request"),
    path("communities/<slug:slug>/leave/", community.membership_leave, name="membership_leave"),
    path(
        "communities/<slug:slug>/invitation/accept/",
        community.membership_accept_invitation,
        name="membership_accept_invitation",
    ),
    path(
        "communities/<slug:slug>/invitation/decline/",
        community.membership_decline_invitation,
        name="membership_decline_invitation",
    ),
    path(
        "communities/<slug:slug>/notifications/",
        community.membership_notification_level,
        name="membership_notification_level",
    ),
    # Members and the managers' actions
    path("communities/<slug:slug>/members/", members.member_list, name="member_list"),
    path("communities/<slug:slug>/members/invite/", members.membership_invite, name="membership_invite"),
    path(
        "communities/<slug:slug>/members/invite/bulk/",
        members.membership_invite_bulk,
        name="membership_invite_bulk",
    ),
    path(
        "communities/<slug:slug>/members/<int:membership_id>/approve/",
        members.membership_approve,
        name="membership_approve",
    ),
    path(
        "communities/<slug:slug>/members/<int:membership_id>/decline/",
        members.membership_decline,
        name="membership_decline",
    ),
    path(
        "communities/<slug:slug>/members/<int:membership_id>/role/",
        members.membership_change_role,
        name="membership_change_role",
    ),
    path(
        "communities/<slug:slug>/members/<int:membership_id>/remove/",
        members.membership_remove,
        name="membership_remove",
    ),
    path("communities/<slug:slug>/members/<int:membership_id>/ban/", members.membership_ban, name="membership_ban"),
    path(
        "communities/<slug:slug>/members/<int:membership_id>/unban/",
        members.membership_unban,
        name="membership_unban",
    ),
]
