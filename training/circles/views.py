"""Peer-learning circle screens: open and own circles, the circle page, check-ins, retrospective."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from intranet.core.idempotency import expired_response, key_from_post
from intranet.core.web import viewer_of as _viewer

from . import selectors as sel
from .models import CIRCLE_MAX_MEMBERS, CIRCLE_MIN_MEMBERS
from .permissions import (
    can_check_in,
    can_form_circles,
    can_join_circle,
    can_leave_circle,
    can_manage_circle_members,
    can_start_circle,
    can_write_retrospective,
    is_circle_member,
)
from .services import (
    CircleError,
    checkin_save,
    circle_create,
    circle_join,
    circle_leave,
    circle_member_add,
    circle_member_remove,
    circle_start,
    retrospective_save,
)


@login_required
@require_GET
def circle_list(request: HttpRequest) -> HttpResponse:
    viewer = _viewer(request)
    open_page = sel.open_circles(viewer, cursor=request.GET.get("cursor"))
    mine = sel.my_circles(viewer, page_size=50)
    return render(
        request,
        "training/circles/circle_list.html",
        {
            "open_page": open_page,
            "mine": mine,
            "can_form": can_form_circles(viewer),
            "max_members": CIRCLE_MAX_MEMBERS,
            "min_members": CIRCLE_MIN_MEMBERS,
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def circle_create_view(request: HttpRequest) -> HttpResponse:
    viewer = _viewer(request)
    plans = sel.plan_list()
    error = ""
    data = {"name": request.POST.get("name", ""), "description": request.POST.get("description", "")}
    if request.method == "POST":
        key = key_from_post(request)
        if key is None:
            return expired_response(request)
        plan = next((p for p in plans if str(p.pk) == request.POST.get("plan")), None)
        closed = can_form_circles(viewer) and request.POST.get("assign") == "1"
        if plan is None:
            error = _("Choose a plan.")
        else:
            try:
                circle = circle_create(
                    actor=viewer,
                    name=data["name"],
                    plan=plan,
                    description=data["description"],
                    is_open=not closed,
                    join=not closed,
                    idempotency_key=key,
                )
            except CircleError as exc:
                error = str(exc)
            except ValidationError as exc:  # the form was sent already (its key used elsewhere)
                error = " ".join(exc.messages)
            else:
                messages.success(request, _("The circle was created."))
                return redirect("training:circle_detail", circle_id=circle.pk)
    return render(
        request,
        "training/circles/circle_form.html",
        {"plans": plans, "error": error, "data": data, "can_form": can_form_circles(viewer)},
    )


@login_required
@require_GET
def circle_detail(request: HttpRequest, circle_id: int) -> HttpResponse:
    return _circle_page(request, circle_id)


def _circle_page(
    request: HttpRequest, circle_id: int, *, member_value: str = "", member_error: str = "", status: int = 200
) -> HttpResponse:
    """The circle page; a failed "add member" shows it again with the error on the picker (400)."""
    viewer = _viewer(request)
    page = sel.circle_page(viewer, circle_id)
    circle = page.circle
    return render(
        request,
        "training/circles/circle_detail.html",
        {
            "page": page,
            "circle": circle,
            "is_member": is_circle_member(viewer, circle),
            "can_join": can_join_circle(viewer, circle),
            "can_leave": can_leave_circle(viewer, circle),
            "can_start": can_start_circle(viewer, circle) and circle.member_count >= CIRCLE_MIN_MEMBERS,
            "can_check_in": can_check_in(viewer, circle),
            "can_retro": can_write_retrospective(viewer, circle),
            "can_manage": can_manage_circle_members(viewer, circle),
            "min_members": CIRCLE_MIN_MEMBERS,
            "max_members": CIRCLE_MAX_MEMBERS,
            "member_value": member_value,
            "member_error": member_error,
        },
        status=status,
    )


def _act(request: HttpRequest, circle_id: int, action: str) -> HttpResponse:
    viewer = _viewer(request)
    circle = sel.circle_get_for_viewer(viewer, circle_id)
    try:
        if action == "join":
            circle_join(actor=viewer, circle=circle)
            messages.success(request, _("You joined the circle."))
        elif action == "leave":
            circle_leave(actor=viewer, circle=circle)
            messages.success(request, _("You left the circle."))
            return redirect("training:circle_list")
        elif action == "start":
            circle_start(actor=viewer, circle=circle)
            messages.success(request, _("The circle has started. Week 1 begins now."))
    except CircleError as exc:
        messages.error(request, str(exc))
    return redirect("training:circle_detail", circle_id=circle.pk)


@login_required
@require_POST
def circle_join_view(request: HttpRequest, circle_id: int) -> HttpResponse:
    return _act(request, circle_id, "join")


@login_required
@require_POST
def circle_leave_view(request: HttpRequest, circle_id: int) -> HttpResponse:
    return _act(request, circle_id, "leave")


@login_required
@require_POST
def circle_start_view(request: HttpRequest, circle_id: int) -> HttpResponse:
    return _act(request, circle_id, "start")


@login_required
@require_POST
def circle_checkin_view(request: HttpRequest, circle_id: int) -> HttpResponse:
    viewer = _viewer(request)
    circle = sel.circle_get_for_viewer(viewer, circle_id)
    try:
        checkin_save(actor=viewer, circle=circle, text=request.POST.get("text", ""))
    except CircleError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("Your check-in was saved."))
    return redirect("training:circle_detail", circle_id=circle.pk)


@login_required
@require_POST
def circle_retrospective_view(request: HttpRequest, circle_id: int) -> HttpResponse:
    viewer = _viewer(request)
    circle = sel.circle_get_for_viewer(viewer, circle_id)
    try:
        retrospective_save(
            actor=viewer,
            circle=circle,
            went_well=request.POST.get("went_well", ""),
            to_improve=request.POST.get("to_improve", ""),
            next_steps=request.POST.get("next_steps", ""),
        )
    except CircleError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("Your retrospective was saved."))
    return redirect("training:circle_detail", circle_id=circle.pk)


@login_required
@require_POST
def circle_member_add_view(request: HttpRequest, circle_id: int) -> HttpResponse:
    viewer = _viewer(request)
    circle = sel.circle_get_for_viewer(viewer, circle_id)
    if not can_manage_circle_members(viewer, circle):
        raise PermissionDenied
    handle = request.POST.get("handle", "").strip().lstrip("@")[:254]
    person = sel.person_by_handle(viewer, handle)
    if person is None:
        # The page again with the typed text and the reason on the person picker.
        error = _("Nobody here is called “%(text)s”. Choose a person from the list.") % {"text": handle}
        return _circle_page(request, circle.pk, member_value=handle, member_error=error, status=400)
    else:
        try:
            circle_member_add(actor=viewer, circle=circle, user=person)
        except CircleError as exc:
            messages.error(request, str(exc))
        else:
            messages.success(request, _("%(name)s was added.") % {"name": person.display_name})
    return redirect("training:circle_detail", circle_id=circle.pk)


@login_required
@require_POST
def circle_member_remove_view(request: HttpRequest, circle_id: int, user_id: int) -> HttpResponse:
    viewer = _viewer(request)
    circle = sel.circle_get_for_viewer(viewer, circle_id)
    if not can_manage_circle_members(viewer, circle):
        raise PermissionDenied
    try:
        circle_member_remove(actor=viewer, circle=circle, user_id=user_id)
    except CircleError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("The person was removed from the circle."))
    return redirect("training:circle_detail", circle_id=circle.pk)
