"""The coordinators' figures of one community: health state and score and the daily figures.

Honours the works-council switches: counts of people below the minimum group size come back as
``null`` (masked by the health page's own rule, which says "fewer than N"), and figures about the
managers' own work only when per-person figures are allowed.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.http import HttpRequest
from ninja import Path, Router, Schema

from communities.api import is_coordinator
from communities.health.selectors import community_health_get_for_viewer, min_group_size
from intranet.core.permissions import require
from intranet.core.switches import person_figures_allowed

from ..auth import READ
from ..problems import COMMON_ERRORS
from ..schemas import Slug

router = Router(tags=["figures"])


class DayOut(Schema):
    day: dt.date
    members: int | None
    joins: int | None
    leaves: int | None
    active_7d: int | None
    active_30d: int | None
    posts: int
    comments: int
    reactions: int
    questions: int
    questions_answered: int
    median_first_answer_minutes: int | None
    no_reply_percent: int | None
    manager_actions: int | None


class FiguresOut(Schema):
    community: str
    state: str | None
    score: int | None
    computed_at: dt.datetime | None
    min_group_size: int
    days: list[DayOut]


def _people(shown: str) -> int | None:
    """A people count as the health page shows it: digits, or masked ("< 5") below the minimum."""
    return int(shown) if shown.isdigit() else None


@router.get(
    "/communities/{slug}/figures",
    response={200: FiguresOut, **COMMON_ERRORS},
    auth=READ,
    summary="A community's figures (coordinators)",
)
def community_figures(request: HttpRequest, slug: Path[Slug]) -> Any:
    """The last weeks' daily figures and the health score, for coordinators whose scope covers the
    community (the health page's selector; 404 where that page answers 404, 403 for its managers)."""
    viewer = request.viewer  # type: ignore[attr-defined]
    page = community_health_get_for_viewer(viewer, slug)
    require(is_coordinator(viewer, page.community))
    per_person = person_figures_allowed()
    days = []
    for f in page.rows:
        days.append(
            DayOut(
                day=f.day,
                members=_people(f.members),
                joins=_people(f.joins),
                leaves=_people(f.leaves),
                active_7d=_people(f.active_7d),
                active_30d=_people(f.active_30d),
                posts=f.posts,
                comments=f.comments,
                reactions=f.reactions,
                questions=f.questions,
                questions_answered=f.questions_answered,
                median_first_answer_minutes=f.median_first_answer_minutes,
                no_reply_percent=f.no_reply_percent,
                manager_actions=f.manager_actions if per_person else None,
            )
        )
    health = page.health
    return FiguresOut(
        community=page.community.slug,
        state=health.state if health else None,
        score=health.score if health else None,
        computed_at=health.computed_at if health else None,
        min_group_size=min_group_size(),
        days=days,
    )
