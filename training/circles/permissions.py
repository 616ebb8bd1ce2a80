"""Access rules of peer-learning circles.

Circles are small and personal: members see everything in theirs; other employees see open
circles that are still forming (to join them) and nothing of the check-ins; coordinators (any
scope) form circles, assign people and see every circle, but do not read check-ins either.
"""

from __future__ import annotations

from django.db.models import Q, QuerySet

from communities.api import is_coordinator
from intranet.core.viewer import Viewer

from .models import Circle, CircleMember

CIRCLES_KEY = "training.circles"


def circle_ids(viewer: Viewer) -> frozenset[int]:
    """Ids of the circles the viewer belongs to (one query, cached)."""

    def load() -> frozenset[int]:
        if viewer.user_id is None:
            return frozenset()
        return frozenset(CircleMember.objects.filter(user_id=viewer.user_id).values_list("circle_id", flat=True))

    return viewer.remember(CIRCLES_KEY, load)


def forget_circles(viewer: Viewer) -> None:
    viewer.forget(CIRCLES_KEY)


def is_circle_member(viewer: Viewer, circle: Circle) -> bool:
    return viewer.is_authenticated and circle.pk in circle_ids(viewer)


def can_form_circles(viewer: Viewer) -> bool:
    """Create circles with any members (assigning people): coordinators of any scope."""
    return is_coordinator(viewer)


def can_create_circle(viewer: Viewer) -> bool:
    """Start an open circle oneself (and be its first member): every signed-in employee."""
    return viewer.is_authenticated


def can_view_circle(viewer: Viewer, circle: Circle) -> bool:
    if not viewer.is_authenticated:
        return False
    if is_circle_member(viewer, circle) or is_coordinator(viewer):
        return True
    return circle.is_open and circle.state == Circle.State.FORMING


def visible_circles(viewer: Viewer, qs: QuerySet[Circle] | None = None) -> QuerySet[Circle]:
    qs = Circle.objects.all() if qs is None else qs
    if not viewer.is_authenticated:
        return qs.none()
    if is_coordinator(viewer):
        return qs
    return qs.filter(Q(pk__in=sorted(circle_ids(viewer))) | Q(is_open=True, state=Circle.State.FORMING))


def can_join_circle(viewer: Viewer, circle: Circle) -> bool:
    return (
        viewer.is_authenticated
        and circle.is_open
        and circle.state == Circle.State.FORMING
        and not circle.is_full
        and not is_circle_member(viewer, circle)
    )


def can_leave_circle(viewer: Viewer, circle: Circle) -> bool:
    return circle.state == Circle.State.FORMING and is_circle_member(viewer, circle)


def can_start_circle(viewer: Viewer, circle: Circle) -> bool:
    """Start the weekly programme: members or coordinators, once 4 people are in (the service counts)."""
    return circle.state == Circle.State.FORMING and (is_circle_member(viewer, circle) or can_form_circles(viewer))


def can_manage_circle_members(viewer: Viewer, circle: Circle) -> bool:
    """Assign or remove people: coordinators, until the circle has finished."""
    return can_form_circles(viewer) and circle.state != Circle.State.FINISHED


def can_read_circle_checkins(viewer: Viewer, circle: Circle) -> bool:
    return is_circle_member(viewer, circle)


def can_check_in(viewer: Viewer, circle: Circle) -> bool:
    return circle.state == Circle.State.RUNNING and is_circle_member(viewer, circle)


def can_write_retrospective(viewer: Viewer, circle: Circle) -> bool:
    """In the last week of a running circle or after it finished."""
    if not is_circle_member(viewer, circle) or circle.started_at is None:
        return False
    return circle.state == Circle.State.FINISHED or circle.current_week() == circle.weeks_total
