"""The members page of a community and the managers' actions on other people's memberships."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from communities.core import selectors, services
from communities.core.forms import BulkInviteForm, InviteForm, MemberSearchForm, MessageForm, ReasonForm, RoleForm
from communities.core.header import get_community, header_context
from communities.core.models import Community, Membership
from communities.core.permissions import (
    can_ban_member,
    can_change_role,
    can_manage_members,
    can_read_community_content,
    can_remove_member,
    can_unban_member,
)
from intranet.core.viewer import Viewer
from intranet.core.web import error_message
from intranet.core.web import viewer_of as _viewer

ROLES = Membership.Role


def members_url(community: Community, **params: str) -> str:
    url = reverse("communities:member_list", kwargs={"slug": community.slug})
    return f"{url}?{urlencode(params)}" if params else url


def _row_actions(viewer: Viewer, membership: Membership) -> dict[str, Any]:
    """Per-row controls, from the query-free predicates."""
    return {
        "roles": [(value, label) for value, label in ROLES.choices if can_change_role(viewer, membership, value)],
        "remove": can_remove_member(viewer, membership),
        "ban": can_ban_member(viewer, membership.community, membership),
        "unban": can_unban_member(viewer, membership),
    }


@login_required
def member_list(request: HttpRequest, slug: str) -> HttpResponse:
    return _member_page(request, get_community(request, slug))


def _member_page(
    request: HttpRequest, community: Community, *, invite_form: InviteForm | None = None, status: int = 200
) -> HttpResponse:
    """The members page; a failed invitation shows it again with its ``invite_form`` (status 400)."""
    viewer = _viewer(request)
    manage = can_manage_members(viewer, community)
    if not (can_read_community_content(viewer, community) or manage):
        raise PermissionDenied
    query, cursor = MemberSearchForm(request.GET).values()
    page = selectors.member_list_for_community(community=community, query=query, cursor=cursor or None)
    for membership in page.items:
        membership.actions = _row_actions(viewer, membership)  # type: ignore[attr-defined]
    next_url = ""
    if page.next_cursor:
        params = {"q": query, "cursor": page.next_cursor} if query else {"cursor": page.next_cursor}
        next_url = members_url(community, **params)
    context: dict[str, Any] = {"community": community, "page": page, "next_url": next_url, "query": query}
    if getattr(request, "htmx", False) and cursor:
        return render(request, "communities/core/_member_page.html", context)
    context.update(header_context(request, community))
    context.update(tab="members", manage=manage, role_form=RoleForm(), reason_form=ReasonForm())
    if manage and not query:
        queues = selectors.membership_queues_for_community(community=community)
        for membership in [*queues.pending, *queues.invited, *queues.banned]:
            membership.actions = _row_actions(viewer, membership)  # type: ignore[attr-defined]
        context.update(queues=queues, invite_form=invite_form or InviteForm(), decision_form=MessageForm())
    return render(request, "communities/core/member_list.html", context, status=status)


def _manager_action(
    request: HttpRequest, slug: str, membership_id: int, action: Callable[[Viewer, Membership], str]
) -> HttpResponse:
    """Run ``action`` on a membership row of this community; domain errors become a message."""
    community = get_community(request, slug)
    membership = selectors.membership_get_for_community(community=community, membership_id=membership_id)
    try:
        notice = action(_viewer(request), membership)
    except ValidationError as exc:
        error_message(request, exc)
    else:
        messages.success(request, notice)
    return HttpResponseRedirect(members_url(community))


def _message(request: HttpRequest) -> str:
    form = MessageForm(request.POST)
    if not form.is_valid():
        raise ValidationError(_("Use at most %(max)d characters.") % {"max": 1000})
    return str(form.cleaned_data["message"])


def _reason(request: HttpRequest) -> str:
    form = ReasonForm(request.POST)
    return str(form.cleaned_data["reason"]) if form.is_valid() else ""


@login_required
@require_POST
def membership_approve(request: HttpRequest, slug: str, membership_id: int) -> HttpResponse:
    def approve(viewer: Viewer, membership: Membership) -> str:
        services.membership_approve(actor=viewer, membership=membership, message=_message(request))
        return _("%(person)s is now a member.") % {"person": membership.user}

    return _manager_action(request, slug, membership_id, approve)


@login_required
@require_POST
def membership_decline(request: HttpRequest, slug: str, membership_id: int) -> HttpResponse:
    def decline(viewer: Viewer, membership: Membership) -> str:
        services.membership_decline(actor=viewer, membership=membership, message=_message(request))
        return _("The request of %(person)s has been declined.") % {"person": membership.user}

    return _manager_action(request, slug, membership_id, decline)


@login_required
@require_POST
def membership_change_role(request: HttpRequest, slug: str, membership_id: int) -> HttpResponse:
    def change(viewer: Viewer, membership: Membership) -> str:
        form = RoleForm(request.POST)
        if not form.is_valid():
            raise ValidationError(_("Choose one of the offered roles."))
        role = form.cleaned_data["role"]
        services.membership_change_role(actor=viewer, membership=membership, role=role)
        return _("%(person)s is now %(role)s.") % {"person": membership.user, "role": ROLES(role).label}

    return _manager_action(request, slug, membership_id, change)


@login_required
@require_POST
def membership_remove(request: HttpRequest, slug: str, membership_id: int) -> HttpResponse:
    def remove(viewer: Viewer, membership: Membership) -> str:
        services.membership_remove(actor=viewer, membership=membership, reason=_reason(request))
        return _("%(person)s has been removed.") % {"person": membership.user}

    return _manager_action(request, slug, membership_id, remove)


@login_required
@require_POST
def membership_ban(request: HttpRequest, slug: str, membership_id: int) -> HttpResponse:
    def ban(viewer: Viewer, membership: Membership) -> str:
        services.membership_ban(
            actor=viewer, community=membership.community, user=membership.user, reason=_reason(request)
        )
        return _("%(person)s has been banned from this community.") % {"person": membership.user}

    return _manager_action(request, slug, membership_id, ban)


@login_required
@require_POST
def membership_unban(request: HttpRequest, slug: str, membership_id: int) -> HttpResponse:
    def unban(viewer: Viewer, membership: Membership) -> str:
        services.membership_unban(actor=viewer, membership=membership, reason=_reason(request))
        return _("The ban on %(person)s has been lifted.") % {"person": membership.user}

    return _manager_action(request, slug, membership_id, unban)


@login_required
@require_POST
def membership_invite(request: HttpRequest, slug: str) -> HttpResponse:
    """Invite one person by handle or e-mail address."""
    community = get_community(request, slug)
    viewer = _viewer(request)
    if not can_manage_members(viewer, community):
        raise PermissionDenied
    form = InviteForm(request.POST)
    person = None
    if form.is_valid():
        person = selectors.invitee_get_for_viewer(viewer=viewer, identifier=form.cleaned_data["person"])
        if person is None:
            form.add_error(
                "person",
                _(
                    "Nobody here is called “%(text)s”. Choose a person from the list, or enter their handle "
                    "or e-mail address."
                )
                % {"text": form.cleaned_data["person"]},
            )
    if person is None:
        # The page again, with the error on the field and the typed text kept (the picker's
        # listbox offers the names that do exist).
        return _member_page(request, community, invite_form=form, status=400)
    try:
        services.membership_invite(actor=viewer, community=community, user=person)
    except ValidationError as exc:
        error_message(request, exc)
    else:
        messages.success(request, _("%(person)s has been invited.") % {"person": person})
    return HttpResponseRedirect(members_url(community))


@login_required
@require_http_methods(["GET", "POST"])
def membership_invite_bulk(request: HttpRequest, slug: str) -> HttpResponse:
    """Invite many people from pasted addresses or a CSV file; shows the service's report."""
    community = get_community(request, slug)
    viewer = _viewer(request)
    if not can_manage_members(viewer, community):
        raise PermissionDenied
    report = None
    if request.method == "POST":
        form = BulkInviteForm(request.POST, request.FILES)
        if form.is_valid():
            try:
                report = services.membership_invite_bulk(
                    actor=viewer,
                    community=community,
                    text=form.cleaned_data["addresses"],
                    csv_file=form.cleaned_data["csv_file"],
                )
            except ValidationError as exc:
                form.add_error(None, exc.messages)
            else:
                form = BulkInviteForm()
    else:
        form = BulkInviteForm()
    context = header_context(request, community)
    context.update(form=form, report=report, tab="members")
    return render(request, "communities/core/membership_invite_bulk.html", context)
