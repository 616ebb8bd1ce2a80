"""The coordinator and trainer area under /training/manage/: the overview and the reports
(certified people, expiring certificates, stuck learners)."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from intranet.core.web import viewer_of as _viewer
from training import roles
from training.programmes.permissions import can_manage_programmes
from training.web import csv_response, cursor_page, guard

from . import selectors as sel

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
        },
    )


# Reports ---------------------------------------------------------------------------------------------


@guard(roles.can_view_training_reports)
@require_GET
def certified_view(request: HttpRequest) -> HttpResponse:
    page = cursor_page(request, lambda c: sel.certified_people(cursor=c))
    return render(request, "training/manage/certified.html", {"page": page})


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
    return render(request, "training/manage/expiring.html", {"page": page, "days": EXPIRING_DAYS})


@guard(roles.can_view_training_reports)
@require_GET
def stuck_view(request: HttpRequest) -> HttpResponse:
    try:
        days = max(1, min(int(request.GET.get("days", STUCK_DEFAULT_DAYS)), 365))
    except ValueError:
        days = STUCK_DEFAULT_DAYS
    page = cursor_page(request, lambda c: sel.stuck_learners(days=days, cursor=c))
    return render(request, "training/manage/stuck.html", {"page": page, "days": days})
