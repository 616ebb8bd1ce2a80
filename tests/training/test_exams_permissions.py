"""Permission matrix of exams, grading, levels and circles (learner, trainer, coordinator, scoped
coordinator, other user), parity of predicates and queryset twins, no side effects on denial."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import AnonymousUser, Permission
from django.core.exceptions import PermissionDenied

from communities.models import CoordinatorScope
from intranet.accounts.models import User
from intranet.core.models import AuditEntry
from intranet.core.viewer import Viewer
from tests.communities.factories import CommunityFactory
from tests.factories import UserFactory
from tests.training.qualification_helpers import correct_answers, make_exam, make_plan
from training.models import Attempt, AttemptAnswer, Circle, Level, LevelApplication, UserLevel
from training.permissions_circles import can_manage_circle_members, can_view_circle, visible_circles
from training.permissions_exams import (
    can_grade,
    can_grade_answer,
    can_review_attempt,
    can_view_attempt,
    visible_attempts,
)
from training.permissions_levels import (
    can_change_level_of,
    can_decide_level_application,
    can_view_level_application,
    visible_level_applications,
)
from training.services_circles import circle_create, circle_member_add
from training.services_exams import answer_grade, attempt_start, attempt_submit
from training.services_levels import level_application_decide, level_application_submit, level_set

pytestmark = pytest.mark.django_db

ROLES = ["anonymous", "learner", "other_user", "trainer", "scoped_coordinator", "coordinator"]


def _person(role: str, learner: User) -> Viewer:
    if role == "anonymous":
        return Viewer(AnonymousUser())
    if role == "learner":
        return Viewer(User.objects.get(pk=learner.pk))
    user = UserFactory.create(is_staff=role == "coordinator")
    if role == "trainer":
        user.user_permissions.add(Permission.objects.get(codename="grade_exam", content_type__app_label="training"))
    if role == "scoped_coordinator":
        user.user_permissions.add(Permission.objects.get(codename="coordinate", content_type__app_label="communities"))
        scope = CoordinatorScope.objects.create(user=user, all_communities=False)
        scope.communities.add(CommunityFactory.create())
    return Viewer(User.objects.get(pk=user.pk))


def _graded_attempt_waiting() -> tuple[User, Attempt, AttemptAnswer]:
    learner = UserFactory.create()
    exam = make_exam(single=1, free_text=1)
    attempt = attempt_start(actor=learner, exam=exam)
    attempt = attempt_submit(actor=learner, attempt=attempt, answers=correct_answers(attempt))
    return learner, attempt, AttemptAnswer.objects.get(attempt=attempt, question__kind="free_text")


EXPECTED_EXAM = {
    # role: (view submitted attempt, review, open grading queue, grade answer)
    "anonymous": (False, False, False, False),
    "learner": (True, True, False, False),
    "other_user": (False, False, False, False),
    "trainer": (True, True, True, True),
    "scoped_coordinator": (False, False, False, False),
    "coordinator": (True, True, True, True),
}


@pytest.mark.parametrize("role", ROLES)
def test_exam_matrix(role):
    learner, attempt, answer = _graded_attempt_waiting()
    viewer = _person(role, learner)
    got = (
        can_view_attempt(viewer, attempt),
        can_review_attempt(viewer, attempt),
        can_grade(viewer),
        can_grade_answer(viewer, answer, attempt),
    )
    assert got == EXPECTED_EXAM[role]
    # Parity with the queryset twin.
    assert visible_attempts(viewer).filter(pk=attempt.pk).exists() == got[0]
    before = (AuditEntry.objects.count(), list(AttemptAnswer.objects.values_list("points_awarded", flat=True)))
    if not got[3]:
        with pytest.raises(PermissionDenied):
            answer_grade(actor=viewer, answer=answer, points=1)
        after = (AuditEntry.objects.count(), list(AttemptAnswer.objects.values_list("points_awarded", flat=True)))
        assert after == before
    else:
        answer_grade(actor=viewer, answer=answer, points=1)
        assert AuditEntry.objects.count() == before[0] + 1


def test_nobody_but_the_learner_sees_an_open_attempt():
    learner = UserFactory.create()
    attempt = attempt_start(actor=learner, exam=make_exam(single=1))
    for role in ROLES:
        viewer = _person(role, learner)
        assert can_view_attempt(viewer, attempt) == (role == "learner")
        assert visible_attempts(viewer).filter(pk=attempt.pk).exists() == (role == "learner")


EXPECTED_LEVELS = {
    # role: (view application, decide it, change the applicant's level)
    "anonymous": (False, False, False),
    "learner": (True, False, False),
    "other_user": (False, False, False),
    "trainer": (False, False, False),
    "scoped_coordinator": (False, False, False),
    "coordinator": (True, True, True),
}


@pytest.mark.parametrize("role", ROLES)
def test_level_matrix(role):
    learner = UserFactory.create()
    level = Level.objects.create(name="One", rank=1)
    application = level_application_submit(actor=learner, level=level, evidence_text="Evidence")
    viewer = _person(role, learner)
    got = (
        can_view_level_application(viewer, application),
        can_decide_level_application(viewer, application),
        can_change_level_of(viewer, learner.pk),
    )
    assert got == EXPECTED_LEVELS[role]
    assert visible_level_applications(viewer).filter(pk=application.pk).exists() == got[0]
    if not got[1]:
        audits = AuditEntry.objects.count()
        with pytest.raises(PermissionDenied):
            level_application_decide(actor=viewer, application=application, approve=True)
        with pytest.raises(PermissionDenied):
            level_set(actor=viewer, user=learner, level=level, override=True, reason="x")
        assert AuditEntry.objects.count() == audits
        assert not UserLevel.objects.exists()
        assert LevelApplication.objects.get(pk=application.pk).state == LevelApplication.State.SUBMITTED


EXPECTED_CIRCLES = {
    # role: (view forming open circle, view running circle, assign members)
    "anonymous": (False, False, False),
    "learner": (True, True, False),  # "learner" is a member here
    "other_user": (True, False, False),
    "trainer": (True, False, False),
    "scoped_coordinator": (True, True, True),
    "coordinator": (True, True, True),
}


@pytest.mark.parametrize("role", ROLES)
def test_circle_matrix(role):
    learner = UserFactory.create()
    forming = circle_create(actor=learner, name="Forming", plan=make_plan())
    running = circle_create(actor=learner, name="Running", plan=forming.plan)
    Circle.objects.filter(pk=running.pk).update(state=Circle.State.RUNNING)
    running.refresh_from_db()
    viewer = _person(role, learner)
    got = (
        can_view_circle(viewer, forming),
        can_view_circle(viewer, running),
        can_manage_circle_members(viewer, forming),
    )
    assert got == EXPECTED_CIRCLES[role]
    visible = set(visible_circles(viewer).values_list("pk", flat=True))
    assert (forming.pk in visible, running.pk in visible) == got[:2]
    if not got[2]:
        members = forming.member_count
        with pytest.raises(PermissionDenied):
            circle_member_add(actor=viewer, circle=forming, user=UserFactory.create())
        forming.refresh_from_db()
        assert forming.member_count == members
        assert AuditEntry.objects.count() == 0
