"""Peer-learning circles: forming (joining up to five, starting from four), assigning by a
coordinator, the weekly agenda, check-ins and the retrospective."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from intranet.core.models import AuditEntry
from tests.factories import UserFactory
from tests.support.forms import with_key
from tests.training.qualification_helpers import make_plan
from training.circles.services import (
    CircleError,
    checkin_save,
    circle_create,
    circle_join,
    circle_leave,
    circle_member_add,
    circle_member_remove,
    circle_start,
    circles_finish_due,
    retrospective_save,
)
from training.models import CheckIn, Circle, CircleMember, Retrospective

pytestmark = pytest.mark.django_db

START = dt.datetime(2026, 4, 6, 8, 0, tzinfo=dt.UTC)


def _circle_with(n: int, **kwargs) -> tuple[Circle, list]:
    people = UserFactory.create_batch(n)
    circle = circle_create(actor=people[0], name="Harbour circle", plan=make_plan(weeks=3), **kwargs)
    for person in people[1:]:
        circle = circle_join(actor=person, circle=circle)
    return circle, people


def test_join_until_five_and_start_from_four():
    circle, people = _circle_with(3)
    assert circle.member_count == 3 and circle.state == Circle.State.FORMING
    with pytest.raises(CircleError):
        circle_start(actor=people[0], circle=circle)
    circle = circle_join(actor=UserFactory.create(), circle=circle)
    assert circle.state == Circle.State.FORMING
    circle = circle_join(actor=UserFactory.create(), circle=circle)
    assert circle.member_count == 5 and circle.state == Circle.State.RUNNING  # full: starts by itself
    with pytest.raises(PermissionDenied):
        circle_join(actor=UserFactory.create(), circle=circle)
    assert CircleMember.objects.filter(circle=circle).count() == 5


def test_members_start_with_four():
    circle, people = _circle_with(4)
    circle = circle_start(actor=people[2], circle=circle)
    assert circle.state == Circle.State.RUNNING and circle.current_week() == 1
    with pytest.raises(PermissionDenied):
        circle_leave(actor=people[1], circle=circle)


def test_leaving_while_forming():
    circle, people = _circle_with(2)
    circle = circle_leave(actor=people[1], circle=circle)
    assert circle.member_count == 1
    assert not CircleMember.objects.filter(circle=circle, user=people[1]).exists()


def test_coordinator_assigns_people_with_audit(coordinator):
    circle = circle_create(actor=coordinator, name="Assigned", plan=make_plan(), is_open=False, join=False)
    people = UserFactory.create_batch(4)
    for person in people:
        circle = circle_member_add(actor=coordinator, circle=circle, user=person)
    assert circle.member_count == 4
    assert AuditEntry.objects.filter(action="training.circle_member_added").count() == 4
    circle = circle_member_remove(actor=coordinator, circle=circle, user_id=people[0].pk, reason="Changed team")
    assert circle.member_count == 3
    assert AuditEntry.objects.filter(action="training.circle_member_removed").count() == 1
    # A closed circle is not open to anyone else.
    with pytest.raises(PermissionDenied):
        circle_join(actor=UserFactory.create(), circle=circle)


def test_employees_cannot_assign_people_or_create_closed_circles():
    circle, people = _circle_with(2)
    stranger = UserFactory.create()
    with pytest.raises(PermissionDenied):
        circle_member_add(actor=people[0], circle=circle, user=stranger)
    with pytest.raises(PermissionDenied):
        circle_create(actor=people[0], name="Closed", plan=circle.plan, is_open=False)
    assert CircleMember.objects.filter(user=stranger).count() == 0
    assert AuditEntry.objects.count() == 0


def test_weekly_agenda_checkins_and_retrospective(client):
    with time_machine.travel(START, tick=False):
        circle, people = _circle_with(4)
        circle = circle_start(actor=people[0], circle=circle)
        checkin_save(actor=people[1], circle=circle, text="Tried the first kata.")
        with pytest.raises(PermissionDenied):
            retrospective_save(actor=people[1], circle=circle, went_well="Too early")
    with time_machine.travel(START + dt.timedelta(days=8), tick=False):
        client.force_login(people[1])
        html = client.get(reverse("training:circle_detail", args=[circle.pk])).content.decode()
        assert "Week 2 title" in html and "<strong>week 2</strong>" in html
        checkin_save(actor=people[1], circle=circle, text="Week two went fine.")
        checkin_save(actor=people[1], circle=circle, text="Week two went well.")
        assert CheckIn.objects.filter(circle=circle, user=people[1]).count() == 2
        assert "Week two went well." in client.get(reverse("training:circle_detail", args=[circle.pk])).content.decode()
    with time_machine.travel(START + dt.timedelta(days=15), tick=False):
        retrospective_save(actor=people[1], circle=circle, went_well="Regular rhythm", to_improve="Shorter calls")
        assert Retrospective.objects.filter(circle=circle).count() == 1
    with time_machine.travel(START + dt.timedelta(days=22), tick=False):
        assert circles_finish_due() == 1
    circle.refresh_from_db()
    assert circle.state == Circle.State.FINISHED


def test_checkins_are_private_to_members(client):
    with time_machine.travel(START, tick=False):
        circle, people = _circle_with(4, is_open=True)
        circle = circle_start(actor=people[0], circle=circle)
        checkin_save(actor=people[1], circle=circle, text="Private reflection")
        client.force_login(UserFactory.create())
        # Running circles are no longer listed for outsiders.
        assert client.get(reverse("training:circle_detail", args=[circle.pk])).status_code == 404
        with pytest.raises(PermissionDenied):
            checkin_save(actor=UserFactory.create(), circle=circle, text="x")


def test_circle_views_join_and_start(client):
    circle, _people = _circle_with(3)
    newcomer = UserFactory.create()
    client.force_login(newcomer)
    html = client.get(reverse("training:circle_list")).content.decode()
    assert "Harbour circle" in html
    assert client.post(reverse("training:circle_join", args=[circle.pk])).status_code == 302
    circle.refresh_from_db()
    assert circle.member_count == 4
    html = client.get(reverse("training:circle_detail", args=[circle.pk])).content.decode()
    assert 'id="start-circle"' in html
    client.post(reverse("training:circle_start", args=[circle.pk]))
    circle.refresh_from_db()
    assert circle.state == Circle.State.RUNNING


def test_create_a_circle_through_the_form(client):
    plan = make_plan()
    person = UserFactory.create()
    client.force_login(person)
    response = client.post(reverse("training:circle_create"), with_key(name="", plan=plan.pk))
    assert "Give the circle a name." in response.content.decode()
    response = client.post(reverse("training:circle_create"), with_key(name="Night owls", plan=plan.pk))
    circle = Circle.objects.get(name="Night owls")
    assert response["Location"] == reverse("training:circle_detail", args=[circle.pk])
    assert CircleMember.objects.filter(circle=circle, user=person).exists()


def test_default_plan_command_is_idempotent():
    from django.core.management import call_command

    from training.circles.plans import DEFAULT_TITLE, DEFAULT_WEEKS
    from training.models import CirclePlan

    call_command("training_seed_circle_plan")
    call_command("training_seed_circle_plan")
    plan = CirclePlan.objects.get(title=DEFAULT_TITLE)
    assert plan.weeks.count() == len(DEFAULT_WEEKS) == 12


def test_coordinator_adds_a_member_chosen_in_the_person_picker(client, coordinator):
    circle = circle_create(actor=coordinator, name="Picked", plan=make_plan(), is_open=False, join=False)
    juergen = UserFactory.create(display_name="Jürgen Groß", handle="juergen.gross")
    gone = UserFactory.create(display_name="Gone Person", handle="gone.person", is_active=False)
    client.force_login(coordinator)
    page = client.get(reverse("training:circle_detail", args=[circle.pk])).content.decode()
    assert "data-person-picker" in page and 'id="id_handle"' in page and 'data-self="0"' in page
    url = reverse("training:circle_member_add", args=[circle.pk])
    for unknown in ("gone.person", "nobody"):
        response = client.post(url, {"handle": unknown})
        assert response.status_code == 400
        assert f"Nobody here is called “{unknown}”. Choose a person from the list." in response.content.decode()
    assert not CircleMember.objects.filter(circle=circle, user=gone).exists()
    assert client.post(url, {"handle": "@juergen.gross"}).status_code == 302
    assert CircleMember.objects.filter(circle=circle, user=juergen).exists()
