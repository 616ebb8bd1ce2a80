"""The learner's training page and a programme's page."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from intranet.core.web import viewer_of as _viewer
from training import roles
from training.programmes import permissions as perms

from . import selectors as sel


@login_required
@require_GET
def index(request: HttpRequest) -> HttpResponse:
    viewer = _viewer(request)
    catalogue = sel.catalogue_for_viewer(viewer, cursor=request.GET.get("cursor"))
    return render(
        request,
        "training/catalogue/index.html",
        {"catalogue": catalogue, "can_manage": roles.can_open_manage_area(viewer)},
    )


@login_required
@require_GET
def programme_detail(request: HttpRequest, programme_id: int) -> HttpResponse:
    viewer = _viewer(request)
    detail = sel.programme_detail_for_viewer(viewer, programme_id)
    done = sum(1 for row in detail.steps if row.done)
    return render(
        request,
        "training/catalogue/programme_detail.html",
        {
            "detail": detail,
            "programme": detail.programme,
            "done": done,
            "total": len(detail.steps),
            "can_enrol": perms.can_enrol_programme(viewer, detail.programme) and detail.enrolment is None,
            "can_edit": perms.can_edit_programme(viewer, detail.programme),
        },
    )
