"""Learner screens of the training core: catalogue, programme, steps, sessions, calendar,
certificates."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from intranet.core.pagination import InvalidCursor
from intranet.core.web import viewer_of as _viewer

from . import permissions as perms
from . import selectors as sel
from .calendar import feed_ics, session_ics
from .forms_training import ExerciseAnswerForm
from .models import SessionBooking, Step
from .services_programmes import enrolment_create, exercise_submit, step_mark_done
from .services_sessions import booking_cancel, calendar_token_for, calendar_token_regenerate, session_book


def _base_url(request: HttpRequest) -> str:
    return f"{request.scheme}://{request.get_host()}"


@login_required
@require_GET
def index(request: HttpRequest) -> HttpResponse:
    viewer = _viewer(request)
    try:
        catalogue = sel.catalogue_for_viewer(viewer, cursor=request.GET.get("cursor"))
    except InvalidCursor:
        return redirect("training:index")
    return render(
        request,
        "training/index.html",
        {"catalogue": catalogue, "can_manage": perms.can_open_manage_area(viewer)},
    )


@login_required
@require_GET
def programme_detail(request: HttpRequest, programme_id: int) -> HttpResponse:
    viewer = _viewer(request)
    detail = sel.programme_detail_for_viewer(viewer, programme_id)
    done = sum(1 for row in detail.steps if row.done)
    return render(
        request,
        "training/programme_detail.html",
        {
            "detail": detail,
            "programme": detail.programme,
            "done": done,
            "total": len(detail.steps),
            "can_enrol": perms.can_enrol_programme(viewer, detail.programme) and detail.enrolment is None,
            "can_edit": perms.can_edit_programme(viewer, detail.programme),
        },
    )


@login_required
@require_POST
def programme_enrol(request: HttpRequest, programme_id: int) -> HttpResponse:
    viewer = _viewer(request)
    programme = sel.programme_get_for_viewer(viewer, programme_id)
    enrolment_create(actor=viewer, programme=programme)
    messages.success(request, _("You are enrolled. Start with the first step."))
    return redirect(programme.get_absolute_url())


@login_required
@require_GET
def step_detail(request: HttpRequest, programme_id: int, step_id: int) -> HttpResponse:
    return _render_step(request, programme_id, step_id, ExerciseAnswerForm())


def _render_step(
    request: HttpRequest, programme_id: int, step_id: int, form: ExerciseAnswerForm, status: int = 200
) -> HttpResponse:
    viewer = _viewer(request)
    detail = sel.step_detail_for_viewer(viewer, programme_id, step_id)
    if detail.progress is not None and not form.is_bound:
        form = ExerciseAnswerForm(initial={"answer": detail.progress.answer})
    exam_url = None
    if detail.step.kind == Step.Kind.EXAM:
        exam_url = _exam_url(detail.step)
    return render(
        request,
        "training/step_detail.html",
        {"detail": detail, "step": detail.step, "programme": detail.programme, "form": form, "exam_url": exam_url},
        status=status,
    )


def _exam_url(step: Step) -> str | None:
    """The exam page of t2 for an exam step, if the exam exists and the URL is wired."""
    from django.urls import NoReverseMatch

    exam_id = getattr(getattr(step, "exam", None), "pk", None)
    if exam_id is None:
        return None
    try:
        return reverse("training:exam_detail", args=[exam_id])
    except NoReverseMatch:
        return None


@login_required
@require_POST
def step_done(request: HttpRequest, programme_id: int, step_id: int) -> HttpResponse:
    viewer = _viewer(request)
    detail = sel.step_detail_for_viewer(viewer, programme_id, step_id)
    try:
        step_mark_done(actor=viewer, step=detail.step)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect(detail.step.get_absolute_url())
    messages.success(request, _("Step marked as done."))
    if detail.next_id:
        return redirect("training:step_detail", programme_id, detail.next_id)
    return redirect(detail.programme.get_absolute_url())


@login_required
@require_POST
def step_submit(request: HttpRequest, programme_id: int, step_id: int) -> HttpResponse:
    viewer = _viewer(request)
    detail = sel.step_detail_for_viewer(viewer, programme_id, step_id)
    form = ExerciseAnswerForm(request.POST)
    if not form.is_valid():
        return _render_step(request, programme_id, step_id, form, status=400)
    try:
        exercise_submit(actor=viewer, step=detail.step, answer=form.cleaned_data["answer"])
    except ValidationError as error:
        form.add_error(
            "answer" if hasattr(error, "error_dict") and "answer" in error.error_dict else None, error.messages
        )
        return _render_step(request, programme_id, step_id, form, status=400)
    messages.success(request, _("Your answer was submitted."))
    return redirect(detail.step.get_absolute_url())


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
        "training/session_detail.html",
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
        session_ics(session, base_url=_base_url(request)), content_type="text/calendar; charset=utf-8"
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
    feed_url = _base_url(request) + reverse("training:calendar_feed", args=[token.token])
    return render(request, "training/calendar_settings.html", {"feed_url": feed_url, "token": token})


@require_GET
def calendar_feed(request: HttpRequest, token: str) -> HttpResponse:
    """The personal feed: no sign-in (calendar clients cannot), the secret address is the key."""
    found = sel.feed_sessions_for_token(token)
    if found is None:
        raise Http404
    _user_id, sessions = found
    body = feed_ics(sessions, name=_("My training sessions"), base_url=_base_url(request))
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Cache-Control"] = "private, max-age=900"
    response["X-Robots-Tag"] = "noindex"
    return response


@login_required
@require_GET
def certificate_lookup(request: HttpRequest) -> HttpResponse:
    code = (request.GET.get("code") or "").strip().upper()
    if code:
        return redirect("training:certificate_verify", code)
    return render(request, "training/certificate_lookup.html", {})


@login_required
@require_GET
def certificate_verify(request: HttpRequest, code: str) -> HttpResponse:
    viewer = _viewer(request)
    cert = sel.certificate_get_by_code(viewer, code)
    return render(
        request,
        "training/certificate_verify.html",
        {
            "cert": cert,
            "can_print": perms.can_print_certificate(viewer, cert),
            "can_revoke": perms.can_revoke_certificate(viewer, cert),
        },
    )


@login_required
@require_GET
def certificate_print(request: HttpRequest, code: str) -> HttpResponse:
    viewer = _viewer(request)
    cert = sel.certificate_get_by_code(viewer, code)
    if not perms.can_print_certificate(viewer, cert):
        raise Http404
    verify_url = _base_url(request) + reverse("training:certificate_verify", args=[cert.code])
    return render(request, "training/certificate_print.html", {"cert": cert, "verify_url": verify_url})
