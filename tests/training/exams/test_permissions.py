"""Permission matrix of exams and grading (learner, trainer, coordinator, scoped coordinator, other user),
parity of predicates and queryset twins, no side effects on denial."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied

from intranet.accounts.models import User
from intranet.core.models import AuditEntry
from tests.factories import UserFactory
from tests.training.qualification_helpers import (
    QUALIFICATION_ROLES,
    correct_answers,
    make_exam,
    person_in_role,
)
from training.exams.permissions import (
    can_grade,
    can_grade_answer,
    can_review_attempt,
    can_view_attempt,
    visible_attempts,
)
from training.exams.services import answer_grade, attempt_start, attempt_submit
from training.models import Attempt, AttemptAnswer

pytestmark = pytest.mark.django_db


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


@pytest.mark.parametrize("role", QUALIFICATION_ROLES)
def test_exam_matrix(role):
    learner, attempt, answer = _graded_attempt_waiting()
    viewer = person_in_role(role, learner)
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
    for role in QUALIFICATION_ROLES:
        viewer = person_in_role(role, learner)
        assert can_view_attempt(viewer, attempt) == (role == "learner")
        assert visible_attempts(viewer).filter(pk=attempt.pk).exists() == (role == "learner")
