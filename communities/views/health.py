"""The community health pages: the managers' figures and score, and "What is measured"."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from intranet.core.web import viewer_of

from .. import selectors_health
from ..health.score import SIZE_CLASSES


@login_required
@require_GET
def community_health(request: HttpRequest, slug: str) -> HttpResponse:
    """Figures of the last 30 days, 12-week trend, score, state and suggestions (managers only)."""
    page = selectors_health.community_health_get_for_viewer(viewer_of(request), slug)
    return render(
        request,
        "communities/health_detail.html",
        {"page": page, "min_group_size": selectors_health.min_group_size()},
    )


@login_required
@require_GET
def community_health_measures(request: HttpRequest, slug: str) -> HttpResponse:
    """What is measured about this community, how long it is kept and who sees it."""
    page = selectors_health.health_measures_get_for_viewer(viewer_of(request), slug)
    return render(request, "communities/health_measures.html", {"page": page, **_measures_context()})


@login_required
@require_GET
def health_measures(request: HttpRequest) -> HttpResponse:
    """The general "What is measured" page, for everyone (and the works council)."""
    page = selectors_health.health_measures_get_for_viewer(viewer_of(request), None)
    return render(request, "communities/health_measures.html", {"page": page, **_measures_context()})


def _measures_context() -> dict[str, object]:
    return {
        "min_group_size": settings.HEALTH_MIN_GROUP_SIZE,
        "dormant_days": settings.HEALTH_DORMANT_DAYS,
        "orphan_days": settings.HEALTH_ORPHAN_INACTIVE_DAYS,
        "retention_days": settings.HEALTH_FIGURES_RETENTION_DAYS,
        "size_classes": [selectors_health.size_class_label(code) for code, _low in SIZE_CLASSES],
        "unanswered_days": selectors_health.UNANSWERED_AFTER_DAYS,
    }
