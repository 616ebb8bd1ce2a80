"""Session screens: the session page, booking, calendar files and the personal feed for learners;
creating, editing and cancelling sessions, rosters, attendance and exports for coordinators and
trainers."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from intranet.core.csvexport import csv_response
from intranet.core.viewer import Viewer
from intranet.core.web import apply_errors as _apply
from intranet.core.web import error_message
from intranet.core.web import viewer_of as _viewer
from training.programmes.selectors import programme_get_for_viewer
from training.roles import is_training_coordinator
from training.web import base_url, guard

from . import permissions as perms
from . import selectors as sel
from .calendar import feed_ics, session_ics
from .forms import CancelSessionForm, SessionCreateForm, SessionForm
from .models import SessionBooking
from .services import (
    attendance_mark_many,
    booking_cancel,
    calendar_token_for,
    calendar_token_regenerate,
    session_book,
    session_cancel,
    session_create,
    session_update,
)


@login_required
@require_GET
def session_detail(request: HttpRequest, session_id: int) -> HttpResponse:
    viewer = _viewer(request)
    detail = sel.session_detail_for_viewer(viewer, session_id)
    session = detail.session
    booking = detail.booking
    active = booking is not None and booking.status != SessionBooking.Status.CANCELLED
    return render(
        request,
        "training/sessions/session_detail.html",
        {
            "detail": detail,
            "session": session,
            "booking": booking if active else None,
            "can_book": not active and perms.can_book_session(viewer, session),
            "can_cancel_booking": active and booking is not None and perms.can_cancel_booking(viewer, booking),
            "can_manage": perms.can_manage_session(viewer, session) or perms.can_view_session_bookings(viewer, session),
        },
    )


@login_required
@require_POST
def session_book_view(request: HttpRequest, session_id: int) -> HttpResponse:
    viewer = _viewer(request)
    session = sel.session_get_for_viewer(viewer, session_id)
    booking = session_book(actor=viewer, session=session)
    if booking.status == SessionBooking.Status.BOOKED:
        messages.success(request, _("Your seat is booked."))
    else:
        messages.info(
            request,
            _("The session is full: you are number %(position)s on the waitlist.") % {"position": booking.position},
        )
    return redirect(session.get_absolute_url())


@login_required
@require_POST
def booking_cancel_view(request: HttpRequest, session_id: int) -> HttpResponse:
    viewer = _viewer(request)
    detail = sel.session_detail_for_viewer(viewer, session_id)
    if detail.booking is None:
        raise Http404
    detail.booking.session = detail.session
    booking_cancel(actor=viewer, booking=detail.booking)
    messages.success(request, _("Your booking is cancelled."))
    return redirect(detail.session.get_absolute_url())


@login_required
@require_GET
def session_ics_view(request: HttpRequest, session_id: int) -> HttpResponse:
    session = sel.session_get_for_viewer(_viewer(request), session_id)
    response = HttpResponse(
        session_ics(session, base_url=base_url(request)), content_type="text/calendar; charset=utf-8"
    )
    response["Content-Disposition"] = f'attachment; filename="training-session-{session.pk}.ics"'
    return response


@login_required
def calendar_settings(request: HttpRequest) -> HttpResponse:
    viewer = _viewer(request)
    if request.method == "POST":
        calendar_token_regenerate(actor=viewer)
        messages.success(request, _("Your calendar address was replaced; the old one no longer works."))
        return redirect("training:calendar_settings")
    token = calendar_token_for(actor=viewer)
    feed_url = base_url(request) + reverse("training:calendar_feed", args=[token.token])
    return render(request, "training/sessions/calendar_settings.html", {"feed_url": feed_url, "token": token})


@require_GET
def calendar_feed(request: HttpRequest, token: str) -> HttpResponse:
    """The personal feed: no sign-in (calendar clients cannot), the secret address is the key."""
    found = sel.feed_sessions_for_token(token)
    if found is None:
        raise Http404
    _user_id, sessions = found
    body = feed_ics(sessions, name=_("My training sessions"), base_url=base_url(request))
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Cache-Control"] = "private, max-age=900"
    response["X-Robots-Tag"] = "noindex"
    return response


# Coordinators and trainers ---------------------------------------------------------------------


@guard(is_training_coordinator)
@require_http_methods(["GET", "POST"])
def session_create_view(request: HttpRequest, programme_id: int) -> HttpResponse:
    viewer = _viewer(request)
    programme = programme_get_for_viewer(viewer, programme_id)
    form = SessionCreateForm(request.POST or None, programme=programme)
    if request.method == "POST" and form.is_valid():
        try:
            session = session_create(
                actor=viewer,
                programme=programme,
                data=form.cleaned_data,
                trainer_ids=form.trainer_ids,
                idempotency_key=form.cleaned_data["idempotency_key"],
            )
        except ValidationError as error:
            _apply(form, error)
        else:
            messages.success(request, _("Session created."))
            return redirect("training:manage_session", session.pk)
    return render(
        request,
        "training/sessions/session_form.html",
        {"form": form, "programme": programme, "session": None},
        status=400 if form.errors else 200,
    )


def _session_for_manage(viewer: Viewer, session_id: int, *, edit: bool = False) -> Any:
    session = sel.session_get_for_viewer(viewer, session_id)
    allowed = perms.can_manage_session(viewer, session) if edit else perms.can_view_session_bookings(viewer, session)
    if not allowed:
        raise PermissionDenied
    return session


@login_required
@require_http_methods(["GET", "POST"])
def session_edit_view(request: HttpRequest, session_id: int) -> HttpResponse:
    viewer = _viewer(request)
    session = _session_for_manage(viewer, session_id, edit=True)
    can_set_trainers = perms.can_set_trainers(viewer)
    form = SessionForm(
        request.POST or None, instance=session, programme=session.programme, can_set_trainers=can_set_trainers
    )
    if request.method == "POST" and form.is_valid():
        try:
            session_update(
                actor=viewer,
                session=session,
                data=form.cleaned_data,
                trainer_ids=form.trainer_ids if can_set_trainers else None,
            )
        except ValidationError as error:
            _apply(form, error)
        else:
            messages.success(request, _("Session saved."))
            return redirect("training:manage_session", session.pk)
    return render(
        request,
        "training/sessions/session_form.html",
        {"form": form, "programme": session.programme, "session": session},
        status=400 if form.errors else 200,
    )


@login_required
@require_GET
def manage_session(request: HttpRequest, session_id: int) -> HttpResponse:
    """Roster with attendance marking, CSV export and cancellation."""
    viewer = _viewer(request)
    session = _session_for_manage(viewer, session_id)
    roster = sel.session_roster(session)
    return render(
        request,
        "training/sessions/manage_session.html",
        {
            "session": session,
            "booked": [b for b in roster if b.status == SessionBooking.Status.BOOKED],
            "waitlist": [b for b in roster if b.status == SessionBooking.Status.WAITLISTED],
            "can_mark": perms.can_mark_attendance(viewer, session),
            "can_edit": perms.can_manage_session(viewer, session),
            "can_cancel": perms.can_cancel_session(viewer, session),
            "cancel_form": CancelSessionForm(),
            "attendance_choices": [c for c in SessionBooking.Attendance.choices if c[0]],
        },
    )


@login_required
@require_POST
def attendance_view(request: HttpRequest, session_id: int) -> HttpResponse:
    viewer = _viewer(request)
    session = _session_for_manage(viewer, session_id)
    if not perms.can_mark_attendance(viewer, session):
        raise PermissionDenied
    marks: dict[int, str] = {
        int(key.removeprefix("attendance-")): str(value)
        for key, value in request.POST.items()
        if key.startswith("attendance-") and key.removeprefix("attendance-").isdigit() and value
    }
    try:
        changed = attendance_mark_many(actor=viewer, session=session, marks=marks)
    except ValidationError as error:
        error_message(request, error)
        return redirect("training:manage_session", session.pk)
    messages.success(request, _("Attendance saved (%(count)s changed).") % {"count": changed})
    return redirect("training:manage_session", session.pk)


@login_required
@require_POST
def session_cancel_view(request: HttpRequest, session_id: int) -> HttpResponse:
    viewer = _viewer(request)
    session = _session_for_manage(viewer, session_id)
    if not perms.can_cancel_session(viewer, session):
        raise PermissionDenied
    form = CancelSessionForm(request.POST)
    reason = form.cleaned_data["reason"] if form.is_valid() else ""
    session_cancel(actor=viewer, session=session, reason=reason)
    messages.success(request, _("The session is cancelled; everyone booked is being notified."))
    return redirect("training:manage_session", session.pk)


@login_required
@require_GET
def bookings_csv(request: HttpRequest, session_id: int) -> StreamingHttpResponse:
    viewer = _viewer(request)
    session = _session_for_manage(viewer, session_id)
    roster = sel.session_roster(session, include_cancelled=True)
    labels = dict(SessionBooking.Status.choices)
    att = dict(SessionBooking.Attendance.choices)
    return csv_response(
        f"session-{session.pk}-bookings.csv",
        [_("Name"), _("E-mail"), _("Status"), _("Waitlist position"), _("Booked at"), _("Attendance")],
        (
            [
                b.user.display_name,
                b.user.email,
                labels[b.status],
                b.position or "",
                b.booked_at.isoformat(timespec="minutes"),
                att.get(b.attendance, "") if b.attendance else "",
            ]
            for b in roster
        ),
    )
