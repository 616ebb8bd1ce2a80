"""Coordinator and trainer screens of the training core under /training/manage/."""

from __future__ import annotations

import csv
from collections.abc import Callable, Iterable
from functools import wraps
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from intranet.core.pagination import InvalidCursor
from intranet.core.viewer import Viewer
from intranet.core.web import apply_errors as _apply
from intranet.core.web import viewer_of as _viewer

from . import permissions as perms
from . import selectors as sel
from .forms_training import CancelSessionForm, CohortForm, ProgrammeForm, RevokeForm, SessionForm, StepForm
from .models import Certificate, Enrolment, Programme, SessionBooking, Step, StepProgress
from .services_certificates import certificate_revoke
from .services_programmes import enrolment_set_cohort, exercise_accept, programme_create, programme_update, step_save
from .services_sessions import attendance_mark, session_cancel, session_create, session_update

STUCK_DEFAULT_DAYS = 14
EXPIRING_DAYS = 60


def _guard(check: Callable[[Viewer], bool]) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Signed in, and ``check(viewer)``; others get 403 (the manage area exists, it is just closed)."""

    def decorator(view: Callable[..., Any]) -> Callable[..., Any]:
        @login_required
        @wraps(view)
        def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> Any:
            if not check(_viewer(request)):
                raise PermissionDenied
            return view(request, *args, **kwargs)

        return wrapped

    return decorator


def _cursor_page(request: HttpRequest, loader: Callable[[str | None], Any]) -> Any:
    try:
        return loader(request.GET.get("cursor"))
    except InvalidCursor as error:
        raise Http404 from error


def _csv_response(filename: str, header: list[str], rows: Iterable[list[Any]]) -> StreamingHttpResponse:
    class Echo:
        def write(self, value: str) -> str:
            return value

    writer = csv.writer(Echo())

    def stream() -> Iterable[str]:
        yield "\ufeff"  # a BOM so spreadsheet programs read UTF-8 names correctly
        yield writer.writerow(header)
        for row in rows:
            yield writer.writerow([_safe_cell(v) for v in row])

    response = StreamingHttpResponse(stream(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def _safe_cell(value: Any) -> Any:
    # Cells starting with = + - @ are formulas in spreadsheet programs: neutralise them.
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + value
    return "" if value is None else value


# Overview ------------------------------------------------------------------------------------------


@_guard(perms.can_open_manage_area)
@require_GET
def manage_index(request: HttpRequest) -> HttpResponse:
    viewer = _viewer(request)
    programmes = sel.manage_programmes(viewer) if perms.can_view_training_reports(viewer) else None
    sessions = _cursor_page(request, lambda c: sel.manage_sessions(viewer, cursor=c))
    return render(
        request,
        "training/manage/index.html",
        {
            "programmes": programmes,
            "sessions": sessions,
            "can_create": perms.can_manage_programmes(viewer),
            "can_reports": perms.can_view_training_reports(viewer),
        },
    )


# Programmes and steps ----------------------------------------------------------------------------


@_guard(perms.can_manage_programmes)
@require_http_methods(["GET", "POST"])
def programme_create_view(request: HttpRequest) -> HttpResponse:
    viewer = _viewer(request)
    form = ProgrammeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            programme = programme_create(actor=viewer, data=form.cleaned_data)
        except ValidationError as error:
            _apply(form, error)
        else:
            messages.success(request, _("Programme created. Now add its steps."))
            return redirect("training:manage_programme", programme.pk)
    return render(
        request,
        "training/manage/programme_form.html",
        {"form": form, "programme": None},
        status=400 if form.errors else 200,
    )


def _programme_for_manage(viewer: Viewer, programme_id: int) -> Programme:
    if not perms.can_view_training_reports(viewer):
        raise PermissionDenied
    return sel.programme_get_for_viewer(viewer, programme_id)


@_guard(perms.can_manage_programmes)
@require_http_methods(["GET", "POST"])
def programme_edit_view(request: HttpRequest, programme_id: int) -> HttpResponse:
    viewer = _viewer(request)
    programme = sel.programme_get_for_viewer(viewer, programme_id)
    form = ProgrammeForm(request.POST or None, instance=programme)
    if request.method == "POST" and form.is_valid():
        try:
            programme_update(actor=viewer, programme=programme, data=form.cleaned_data)
        except ValidationError as error:
            _apply(form, error)
        else:
            messages.success(request, _("Programme saved."))
            return redirect("training:manage_programme", programme.pk)
    return render(
        request,
        "training/manage/programme_form.html",
        {"form": form, "programme": programme},
        status=400 if form.errors else 200,
    )


@_guard(perms.can_view_training_reports)
@require_GET
def manage_programme(request: HttpRequest, programme_id: int) -> HttpResponse:
    """Steps, sessions, cohorts, learners' progress and exercises waiting for review."""
    viewer = _viewer(request)
    programme = _programme_for_manage(viewer, programme_id)
    cohort = request.GET.get("cohort", "")
    learners = _cursor_page(request, lambda c: sel.programme_progress(programme, cohort=cohort, cursor=c))
    steps = list(programme.steps.order_by("position", "id"))
    sessions = list(programme.sessions.order_by("-starts_at", "-id")[:20])
    return render(
        request,
        "training/manage/programme.html",
        {
            "programme": programme,
            "steps": steps,
            "step_count": len(steps),
            "sessions": sessions,
            "cohorts": sel.programme_cohorts(programme),
            "cohort": cohort,
            "learners": learners,
            "reviews": sel.exercises_to_review(viewer, programme),
            "can_edit": perms.can_edit_programme(viewer, programme),
            "can_add_session": perms.can_create_session(viewer, programme),
            "cohort_form": CohortForm(),
        },
    )


