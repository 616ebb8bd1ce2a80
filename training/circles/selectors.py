"""Reads of peer-learning circles for the screens."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import QuerySet

from intranet.accounts.models import User
from intranet.accounts.permissions import visible_users
from intranet.core.markdown import render_markdown
from intranet.core.pagination import Page, keyset_page
from intranet.core.permissions import require_visible
from intranet.core.viewer import Viewer

from .models import CheckIn, Circle, CircleMember, CirclePlan, CircleWeek, Retrospective
from .permissions import can_read_circle_checkins, can_view_circle, circle_ids, visible_circles


def open_circles(viewer: Viewer, *, cursor: str | None = None, page_size: int = 20) -> Page[Circle]:
    """Open circles that are forming and not full, newest first (one query per page)."""
    qs: QuerySet[Circle] = (
        visible_circles(viewer).filter(is_open=True, state=Circle.State.FORMING).select_related("plan")
    )
    return keyset_page(qs, ordering=("-created_at", "-id"), cursor=cursor, page_size=page_size)


def my_circles(viewer: Viewer, *, cursor: str | None = None, page_size: int = 20) -> Page[Circle]:
    qs = Circle.objects.filter(pk__in=sorted(circle_ids(viewer))).select_related("plan")
    return keyset_page(qs, ordering=("-created_at", "-id"), cursor=cursor, page_size=page_size)


@dataclass
class CirclePage:
    circle: Circle
    members: list[CircleMember]
    week: CircleWeek | None
    week_number: int | None
    agenda_html: str = ""
    katas_html: str = ""
    checkins: list[CheckIn] = field(default_factory=list)
    my_checkin: CheckIn | None = None
    retrospectives: list[Retrospective] = field(default_factory=list)
    my_retrospective: Retrospective | None = None


def circle_get_for_viewer(viewer: Viewer, circle_id: int) -> Circle:
    circle = Circle.objects.select_related("plan").filter(pk=circle_id).first()
    require_visible(circle is not None and can_view_circle(viewer, circle))
    assert circle is not None
    return circle


def circle_page(viewer: Viewer, circle_id: int) -> CirclePage:
    """The circle, its members, this week's agenda and (for members) the week's check-ins and the
    retrospectives. A fixed number of queries whatever the number of weeks or check-ins."""
    circle = circle_get_for_viewer(viewer, circle_id)
    members = list(CircleMember.objects.filter(circle=circle).select_related("user").order_by("joined_at", "id"))
    number = circle.current_week() or 1
    week = CircleWeek.objects.filter(plan_id=circle.plan_id, number=number).first()
    page = CirclePage(circle=circle, members=members, week=week, week_number=circle.current_week())
    if week is not None:
        page.agenda_html = render_markdown(week.agenda).html
        page.katas_html = render_markdown(week.katas).html
    if can_read_circle_checkins(viewer, circle) and circle.started_at is not None:
        page.checkins = list(
            CheckIn.objects.filter(circle=circle, week=number).select_related("user").order_by("created_at", "id")
        )
        page.my_checkin = next((c for c in page.checkins if c.user_id == viewer.user_id), None)
        page.retrospectives = list(
            Retrospective.objects.filter(circle=circle).select_related("user").order_by("created_at", "id")
        )
        page.my_retrospective = next((r for r in page.retrospectives if r.user_id == viewer.user_id), None)
    return page


def plan_list() -> list[CirclePlan]:
    """Every circle plan by title, for the "start a circle" form (one query)."""
    return list(CirclePlan.objects.order_by("title", "id"))


def person_by_handle(viewer: Viewer, handle: str) -> User | None:
    """The active person behind ``handle`` for assigning to a circle, or ``None`` (one query)."""
    if not handle:
        return None
    return visible_users(viewer, User.objects.all()).filter(handle=handle).first()
