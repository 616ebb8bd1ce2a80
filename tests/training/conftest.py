"""Fixtures of the training tests: the people of the permission matrix, a programme with one step
of every kind, a session, and a snapshot for "nothing changed" checks."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.auth.models import AnonymousUser, Permission

from communities.models import CoordinatorScope
from intranet.accounts.models import User
from intranet.core.models import AuditEntry
from intranet.core.viewer import Viewer
from intranet.notifications.models import Notification
from tests.communities.factories import CommunityFactory
from tests.factories import UserFactory
from tests.training.factories import ProgrammeFactory, SessionFactory, StepFactory
from training.models import (
    CalendarToken,
    Certificate,
    Enrolment,
    Programme,
    Session,
    SessionBooking,
    Step,
    StepProgress,
)

#: Everyone the matrices check. "trainer" trains the session under test.
ROLES = ["anonymous", "learner", "trainer", "scoped_coordinator", "coordinator"]


def make_user(role: str, session: Session | None = None) -> User | None:
    if role == "anonymous":
        return None
    user = UserFactory.create(is_staff=role == "coordinator")
    if role == "scoped_coordinator":
        user.user_permissions.add(Permission.objects.get(codename="coordinate", content_type__app_label="communities"))
        scope = CoordinatorScope.objects.create(user=user, all_communities=False)
        scope.communities.add(CommunityFactory.create())
    if role == "trainer" and session is not None:
        session.trainers.add(user)
    return User.objects.get(pk=user.pk)  # fresh instance: no cached permissions


def viewer_of(user: User | None) -> Viewer:
    return Viewer(user if user is not None else AnonymousUser())


@pytest.fixture
def programme(db) -> Programme:
    return ProgrammeFactory.create(title="Community management basics", is_basic=True, validity_months=24)


@pytest.fixture
def steps(programme) -> dict[str, Step]:
    return {
        "reading": StepFactory.create(programme=programme, position=1, kind=Step.Kind.READING, title="Read the guide"),
        "exercise": StepFactory.create(
            programme=programme, position=2, kind=Step.Kind.EXERCISE, title="Write a welcome"
        ),
        "session": StepFactory.create(
            programme=programme, position=3, kind=Step.Kind.SESSION, title="Attend a workshop"
        ),
        "exam": StepFactory.create(programme=programme, position=4, kind=Step.Kind.EXAM, title="Pass the exam"),
    }


@pytest.fixture
def session(programme, steps) -> Session:
    return SessionFactory.create(programme=programme, step=steps["session"], title="Workshop", capacity=2)


@pytest.fixture
def coordinator(db) -> User:
    return UserFactory.create(is_staff=True, display_name="Cora Coordinator")


@pytest.fixture
def learner(db) -> User:
    return UserFactory.create(display_name="Lena Learner")


def snapshot() -> dict[str, Any]:
    """Everything a denied action must leave untouched."""
    return {
        "programmes": list(Programme.objects.order_by("pk").values()),
        "steps": list(Step.objects.order_by("pk").values()),
        "sessions": list(Session.objects.order_by("pk").values()),
        "bookings": list(SessionBooking.objects.order_by("pk").values()),
        "enrolments": list(Enrolment.objects.order_by("pk").values()),
        "progress": list(StepProgress.objects.order_by("pk").values()),
        "certificates": list(Certificate.objects.order_by("pk").values()),
        "tokens": list(CalendarToken.objects.order_by("pk").values()),
        "audit": AuditEntry.objects.count(),
        "notifications": Notification.objects.count(),
    }