@_guard(perms.can_view_training_reports)
@require_GET
def enrolments_csv(request: HttpRequest, programme_id: int) -> StreamingHttpResponse:
    viewer = _viewer(request)
    programme = _programme_for_manage(viewer, programme_id)
    total = programme.steps.count()
    rows = (
        Enrolment.objects.filter(programme=programme)
        .select_related("user")
        .order_by("enrolled_at", "id")
        .iterator(chunk_size=500)
    )
    return _csv_response(
        f"enrolments-{programme.pk}.csv",
        [
            _("Name"),
            _("E-mail"),
            _("Cohort"),
            _("Enrolled"),
            _("Steps done"),
            _("Steps"),
            _("Last progress"),
            _("Completed"),
        ],
        (
            [
                e.user.display_name,
                e.user.email,
                e.cohort,
                e.enrolled_at.date().isoformat(),
                e.steps_done,
                total,
                e.last_progress_at.date().isoformat(),
                e.completed_at.date().isoformat() if e.completed_at else "",
            ]
            for e in rows
        ),
    )


@_guard(perms.is_training_coordinator)
@require_POST
def enrolment_cohort_view(request: HttpRequest, programme_id: int, enrolment_id: int) -> HttpResponse:
    viewer = _viewer(request)
    enrolment = Enrolment.objects.filter(pk=enrolment_id, programme_id=programme_id).first()
    if enrolment is None:
        raise Http404
    form = CohortForm(request.POST)
    if form.is_valid():
        enrolment_set_cohort(actor=viewer, enrolment=enrolment, cohort=form.cleaned_data["cohort"])
        messages.success(request, _("Cohort saved."))
    else:
        messages.error(request, _("Please give a cohort name."))
    return redirect("training:manage_programme", programme_id)


@_guard(perms.can_manage_programmes)
@require_http_methods(["GET", "POST"])
def step_edit_view(request: HttpRequest, programme_id: int, step_id: int | None = None) -> HttpResponse:
    viewer = _viewer(request)
    programme = sel.programme_get_for_viewer(viewer, programme_id)
    step = None
    if step_id is not None:
        step = Step.objects.filter(pk=step_id, programme=programme).first()
        if step is None:
            raise Http404
    form = StepForm(request.POST or None, instance=step)
    if request.method == "POST" and form.is_valid():
        try:
            saved = step_save(actor=viewer, programme=programme, data=form.cleaned_data, step=step)
        except ValidationError as error:
            _apply(form, error)
        else:
            messages.success(request, _("Step “%(title)s” saved.") % {"title": saved.title})
            return redirect("training:manage_programme", programme.pk)
    return render(
        request,
        "training/manage/step_form.html",
        {"form": form, "programme": programme, "step": step},
        status=400 if form.errors else 200,
    )


