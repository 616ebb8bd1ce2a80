"""The coordinator and trainer area under /training/manage/: the overview, a programme's screen
(steps, sessions, cohorts, learners' progress, exercises to review, the enrolment export) and the
reports (certified people, expiring certificates, stuck learners)."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from intranet.core.csvexport import csv_response
from intranet.core.viewer import Viewer
from intranet.core.web import viewer_of as _viewer
from training import roles
from training.levels.permissions import can_manage_levels
from training.programmes.models import Programme
from training.programmes.permissions import can_edit_programme, can_manage_programmes, can_set_cohort
from training.programmes.selectors import programme_get_for_viewer
from training.programmes.services import enrolment_set_cohort
from training.sessions.permissions import can_create_session
from training.web import cursor_page, guard

from . import selectors as sel
from .forms import CohortForm

STUCK_DEFAULT_DAYS = 14

EXPIRING_DAYS = 60


@guard(roles.can_open_manage_area)
@require_GET
def manage_index(request: HttpRequest) -> HttpResponse:
    viewer = _viewer(request)
    programmes = sel.manage_programmes(viewer) if roles.can_view_training_reports(viewer) else None
    sessions = cursor_page(request, lambda c: sel.manage_sessions(viewer, cursor=c))
    return render(
        request,
        "training/manage/index.html",
        {
            "programmes": programmes,
            "sessions": sessions,
            "can_create": can_manage_programmes(viewer),
            "can_reports": roles.can_view_training_reports(viewer),
            "can_manage_levels": can_manage_levels(viewer),
        },
    )


# Reports ---------------------------------------------------------------------------------------------


def _nav(request: HttpRequest) -> dict[str, bool]:
    """What the area's tabs need: the levels tab is for those who define levels."""
    return {"can_manage_levels": can_manage_levels(_viewer(request))}


@guard(roles.can_view_training_reports)
@require_GET
def certified_view(request: HttpRequest) -> HttpResponse:
    page = cursor_page(request, lambda c: sel.certified_people(cursor=c))
    return render(request, "training/manage/certified.html", {"page": page, **_nav(request)})


@guard(roles.can_view_training_reports)
@require_GET
def certified_csv(request: HttpRequest) -> StreamingHttpResponse:
    rows = sel.certified_for_export()
    return csv_response(
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


@guard(roles.can_view_training_reports)
@require_GET
def expiring_view(request: HttpRequest) -> HttpResponse:
    page = cursor_page(request, lambda c: sel.certificates_expiring(days=EXPIRING_DAYS, cursor=c))
    return render(request, "training/manage/expiring.html", {"page": page, "days": EXPIRING_DAYS, **_nav(request)})


@guard(roles.can_view_training_reports)
@require_GET
def stuck_view(request: HttpRequest) -> HttpResponse:
    try:
        days = max(1, min(int(request.GET.get("days", STUCK_DEFAULT_DAYS)), 365))
    except ValueError:
        days = STUCK_DEFAULT_DAYS
    page = cursor_page(request, lambda c: sel.stuck_learners(days=days, cursor=c))
    return render(request, "training/manage/stuck.html", {"page": page, "days": days, **_nav(request)})


# A programme -------------------------------------------------------------------------------------


def _programme_for_manage(viewer: Viewer, programme_id: int) -> Programme:
    if not roles.can_view_training_reports(viewer):
        raise PermissionDenied
    return programme_get_for_viewer(viewer, programme_id)


@guard(roles.can_view_training_reports)
@require_GET
def manage_programme(request: HttpRequest, programme_id: int) -> HttpResponse:
    """Steps, sessions, cohorts, learners' progress and exercises waiting for review."""
    viewer = _viewer(request)
    programme = _programme_for_manage(viewer, programme_id)
    cohort = request.GET.get("cohort", "")
    learners = cursor_page(request, lambda c: sel.programme_progress(programme, cohort=cohort, cursor=c))
    steps, sessions = sel.programme_steps_and_sessions(programme)
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
            "can_edit": can_edit_programme(viewer, programme),
            "can_add_session": can_create_session(viewer, programme),
            "cohort_form": CohortForm(),
        },
    )


@guard(roles.can_view_training_reports)
@require_GET
def enrolments_csv(request: HttpRequest, programme_id: int) -> StreamingHttpResponse:
    viewer = _viewer(request)
    programme = _programme_for_manage(viewer, programme_id)
    total, rows = sel.enrolments_for_export(programme)
    return csv_response(
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


@guard(can_set_cohort)
@require_POST
def enrolment_cohort_view(request: HttpRequest, programme_id: int, enrolment_id: int) -> HttpResponse:
    viewer = _viewer(request)
    enrolment = sel.enrolment_get_for_cohort(programme_id, enrolment_id)
    form = CohortForm(request.POST)
    if form.is_valid():
        enrolment_set_cohort(actor=viewer, enrolment=enrolment, cohort=form.cleaned_data["cohort"])
        messages.success(request, _("Cohort saved."))
    else:
        messages.error(request, _("Please give a cohort name."))
    return redirect("training:manage_programme", programme_id)
