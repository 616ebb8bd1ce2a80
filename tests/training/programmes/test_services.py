"""Services of programmes: the hook the exam services call."""

from __future__ import annotations

import pytest

from training.models import SessionBooking, StepProgress
from training.programmes.services import step_complete_for_exam

pytestmark = pytest.mark.django_db

Status = SessionBooking.Status


def test_exam_hook_ignores_non_exam_steps(steps, learner):
    assert step_complete_for_exam(user_id=learner.pk, exam_step_id=steps["reading"].pk) is None
    assert step_complete_for_exam(user_id=learner.pk, exam_step_id=999999) is None
    assert not StepProgress.objects.exists()
