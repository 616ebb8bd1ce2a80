"""The community page, its settings, archiving, and the viewer's own membership actions."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from communities.core import selectors, services
from communities.core.forms import CommunitySettingsForm, MessageForm, NotificationLevelForm, ReasonForm
from communities.core.header import community_url, get_community, header_context
from communities.core.models import Community, Membership
from communities.core.permissions import (
    can_archive_community,
    can_change_community_settings,
    can_change_post_retention,
    can_leave_community,
    can_set_official,
    can_view_community,
)
from communities.core.tabs import post_stream_provider
from intranet.core.viewer import Viewer
from intranet.core.web import error_message
from intranet.core.web import viewer_of as _viewer

# The post stream comes from the posts screens (``communities.posts.views.posts.post_stream_context``,
# which renders ``communities/posts/_post_stream.html``), registered from ``CommunitiesConfig.ready``.
# Without one the page shows an empty-state placeholder in its "post stream" section.


def _post_stream_context(request: HttpRequest, community: Community, *, can_read: bool) -> dict[str, Any]:
    """Context for the "post stream" section of the community page: the posts screens' stream
    (first page, ``?kind=`` filter) for readers, else nothing and the template shows a placeholder."""
    provider = post_stream_provider()
    if provider is None or not can_read:
        return {"post_stream": False}
    context = provider(_viewer(request), community, kind=str(request.GET.get("kind", "all")), cursor="")
    return {**context, "post_stream": True}


@login_required
def community_detail(request: HttpRequest, slug: str) -> HttpResponse:
    community = get_community(request, slug)
    viewer = _viewer(request)
    context = header_context(request, community)
    context.update(
        tab="about",
        managers=selectors.manager_list_for_community(community=community),
        notification_form=None,
    )
    if context["actions"]["notifications"]:
        membership = selectors.membership_for_viewer(viewer, community)
        if membership is not None:
            context["notification_form"] = NotificationLevelForm(initial={"level": membership.notification_level})
    context.update(_post_stream_context(request, community, can_read=context["actions"]["read"]))
    return render(request, "communities/core/community_detail.html", context)


# Settings and lifecycle --------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def community_settings(request: HttpRequest, slug: str) -> HttpResponse:
    community = get_community(request, slug)
    viewer = _viewer(request)
    may_edit = can_change_community_settings(viewer, community)
    if not may_edit and not can_archive_community(viewer, community):
        raise PermissionDenied
    official = can_set_official(viewer, community)
    retention = can_change_post_retention(viewer, community)
    if request.method == "POST":
        if not may_edit:
            raise PermissionDenied
        form = CommunitySettingsForm(
            request.POST, request.FILES, can_set_official=official, can_set_retention=retention
        )
        if form.is_valid():
            try:
                _save_settings(viewer, community, form)
            except ValidationError as exc:
                form.add_service_errors(exc)
            else:
                messages.success(request, _("The settings have been saved."))
                return redirect(community_url(community))
        form.mark_invalid()
    else:
        form = CommunitySettingsForm(
            initial=CommunitySettingsForm.initial_for(community), can_set_official=official, can_set_retention=retention
        )
    context = header_context(request, community)
    context.update(form=form, may_edit=may_edit, tab="settings", reason_form=ReasonForm())
    return render(request, "communities/core/community_settings.html", context)


def _save_settings(viewer: Viewer, community: Community, form: CommunitySettingsForm) -> None:
    data = form.cleaned_data
    changes: dict[str, Any] = {
        "name": data["name"],
        "description": data["description"],
        "purpose": data["purpose"],
        "category": data["category"],
        "tags": data["tags"],
        "language": data["language"],
        "visibility": data["visibility"],
        "join_policy": data["join_policy"],
    }
    if data.get("cover_image"):
        changes["cover_image"] = data["cover_image"]
    elif data.get("remove_cover") and community.cover_image:
        changes["cover_image"] = None
    is_official = data["is_official"] if "is_official" in form.fields else None
    post_retention = None
    if "post_retention_days" in form.fields:
        post_retention = (
            data["post_retention_days"] or 0,
            data["post_retention_action"] or community.post_retention_action,
        )
    services.community_settings_save(
        actor=viewer, community=community, changes=changes, is_official=is_official, post_retention=post_retention
    )


def _lifecycle(request: HttpRequest, slug: str, *, archive: bool) -> HttpResponse:
    community = get_community(request, slug)
    form = ReasonForm(request.POST)
    reason = form.cleaned_data["reason"] if form.is_valid() else ""
    service = services.community_archive if archive else services.community_unarchive
    try:
        service(actor=_viewer(request), community=community, reason=reason)
    except ValidationError as exc:
        error_message(request, exc)
    else:
        messages.success(
            request,
            _("The community has been archived: it is read-only now.")
            if archive
            else _("The community is active again."),
        )
    return redirect(community_url(community))


@login_required
@require_POST
def community_archive(request: HttpRequest, slug: str) -> HttpResponse:
    return _lifecycle(request, slug, archive=True)


@login_required
@require_POST
def community_unarchive(request: HttpRequest, slug: str) -> HttpResponse:
    return _lifecycle(request, slug, archive=False)


# The viewer's own membership -----------------------------------------------------------------------


def _own_action(request: HttpRequest, slug: str, action: Callable[[Viewer, Community], str]) -> HttpResponse:
    community = get_community(request, slug)
    try:
        notice = action(_viewer(request), community)
    except ValidationError as exc:
        error_message(request, exc)
    else:
        messages.success(request, notice)
    return HttpResponseRedirect(community_url(community))


@login_required
@require_POST
def membership_join(request: HttpRequest, slug: str) -> HttpResponse:
    def join(viewer: Viewer, community: Community) -> str:
        services.membership_join(actor=viewer, community=community)
        return _("Welcome! You are now a member of %(name)s.") % {"name": community.name}

    return _own_action(request, slug, join)


@login_required
@require_POST
def membership_request(request: HttpRequest, slug: str) -> HttpResponse:
    form = MessageForm(request.POST)
    if not form.is_valid():
        community = get_community(request, slug)
        messages.error(request, " ".join(str(m) for errors in form.errors.values() for m in errors))
        return HttpResponseRedirect(community_url(community))
    message = form.cleaned_data["message"]

    def ask(viewer: Viewer, community: Community) -> str:
        services.membership_request(actor=viewer, community=community, message=message)
        return _("Your request has been sent. The managers of %(name)s will decide.") % {"name": community.name}

    return _own_action(request, slug, ask)


@login_required
@require_POST
def membership_accept_invitation(request: HttpRequest, slug: str) -> HttpResponse:
    def accept(viewer: Viewer, community: Community) -> str:
        services.membership_accept_invitation(actor=viewer, community=community)
        return _("Welcome! You are now a member of %(name)s.") % {"name": community.name}

    return _own_action(request, slug, accept)


@login_required
@require_POST
def membership_decline_invitation(request: HttpRequest, slug: str) -> HttpResponse:
    community = get_community(request, slug)
    try:
        services.membership_decline_invitation(actor=_viewer(request), community=community)
    except ValidationError as exc:
        error_message(request, exc)
        return HttpResponseRedirect(community_url(community))
    messages.success(request, _("You have declined the invitation."))
    # A declined invitation to a secret community leaves nothing the viewer may see there.
    return redirect("communities:community_list")


@login_required
@require_http_methods(["GET", "POST"])
def membership_leave(request: HttpRequest, slug: str) -> HttpResponse:
    """GET asks for confirmation; POST leaves (or withdraws a request / declines an invitation)."""
    community = get_community(request, slug)
    viewer = _viewer(request)
    if not can_leave_community(viewer, community):
        raise PermissionDenied
    if request.method == "GET":
        context = header_context(request, community)
        return render(request, "communities/core/membership_leave.html", context)
    try:
        services.membership_leave(actor=viewer, community=community)
    except ValidationError as exc:
        error_message(request, exc)
        return HttpResponseRedirect(community_url(community))
    messages.success(request, _("You are no longer part of %(name)s.") % {"name": community.name})
    if not can_view_community(viewer, community):  # e.g. a secret community: nothing left to see
        return redirect("communities:community_list")
    return HttpResponseRedirect(community_url(community))


@login_required
@require_POST
def membership_notification_level(request: HttpRequest, slug: str) -> HttpResponse:
    form = NotificationLevelForm(request.POST)
    level = form.cleaned_data["level"] if form.is_valid() else str(request.POST.get("level", ""))

    def set_level(viewer: Viewer, community: Community) -> str:
        services.membership_set_notification_level(actor=viewer, community=community, level=level)
        label = Membership.NotificationLevel(level).label
        return _("Notifications for this community: %(level)s.") % {"level": label}

    return _own_action(request, slug, set_level)
