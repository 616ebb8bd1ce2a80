"""Permission matrix of the training core: every action for every role, through the real views,
with no side effect on denial; and parity of the ``can_view_*`` predicates with their twins."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone

from intranet.core.models import AuditEntry
from tests.factories import UserFactory
from tests.support.forms import with_key
from tests.training.conftest import ROLES, make_user, snapshot, viewer_of
from tests.training.factories import ProgrammeFactory, SessionFactory, StepFactory
from training.certificates import permissions as cert_perms
from training.models import Certificate, Enrolment, Programme, Session, StepProgress
from training.programmes import permissions as programme_perms
from training.programmes.services import enrolment_create, exercise_submit
from training.sessions import permissions as session_perms
from training.sessions.services import session_book

pytestmark = pytest.mark.django_db


@dataclass
class World:
    programme: Programme
    draft: Programme
    session: Session
    draft_session: Session
    booking_id: int
    progress: StepProgress
    certificate: Certificate
    enrolment: Enrolment


@pytest.fixture
def world(db) -> World:
    programme = ProgrammeFactory.create(title="Basics")
    draft = ProgrammeFactory.create(title="Draft", published=False)
    StepFactory.create(programme=programme, kind="reading")
    exercise = StepFactory.create(programme=programme, kind="exercise")
    session = SessionFactory.create(
        programme=programme, starts_at=timezone.now() + dt.timedelta(minutes=30), capacity=3
    )
    draft_session = SessionFactory.create(programme=draft)
    alice = UserFactory.create(display_name="Alice")
    booking = session_book(actor=viewer_of(alice), session=session)
    enrolment_create(actor=viewer_of(alice), programme=programme)
    progress = exercise_submit(actor=viewer_of(alice), step=exercise, answer="An answer")
    holder = UserFactory.create()
    certificate = Certificate.objects.create(user=holder, programme=programme)
    return World(
        programme=programme,
        draft=draft,
        session=session,
        draft_session=draft_session,
        booking_id=booking.pk,
        progress=progress,
        certificate=certificate,
        enrolment=Enrolment.objects.get(user=alice, programme=programme),
    )


@dataclass(frozen=True)
class Action:
    name: str
    method: str
    url: Callable[[World], str]
    allowed: frozenset[str]
    data: Callable[[World], dict[str, Any]] = lambda w: {}


EVERYONE = frozenset(ROLES)
SIGNED_IN = EVERYONE - {"anonymous"}
MANAGERS = frozenset({"coordinator"})
REPORTERS = frozenset({"coordinator", "scoped_coordinator"})
SESSION_STAFF = frozenset({"coordinator", "trainer"})

SESSION_DATA = {
    "title": "Changed",
    "starts_at": "2031-03-01T10:00",
    "time_zone": "Europe/Berlin",
    "duration_minutes": 60,
    "place": "Hall",
    "capacity": 5,
}

ACTIONS = [
    Action("catalogue", "get", lambda w: reverse("training:index"), SIGNED_IN),
    Action("programme_detail", "get", lambda w: reverse("training:programme_detail", args=[w.programme.pk]), SIGNED_IN),
    Action("draft_detail", "get", lambda w: reverse("training:programme_detail", args=[w.draft.pk]), MANAGERS),
    Action("enrol", "post", lambda w: reverse("training:programme_enrol", args=[w.programme.pk]), SIGNED_IN),
    Action("enrol_draft", "post", lambda w: reverse("training:programme_enrol", args=[w.draft.pk]), frozenset()),
    Action("session_detail", "get", lambda w: reverse("training:session_detail", args=[w.session.pk]), SIGNED_IN),
    Action(
        "draft_session_detail", "get", lambda w: reverse("training:session_detail", args=[w.draft_session.pk]), MANAGERS
    ),
    Action("book", "post", lambda w: reverse("training:session_book", args=[w.session.pk]), SIGNED_IN),
    Action("session_ics", "get", lambda w: reverse("training:session_ics", args=[w.session.pk]), SIGNED_IN),
    Action("calendar_settings", "get", lambda w: reverse("training:calendar_settings"), SIGNED_IN),
    # Verification is for people outside too: no account needed (issue 18, item 18).
    Action("verify", "get", lambda w: reverse("training:certificate_verify", args=[w.certificate.code]), EVERYONE),
    Action("print", "get", lambda w: reverse("training:certificate_print", args=[w.certificate.code]), REPORTERS),
    Action("manage_index", "get", lambda w: reverse("training:manage_index"), REPORTERS | {"trainer"}),
    Action("manage_programme", "get", lambda w: reverse("training:manage_programme", args=[w.programme.pk]), REPORTERS),
    Action("enrolments_csv", "get", lambda w: reverse("training:enrolments_csv", args=[w.programme.pk]), REPORTERS),
    Action("certified", "get", lambda w: reverse("training:certified"), REPORTERS),
    Action("certified_csv", "get", lambda w: reverse("training:certified_csv"), REPORTERS),
    Action("expiring", "get", lambda w: reverse("training:expiring"), REPORTERS),
    Action("stuck", "get", lambda w: reverse("training:stuck"), REPORTERS),
    Action(
        "manage_session",
        "get",
        lambda w: reverse("training:manage_session", args=[w.session.pk]),
        REPORTERS | SESSION_STAFF,
    ),
    Action(
        "bookings_csv",
        "get",
        lambda w: reverse("training:bookings_csv", args=[w.session.pk]),
        REPORTERS | SESSION_STAFF,
    ),
    Action(
        "programme_create",
        "post",
        lambda w: reverse("training:programme_create"),
        MANAGERS,
        lambda w: with_key(title="New", level="basic"),
    ),
    Action(
        "programme_edit",
        "post",
        lambda w: reverse("training:programme_edit", args=[w.programme.pk]),
        MANAGERS,
        lambda w: {"title": "Renamed", "level": "basic", "published": "on"},
    ),
    Action(
        "step_create",
        "post",
        lambda w: reverse("training:step_create", args=[w.programme.pk]),
        MANAGERS,
        lambda w: with_key(title="More", kind="reading", body="Text"),
    ),
    Action(
        "session_create",
        "post",
        lambda w: reverse("training:session_create", args=[w.programme.pk]),
        MANAGERS,
        lambda w: with_key(SESSION_DATA),
    ),
    Action(
        "session_edit",
        "post",
        lambda w: reverse("training:session_edit", args=[w.session.pk]),
        SESSION_STAFF,
        lambda w: SESSION_DATA,
    ),
    Action(
        "attendance",
        "post",
        lambda w: reverse("training:attendance_mark", args=[w.session.pk]),
        SESSION_STAFF,
        lambda w: {f"attendance-{w.booking_id}": "present"},
    ),
    Action(
        "session_cancel",
        "post",
        lambda w: reverse("training:session_cancel", args=[w.session.pk]),
        MANAGERS,
        lambda w: {"reason": "x"},
    ),
    Action(
        "revoke",
        "post",
        lambda w: reverse("training:certificate_revoke", args=[w.certificate.code]),
        MANAGERS,
        lambda w: {"reason": "x"},
    ),
    Action(
        "exercise_accept", "post", lambda w: reverse("training:exercise_accept", args=[w.progress.pk]), SESSION_STAFF
    ),
    Action(
        "cohort",
        "post",
        lambda w: reverse("training:enrolment_cohort", args=[w.programme.pk, w.enrolment.pk]),
        MANAGERS,
        lambda w: {"cohort": "Pilot"},
    ),
]


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("action", ACTIONS, ids=lambda a: a.name)
def test_permission_matrix(client, world, role, action):
    user = make_user(role, world.session)
    if user is not None:
        client.force_login(user)
    before = snapshot()
    audit_before = AuditEntry.objects.count()
    url, data = action.url(world), action.data(world)
    response = client.post(url, data) if action.method == "post" else client.get(url)
    if role in action.allowed:
        assert response.status_code in (200, 302), (response.status_code, response.content[:500])
        if response.status_code == 302:
            assert "/accounts/login/" not in response["Location"]
        if action.method == "post":
            assert snapshot() != before
        if action.name in {
            "programme_create",
            "programme_edit",
            "session_edit",
            "attendance",
            "session_cancel",
            "revoke",
        }:
            assert AuditEntry.objects.count() == audit_before + 1
    else:
        if role == "anonymous":
            assert response.status_code == 302 and "/accounts/login/" in response["Location"]
        else:
            assert response.status_code in (403, 404), response.status_code
        after = snapshot()
        # Viewing the calendar page creates one's own token: no denial case; everything else is untouched.
        assert after == before


def test_trainer_sees_draft_programme_of_own_session(world):
    trainer = make_user("trainer", world.draft_session)
    viewer = viewer_of(trainer)
    assert programme_perms.can_view_programme(viewer, world.draft)
    assert session_perms.can_manage_session(viewer, world.draft_session)
    assert not session_perms.can_manage_session(viewer, world.session)


@pytest.mark.parametrize("role", ROLES)
def test_view_predicates_agree_with_their_twins(world, role):
    viewer = viewer_of(make_user(role, world.session))
    programmes = list(Programme.objects.all())
    visible = set(programme_perms.visible_programmes(viewer, Programme.objects.all()).values_list("pk", flat=True))
    assert {p.pk for p in programmes if programme_perms.can_view_programme(viewer, p)} == visible
    sessions = list(Session.objects.select_related("programme"))
    visible = set(session_perms.visible_sessions(viewer, Session.objects.all()).values_list("pk", flat=True))
    assert {s.pk for s in sessions if session_perms.can_view_session(viewer, s)} == visible
    enrolments = list(Enrolment.objects.all())
    visible = set(programme_perms.visible_enrolments(viewer, Enrolment.objects.all()).values_list("pk", flat=True))
    assert {e.pk for e in enrolments if programme_perms.can_view_enrolment(viewer, e)} == visible
    certs = list(Certificate.objects.all())
    visible = set(cert_perms.visible_certificates(viewer, Certificate.objects.all()).values_list("pk", flat=True))
    assert {c.pk for c in certs if cert_perms.can_view_certificate(viewer, c)} == visible
