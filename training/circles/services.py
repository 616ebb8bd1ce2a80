"""Writes on peer-learning circles: create, join, leave, assign, start, check in, retrospective.

Membership changes lock the circle row first, so the "at most five" rule and the member counter
cannot race; the database constraint on ``member_count`` backs the rule up.
"""

from __future__ import annotations

import datetime as dt
import uuid
from typing import TYPE_CHECKING

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from intranet.core.audit import audit_log
from intranet.core.idempotency import idempotent
from intranet.core.permissions import require
from intranet.core.viewer import Viewer, as_viewer

from .models import (
    CIRCLE_MAX_MEMBERS,
    CIRCLE_MIN_MEMBERS,
    CheckIn,
    Circle,
    CircleMember,
    CirclePlan,
    CircleWeek,
    Retrospective,
)
from .permissions import (
    can_check_in,
    can_create_circle,
    can_form_circles,
    can_join_circle,
    can_leave_circle,
    can_manage_circle_members,
    can_start_circle,
    can_write_retrospective,
    forget_circles,
)

if TYPE_CHECKING:
    from intranet.accounts.models import User


class CircleError(Exception):
    """A rule refuses the action; the message is shown to the person."""


def _lock(circle: Circle) -> Circle:
    return Circle.objects.select_for_update().get(pk=circle.pk)


def _add(circle: Circle, user_id: int, added_by: int | None) -> None:
    if circle.member_count >= CIRCLE_MAX_MEMBERS:
        raise CircleError(_("This circle is full."))
    try:
        with transaction.atomic():
            CircleMember.objects.create(circle=circle, user_id=user_id, added_by_id=added_by)
    except IntegrityError as exc:
        raise CircleError(_("This person is already in the circle.")) from exc
    circle.member_count = F("member_count") + 1
    circle.save(update_fields=["member_count"])
    circle.refresh_from_db(fields=["member_count"])


def _start(circle: Circle, now: dt.datetime) -> None:
    circle.state = Circle.State.RUNNING
    circle.started_at = now
    circle.save(update_fields=["state", "started_at"])


@idempotent("training.circle_create", replay=lambda pk: Circle.objects.get(pk=pk))
def circle_create(
    *,
    actor: Viewer | User,
    name: str,
    plan: CirclePlan,
    description: str = "",
    is_open: bool = True,
    join: bool = True,
    idempotency_key: uuid.UUID | None = None,
) -> Circle:
    """Create a circle following ``plan``. Employees create open circles and join them at once;
    coordinators may create closed ones (to assign people) and need not join. With
    ``idempotency_key`` (the form's), sending the same form again returns the circle it created."""
    viewer = as_viewer(actor)
    require(can_create_circle(viewer))
    if not is_open or not join:
        require(can_form_circles(viewer))
    name = name.strip()
    if not name:
        raise CircleError(_("Give the circle a name."))
    weeks = plan.weeks.count()
    if weeks == 0:
        raise CircleError(_("This plan has no weeks yet."))
    circle = Circle.objects.create(
        name=name[:120],
        plan=plan,
        description=description.strip()[:2000],
        is_open=is_open,
        weeks_total=weeks,
        created_by_id=viewer.user_id,
    )
    if join:
        assert viewer.user_id is not None
        _add(circle, viewer.user_id, viewer.user_id)
    forget_circles(viewer)
    return circle


def circle_join(*, actor: Viewer | User, circle: Circle) -> Circle:
    """Join an open circle that is forming; it starts by itself once it is full (five people)."""
    viewer = as_viewer(actor)
    with transaction.atomic():
        circle = _lock(circle)
        require(can_join_circle(viewer, circle))
        assert viewer.user_id is not None
        _add(circle, viewer.user_id, None)
        if circle.member_count >= CIRCLE_MAX_MEMBERS:
            _start(circle, timezone.now())
    forget_circles(viewer)
    return circle


def circle_leave(*, actor: Viewer | User, circle: Circle) -> Circle:
    """Leave a circle that has not started yet."""
    viewer = as_viewer(actor)
    with transaction.atomic():
        circle = _lock(circle)
        require(can_leave_circle(viewer, circle))
        CircleMember.objects.filter(circle=circle, user_id=viewer.user_id or 0).delete()
        circle.member_count = F("member_count") - 1
        circle.save(update_fields=["member_count"])
        circle.refresh_from_db(fields=["member_count"])
    forget_circles(viewer)
    return circle


