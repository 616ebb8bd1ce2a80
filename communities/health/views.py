"""The community health pages: the managers' figures and score, and "What is measured"."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from communities.health import selectors as selectors_health
from communities.health import services as services_health
from communities.health.permissions import can_recompute_health
from communities.health.score import SIZE_CLASSES
from intranet.core.web import viewer_of


@login_required
@require_GET
def community_health(request: HttpRequest, slug: str) -> HttpResponse:
    """Figures of the last 30 days, 12-week trend, score, state and suggestions (managers only)."""
    viewer = viewer_of(request)
    page = selectors_health.community_health_get_for_viewer(viewer, slug)
    return render(
        request,
        "communities/health/health_detail.html",
        {
            "page": page,
            "min_group_size": selectors_health.min_group_size(),
            "can_recompute": can_recompute_health(viewer),
        },
    )


@login_required
@require_POST
def health_recompute(request: HttpRequest) -> HttpResponse:
    """A coordinator's "recompute now": the nightly health and tandem jobs, in a worker or inline."""
    try:
        started = services_health.health_recompute_request(actor=viewer_of(request))
    except PermissionDenied:
        raise Http404 from None
    if started:
        messages.success(
            request, _("The health figures, states and tandem suggestions are being recomputed. Reload in a moment.")
        )
    else:
        messages.info(request, _("A recomputation was started a moment ago; its results appear shortly."))
    back = request.POST.get("next") or ""
    if not url_has_allowed_host_and_scheme(back, allowed_hosts=None) or not back.startswith("/"):
        back = ""
    return redirect(back or "communities:console_overview")


@login_required
@require_GET
def community_health_measures(request: HttpRequest, slug: str) -> HttpResponse:
    """What is measured about this community, how long it is kept and who sees it."""
    page = selectors_health.health_measures_get_for_viewer(viewer_of(request), slug)
    return render(request, "communities/health/health_measures.html", {"page": page, **_measures_context()})


@login_required
@require_GET
def health_measures(request: HttpRequest) -> HttpResponse:
    """The general "What is measured" page, for everyone (and the works council)."""
    page = selectors_health.health_measures_get_for_viewer(viewer_of(request), None)
    return render(request, "communities/health/health_measures.html", {"page": page, **_measures_context()})


def _measures_context() -> dict[str, object]:
    return {
        "min_group_size": selectors_health.min_group_size(),
        "dormant_days": settings.HEALTH_DORMANT_DAYS,
        "orphan_days": settings.HEALTH_ORPHAN_INACTIVE_DAYS,
        "retention_days": settings.HEALTH_FIGURES_RETENTION_DAYS,
        "size_classes": [selectors_health.size_class_label(code) for code, _low in SIZE_CLASSES],
        "unanswered_days": selectors_health.UNANSWERED_AFTER_DAYS,
    }
