"""Exam rules: frozen draws, the server-side deadline, attempt limits and waiting time, the pass
mark, free-text grading, no answer leakage before submission and the review after it."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils import timezone

from intranet.core.models import AuditEntry
from tests.factories import UserFactory
from tests.training.qualification_helpers import correct_answers, make_exam, make_grader
from training.models import Attempt, AttemptAnswer, Certificate, Step, StepProgress
from training.services_exams import (
    DeadlinePassed,
    ExamError,
    answer_grade,
    attempt_save_answers,
    attempt_start,
    attempt_submit,
    attempts_close_expired,
    draw_questions,
)

pytestmark = pytest.mark.django_db

START = dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.UTC)


def test_attempt_freezes_a_reproducible_draw():
    exam = make_exam(single=6)
    exam.rules.update(count=3)
    learner = UserFactory.create()
    attempt = attempt_start(actor=learner, exam=exam)
    stored = list(
        AttemptAnswer.objects.filter(attempt=attempt).order_by("position").values_list("question_id", flat=True)
    )
    assert len(stored) == 3
    assert draw_questions(exam, attempt.seed) == stored
    assert attempt.max_points == 3
    # Starting again while the attempt is open resumes it instead of drawing anew.
    assert attempt_start(actor=learner, exam=exam).pk == attempt.pk


def test_answers_after_the_deadline_are_refused_and_the_attempt_closed():
    exam = make_exam(single=2, time_limit_minutes=30)
    learner = UserFactory.create()
    with time_machine.travel(START, tick=False):
        attempt = attempt_start(actor=learner, exam=exam)
    answers = correct_answers(attempt)
    with time_machine.travel(START + dt.timedelta(minutes=29), tick=False):
        attempt_save_answers(
            actor=learner, attempt=attempt, answers={next(iter(answers)): answers[next(iter(answers))]}
        )
    with time_machine.travel(START + dt.timedelta(minutes=30, seconds=1), tick=False), pytest.raises(DeadlinePassed):
        attempt_submit(actor=learner, attempt=attempt, answers=answers)
    attempt.refresh_from_db()
    assert attempt.state == Attempt.State.FAILED
    assert attempt.closed_by_deadline
    assert attempt.submitted_at == attempt.deadline
    # Only the answer saved in time counts: 1 of 2 points.
    assert attempt.points == 1
    assert AttemptAnswer.objects.filter(attempt=attempt, answered_at__isnull=True).count() == 1


def test_an_expired_attempt_is_closed_on_the_next_page_view(client):
    exam = make_exam(single=1, time_limit_minutes=10)
    learner = UserFactory.create()
    client.force_login(learner)
    with time_machine.travel(START, tick=False):
        attempt = attempt_start(actor=learner, exam=exam)
    with time_machine.travel(START + dt.timedelta(minutes=11), tick=False):
        response = client.get(reverse("training:attempt_detail", args=[attempt.pk]))
        assert response.status_code == 302
        assert response["Location"] == reverse("training:attempt_review", args=[attempt.pk])
        # A late POST of answers saves nothing.
        answers = correct_answers(attempt)
        ((answer_id, choice_ids),) = answers.items()
        response = client.post(
            reverse("training:attempt_answer", args=[attempt.pk]),
            {f"q-{answer_id}": choice_ids, "shown": [answer_id], "action": "submit"},
        )
        assert response.status_code == 302
    attempt.refresh_from_db()
    assert attempt.state == Attempt.State.FAILED and attempt.closed_by_deadline
    assert AttemptAnswer.objects.get(pk=answer_id).selected_choice_ids == []


def test_the_periodic_job_closes_expired_attempts():
    exam = make_exam(single=1, time_limit_minutes=5)
    with time_machine.travel(START, tick=False):
        attempt = attempt_start(actor=UserFactory.create(), exam=exam)
        fresh = attempt_start(actor=UserFactory.create(), exam=exam)
    with time_machine.travel(START + dt.timedelta(minutes=6), tick=False):
        Attempt.objects.filter(pk=fresh.pk).update(deadline=START + dt.timedelta(minutes=60))
        assert attempts_close_expired() == 1
        assert attempts_close_expired() == 0
    attempt.refresh_from_db()
    fresh.refresh_from_db()
    assert attempt.state == Attempt.State.FAILED
    assert fresh.state == Attempt.State.IN_PROGRESS


def test_attempt_limit_and_waiting_period():
    exam = make_exam(single=2, max_attempts=2, wait_hours=24)
    learner = UserFactory.create()
    with time_machine.travel(START, tick=False):
        first = attempt_start(actor=learner, exam=exam)
        attempt_submit(actor=learner, attempt=first, answers=correct_answers(first, wrong=2))
        with pytest.raises(ExamError, match="waiting period"):
            attempt_start(actor=learner, exam=exam)
    with time_machine.travel(START + dt.timedelta(hours=23, minutes=59), tick=False), pytest.raises(ExamError):
        attempt_start(actor=learner, exam=exam)
    with time_machine.travel(START + dt.timedelta(hours=24), tick=False):
        second = attempt_start(actor=learner, exam=exam)
        assert second.number == 2
        attempt_submit(actor=learner, attempt=second, answers=correct_answers(second, wrong=2))
    with time_machine.travel(START + dt.timedelta(days=5), tick=False), pytest.raises(ExamError, match="all attempts"):
        attempt_start(actor=learner, exam=exam)
    assert Attempt.objects.filter(exam=exam, user=learner).count() == 2


def test_no_new_attempt_after_a_pass():
    exam = make_exam(single=1, wait_hours=0)
    learner = UserFactory.create()
    attempt = attempt_submit(actor=learner, attempt=attempt_start(actor=learner, exam=exam), answers={})
    assert attempt.state == Attempt.State.FAILED
    attempt = attempt_start(actor=learner, exam=exam)
    attempt = attempt_submit(actor=learner, attempt=attempt, answers=correct_answers(attempt))
    assert attempt.state == Attempt.State.PASSED
    with pytest.raises(ExamError, match="passed"):
        attempt_start(actor=learner, exam=exam)


@pytest.mark.parametrize(
    ("pass_mark", "wrong", "passed"), [(50, 1, True), (51, 1, False), (100, 0, True), (100, 1, False)]
)
def test_pass_mark(pass_mark, wrong, passed):
    exam = make_exam(single=2, pass_mark_percent=pass_mark)
    learner = UserFactory.create()
    attempt = attempt_start(actor=learner, exam=exam)
    attempt = attempt_submit(actor=learner, attempt=attempt, answers=correct_answers(attempt, wrong=wrong))
    assert attempt.score_percent == (100.0 if wrong == 0 else 50.0)
    assert attempt.state == (Attempt.State.PASSED if passed else Attempt.State.FAILED)


def test_multiple_choice_needs_exactly_the_correct_set():
    exam = make_exam(single=0, multiple=1, pass_mark_percent=100)
    learner = UserFactory.create()
    attempt = attempt_start(actor=learner, exam=exam)
    ((answer_id, right),) = correct_answers(attempt).items()
    attempt = attempt_submit(actor=learner, attempt=attempt, answers={answer_id: right[:1]})
    assert attempt.state == Attempt.State.FAILED


def test_single_choice_refuses_two_choices():
    exam = make_exam(single=1)
    learner = UserFactory.create()
    attempt = attempt_start(actor=learner, exam=exam)
    row = AttemptAnswer.objects.get(attempt=attempt)
    with pytest.raises(ExamError):
        attempt_save_answers(
            actor=learner, attempt=attempt, answers={row.pk: list(row.question.choices.values_list("pk", flat=True))}
        )


def test_someone_else_cannot_answer_an_attempt():
    exam = make_exam(single=1)
    attempt = attempt_start(actor=UserFactory.create(), exam=exam)
    with pytest.raises(PermissionDenied):
        attempt_submit(actor=UserFactory.create(), attempt=attempt, answers=correct_answers(attempt))
    attempt.refresh_from_db()
    assert attempt.is_open


def test_a_pass_completes_the_programme_step_and_issues_the_certificate(programme):
    step = Step.objects.create(programme=programme, position=1, kind=Step.Kind.EXAM, title="Exam")
    exam = make_exam(single=2, step=step)
    learner = UserFactory.create()
    attempt = attempt_start(actor=learner, exam=exam)
    attempt_submit(actor=learner, attempt=attempt, answers=correct_answers(attempt))
    assert StepProgress.objects.filter(step=step, enrolment__user=learner, state=StepProgress.State.DONE).exists()
    assert Certificate.objects.filter(user=learner, programme=programme).exists()


def test_a_fail_does_not_complete_the_step(programme):
    step = Step.objects.create(programme=programme, position=1, kind=Step.Kind.EXAM, title="Exam")
    exam = make_exam(single=2, step=step)
    learner = UserFactory.create()
    attempt = attempt_start(actor=learner, exam=exam)
    attempt_submit(actor=learner, attempt=attempt, answers=correct_answers(attempt, wrong=2))
    assert not StepProgress.objects.filter(step=step).exists()


# Free-text grading -------------------------------------------------------------------------------


def test_free_text_waits_for_a_trainer_then_passes(client, programme):
    step = Step.objects.create(programme=programme, position=1, kind=Step.Kind.EXAM, title="Exam")
    exam = make_exam(single=1, free_text=1, pass_mark_percent=75, step=step)
    learner = UserFactory.create()
    grader = make_grader()
    attempt = attempt_start(actor=learner, exam=exam)
    attempt = attempt_submit(actor=learner, attempt=attempt, answers=correct_answers(attempt))
    assert attempt.state == Attempt.State.GRADING
    assert attempt.score_percent is None
    assert not StepProgress.objects.filter(step=step).exists()

    client.force_login(grader)
    queue = client.get(reverse("training:grading_queue")).content.decode()
    answer = AttemptAnswer.objects.get(attempt=attempt, question__kind="free_text")
    assert reverse("training:answer_grade", args=[answer.pk]) in queue

    response = client.post(reverse("training:answer_grade", args=[answer.pk]), {"points": "5", "feedback": "Good"})
    assert response.status_code == 200
    assert "Give between 0 and 1 points." in response.content.decode()

    audits = AuditEntry.objects.filter(action="training.answer_graded").count()
    response = client.post(
        reverse("training:answer_grade", args=[answer.pk]), {"points": "1", "feedback": "Well argued."}
    )
    assert response.status_code == 302
    attempt.refresh_from_db()
    assert attempt.state == Attempt.State.PASSED and attempt.score_percent == 100.0
    assert AuditEntry.objects.filter(action="training.answer_graded").count() == audits + 1
    assert StepProgress.objects.filter(step=step, enrolment__user=learner).exists()
    assert "Nothing to grade" in client.get(reverse("training:grading_queue")).content.decode()


def test_partial_grade_below_the_pass_mark_fails():
    exam = make_exam(single=1, free_text=1, pass_mark_percent=80)
    learner = UserFactory.create()
    attempt = attempt_start(actor=learner, exam=exam)
    attempt_submit(actor=learner, attempt=attempt, answers=correct_answers(attempt))
    answer = AttemptAnswer.objects.get(attempt=attempt, question__kind="free_text")
    answer_grade(actor=make_grader(), answer=answer, points=0.5, feedback="")
    attempt.refresh_from_db()
    assert attempt.state == Attempt.State.FAILED
    assert attempt.score_percent == 75.0


def test_an_empty_free_text_answer_scores_zero_without_a_trainer():
    exam = make_exam(single=1, free_text=1, pass_mark_percent=50)
    learner = UserFactory.create()
    attempt = attempt_start(actor=learner, exam=exam)
    attempt = attempt_submit(actor=learner, attempt=attempt, answers=correct_answers(attempt, text="  "))
    assert attempt.state == Attempt.State.PASSED and attempt.score_percent == 50.0


def test_trainers_cannot_grade_their_own_attempt():
    exam = make_exam(single=0, free_text=1)
    grader = make_grader()
    attempt = attempt_start(actor=grader, exam=exam)
    attempt_submit(actor=grader, attempt=attempt, answers=correct_answers(attempt))
    answer = AttemptAnswer.objects.get(attempt=attempt)
    with pytest.raises(PermissionDenied):
        answer_grade(actor=grader, answer=answer, points=1)
    answer.refresh_from_db()
    assert answer.points_awarded is None


# No leakage, review --------------------------------------------------------------------------------


def test_the_attempt_page_reveals_no_correctness(client):
    exam = make_exam(single=2, multiple=1, free_text=1)
    learner = UserFactory.create()
    client.force_login(learner)
    attempt = attempt_start(actor=learner, exam=exam)
    response = client.get(reverse("training:attempt_detail", args=[attempt.pk]))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Right 0" in html and "Wrong 0" in html  # the choices are there ...
    for leak in ("is_correct", "correct", "SECRET MODEL ANSWER", "text-success", "data-correct"):
        assert leak not in html.lower().replace("correct horse", ""), leak
    # ... and a right and a wrong choice are marked up alike: only id and label differ.
    row = AttemptAnswer.objects.filter(attempt=attempt, question__kind="single").select_related("question")[0]
    right, wrong = row.question.choices.get(is_correct=True), row.question.choices.get(is_correct=False)
    right_markup = html.split(f'id="c-{right.pk}"')[0].rsplit("<input", 1)[1]
    wrong_markup = html.split(f'id="c-{wrong.pk}"')[0].rsplit("<input", 1)[1]
    assert right_markup.replace(str(right.pk), "X") == wrong_markup.replace(str(wrong.pk), "X")
    # The review is not reachable before submission.
    response = client.get(reverse("training:attempt_review", args=[attempt.pk]))
    assert response["Location"] == reverse("training:attempt_detail", args=[attempt.pk])


def test_review_after_submission_shows_answers_correct_ones_and_feedback(client):
    exam = make_exam(single=1, free_text=1)
    learner = UserFactory.create()
    attempt = attempt_start(actor=learner, exam=exam)
    attempt_submit(actor=learner, attempt=attempt, answers=correct_answers(attempt, wrong=1, text="My own words"))
    answer = AttemptAnswer.objects.get(attempt=attempt, question__kind="free_text")
    answer_grade(actor=make_grader(), answer=answer, points=1, feedback="Nicely put, think about tone.")
    client.force_login(learner)
    html = client.get(reverse("training:attempt_review", args=[attempt.pk])).content.decode()
    assert "My own words" in html
    assert "SECRET MODEL ANSWER 0" in html
    assert "Nicely put, think about tone." in html
    assert "text-success fw-semibold" in html  # the correct choice is marked
    assert "Right 0" in html


def test_other_learners_cannot_see_an_attempt(client):
    exam = make_exam(single=1)
    learner = UserFactory.create()
    attempt = attempt_start(actor=learner, exam=exam)
    client.force_login(UserFactory.create())
    assert client.get(reverse("training:attempt_detail", args=[attempt.pk])).status_code == 404
    attempt_submit(actor=learner, attempt=attempt, answers={})
    assert client.get(reverse("training:attempt_review", args=[attempt.pk])).status_code == 404


def test_exam_page_explains_why_no_attempt_can_start(client):
    exam = make_exam(single=1, max_attempts=1)
    learner = UserFactory.create()
    attempt_submit(actor=learner, attempt=attempt_start(actor=learner, exam=exam), answers={})
    client.force_login(learner)
    html = client.get(reverse("training:exam_detail", args=[exam.pk])).content.decode()
    assert 'id="start-refused"' in html and 'id="start-attempt"' not in html


def test_full_flow_through_the_views(client):
    exam = make_exam(single=2)
    learner = UserFactory.create()
    client.force_login(learner)
    assert 'id="start-attempt"' in client.get(reverse("training:exam_detail", args=[exam.pk])).content.decode()
    response = client.post(reverse("training:exam_start", args=[exam.pk]))
    attempt = Attempt.objects.get(exam=exam, user=learner)
    assert response["Location"] == reverse("training:attempt_detail", args=[attempt.pk])
    answers = correct_answers(attempt)
    data: dict[str, object] = {"action": "submit", "shown": list(answers)}
    for answer_id, choice_ids in answers.items():
        data[f"q-{answer_id}"] = choice_ids
    response = client.post(reverse("training:attempt_answer", args=[attempt.pk]), data)
    assert response["Location"] == reverse("training:attempt_review", args=[attempt.pk])
    attempt.refresh_from_db()
    assert attempt.state == Attempt.State.PASSED
    assert attempt.submitted_at is not None and attempt.submitted_at <= timezone.now()


def test_the_learner_is_notified_when_grading_completes(django_capture_on_commit_callbacks):
    from intranet.notifications.models import Notification

    exam = make_exam(single=1, free_text=1, title="Moderation exam")
    learner = UserFactory.create()
    attempt = attempt_start(actor=learner, exam=exam)
    attempt_submit(actor=learner, attempt=attempt, answers=correct_answers(attempt))
    answer = AttemptAnswer.objects.get(attempt=attempt, question__kind="free_text")
    with django_capture_on_commit_callbacks(execute=True):
        answer_grade(actor=make_grader(), answer=answer, points=1)
    note = Notification.objects.get(recipient=learner, kind="training.exam_graded")
    assert note.params == {"exam": "Moderation exam", "result": "passed"}