def circle_member_add(*, actor: Viewer | User, circle: Circle, user: User) -> Circle:
    """A coordinator assigns a person to a circle (one audit row)."""
    viewer = as_viewer(actor)
    with transaction.atomic():
        circle = _lock(circle)
        require(can_manage_circle_members(viewer, circle))
        if not user.is_active:
            raise CircleError(_("This person cannot be added."))
        _add(circle, user.pk, viewer.user_id)
        audit_log(
            actor=viewer.user,
            action="training.circle_member_added",
            target=circle,
            after={"user": user.pk, "members": circle.member_count},
            scope=f"circle:{circle.pk}",
        )
    return circle


def circle_member_remove(*, actor: Viewer | User, circle: Circle, user_id: int, reason: str = "") -> Circle:
    """A coordinator removes a person from a circle (one audit row)."""
    viewer = as_viewer(actor)
    with transaction.atomic():
        circle = _lock(circle)
        require(can_manage_circle_members(viewer, circle))
        deleted, _rows = CircleMember.objects.filter(circle=circle, user_id=user_id).delete()
        if not deleted:
            raise CircleError(_("This person is not in the circle."))
        circle.member_count = F("member_count") - 1
        circle.save(update_fields=["member_count"])
        circle.refresh_from_db(fields=["member_count"])
        audit_log(
            actor=viewer.user,
            action="training.circle_member_removed",
            target=circle,
            reason=reason,
            before={"user": user_id},
            scope=f"circle:{circle.pk}",
        )
    return circle


def circle_start(*, actor: Viewer | User, circle: Circle) -> Circle:
    """Start the weekly programme once at least four people are in (members or coordinators)."""
    viewer = as_viewer(actor)
    with transaction.atomic():
        circle = _lock(circle)
        require(can_start_circle(viewer, circle))
        if circle.member_count < CIRCLE_MIN_MEMBERS:
            raise CircleError(_("A circle starts with at least %(count)s people.") % {"count": CIRCLE_MIN_MEMBERS})
        _start(circle, timezone.now())
    return circle


def checkin_save(*, actor: Viewer | User, circle: Circle, text: str) -> CheckIn:
    """Write or update one's check-in for the circle's current week."""
    viewer = as_viewer(actor)
    require(can_check_in(viewer, circle))
    text = text.strip()
    if not text:
        raise CircleError(_("Write a few words for your check-in."))
    week = circle.current_week()
    assert week is not None
    checkin, _created = CheckIn.objects.update_or_create(
        circle=circle, user_id=viewer.user_id, week=week, defaults={"text": text[:4000]}
    )
    return checkin


def retrospective_save(
    *, actor: Viewer | User, circle: Circle, went_well: str, to_improve: str = "", next_steps: str = ""
) -> Retrospective:
    """Write or update one's retrospective (from the circle's last week on)."""
    viewer = as_viewer(actor)
    require(can_write_retrospective(viewer, circle))
    if not went_well.strip():
        raise CircleError(_("Tell the circle what went well."))
    retro, _created = Retrospective.objects.update_or_create(
        circle=circle,
        user_id=viewer.user_id,
        defaults={
            "went_well": went_well.strip()[:4000],
            "to_improve": to_improve.strip()[:4000],
            "next_steps": next_steps.strip()[:4000],
        },
    )
    return retro


def circles_finish_due(*, now: dt.datetime | None = None) -> int:
    """Mark running circles whose last week is over as finished (periodic job)."""
    now = now or timezone.now()
    finished = 0
    for circle in Circle.objects.filter(state=Circle.State.RUNNING, started_at__isnull=False).only(
        "id", "started_at", "weeks_total", "state"
    ):
        assert circle.started_at is not None
        if circle.started_at + dt.timedelta(weeks=circle.weeks_total) <= now:
            Circle.objects.filter(pk=circle.pk, state=Circle.State.RUNNING).update(state=Circle.State.FINISHED)
            finished += 1
    return finished


def circle_plan_create(*, title: str, description: str, weeks: list[tuple[str, str, str]]) -> CirclePlan:
    """Create a plan with its weeks ((title, agenda, katas) per week); for data setup and the admin."""
    with transaction.atomic():
        plan = CirclePlan.objects.create(title=title, description=description)
        CircleWeek.objects.bulk_create(
            CircleWeek(plan=plan, number=i, title=t, agenda=a, katas=k) for i, (t, a, k) in enumerate(weeks, 1)
        )
    return plan