@login_required
@require_POST
def exercise_accept_view(request: HttpRequest, progress_id: int) -> HttpResponse:
    viewer = _viewer(request)
    progress = StepProgress.objects.select_related("enrolment", "step").filter(pk=progress_id).first()
    if progress is None or not perms.can_review_exercise(viewer, progress, progress.step.programme_id):
        raise Http404
    exercise_accept(actor=viewer, progress=progress)
    messages.success(request, _("Answer accepted."))
    return redirect("training:manage_programme", progress.step.programme_id)


# Sessions --------------------------------------------------------------------------------------------


@_guard(perms.is_training_coordinator)
@require_http_methods(["GET", "POST"])
def session_create_view(request: HttpRequest, programme_id: int) -> HttpResponse:
    viewer = _viewer(request)
    programme = sel.programme_get_for_viewer(viewer, programme_id)
    form = SessionForm(request.POST or None, programme=programme)
    if request.method == "POST" and form.is_valid():
        try:
            session = session_create(
                actor=viewer, programme=programme, data=form.cleaned_data, trainer_ids=form.trainer_ids
            )
        except ValidationError as error:
            _apply(form, error)
        else:
            messages.success(request, _("Session created."))
            return redirect("training:manage_session", session.pk)
    return render(
        request,
        "training/manage/session_form.html",
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
    can_set_trainers = perms.is_training_coordinator(viewer)
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
        "training/manage/session_form.html",
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
        "training/manage/session.html",
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
    bookings = {b.pk: b for b in SessionBooking.objects.filter(session=session, pk__in=list(marks))}
    changed = 0
    try:
        for pk, value in sorted(marks.items()):
            booking = bookings.get(pk)
            if booking is None or booking.attendance == value:
                continue
            attendance_mark(actor=viewer, session=session, booking=booking, attendance=value)
            changed += 1
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
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
    return _csv_response(
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


# Reports ---------------------------------------------------------------------------------------------


@_guard(perms.can_view_training_reports)
@require_GET
def certified_view(request: HttpRequest) -> HttpResponse:
    page = _cursor_page(request, lambda c: sel.certified_people(cursor=c))
    return render(request, "training/manage/certified.html", {"page": page})


@_guard(perms.can_view_training_reports)
@require_GET
def certified_csv(request: HttpRequest) -> StreamingHttpResponse:
    rows = (
        sel._valid_certificates()
        .select_related("user", "programme")
        .order_by("-issued_at", "-id")
        .iterator(chunk_size=500)
    )
    return _csv_response(
        "certified.csv",
        [_("Name"), _("E-mail"), _("Programme"), _("Code"), _("Issued"), _("Expires")],
        (
            [
                c.user.display_name,
                c.user.email,
                c.programme.title,
                c.code,
                c.issued_at.date().isoformat(),
                c.expires_at.date().isoformat() if c.expires_at else "",
            ]
            for c in rows
        ),
    )


@_guard(perms.can_view_training_reports)
@require_GET
def expiring_view(request: HttpRequest) -> HttpResponse:
    page = _cursor_page(request, lambda c: sel.certificates_expiring(days=EXPIRING_DAYS, cursor=c))
    return render(request, "training/manage/expiring.html", {"page": page, "days": EXPIRING_DAYS})


@_guard(perms.can_view_training_reports)
@require_GET
def stuck_view(request: HttpRequest) -> HttpResponse:
    try:
        days = max(1, min(int(request.GET.get("days", STUCK_DEFAULT_DAYS)), 365))
    except ValueError:
        days = STUCK_DEFAULT_DAYS
    page = _cursor_page(request, lambda c: sel.stuck_learners(days=days, cursor=c))
    return render(request, "training/manage/stuck.html", {"page": page, "days": days})


@login_required
@require_http_methods(["GET", "POST"])
def certificate_revoke_view(request: HttpRequest, code: str) -> HttpResponse:
    viewer = _viewer(request)
    cert: Certificate = sel.certificate_get_by_code(viewer, code)
    if not perms.can_revoke_certificate(viewer, cert):
        raise PermissionDenied
    form = RevokeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        certificate_revoke(actor=viewer, certificate=cert, reason=form.cleaned_data["reason"])
        messages.success(request, _("The certificate is revoked."))
        return redirect("training:certificate_verify", cert.code)
    return render(
        request,
        "training/manage/certificate_revoke.html",
        {"form": form, "cert": cert},
        status=400 if form.errors else 200,
    )
