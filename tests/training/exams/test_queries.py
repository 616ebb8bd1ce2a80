"""Pinned query counts of the exam pages, and proof they do not grow with rows."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from tests.support.queries import assert_constant_queries
from tests.training.qualification_helpers import correct_answers, make_exam, make_grader
from training.exams.services import attempt_start, attempt_submit
from training.models import AttemptAnswer, Exam

pytestmark = pytest.mark.django_db


@pytest.fixture
def learner_client(client, learner):
    client.force_login(learner)
    return client


def test_exam_list_queries(learner_client, learner):
    def add_rows(n):
        for _ in range(n):
            exam = make_exam(single=1)
            attempt_start(actor=learner, exam=exam)

    def action():
        assert learner_client.get(reverse("training:exam_list")).status_code == 200

    # session, user, coordinator permissions, training permissions, trainer map, the page of exams
    assert_constant_queries(add_rows=add_rows, action=action, expected=EXPECTED["exam_list"])


def test_exam_detail_queries(learner_client, learner):
    exam = make_exam(single=1, max_attempts=20, wait_hours=0)

    def add_rows(n):
        for _ in range(n):
            attempt_submit(actor=learner, attempt=attempt_start(actor=learner, exam=exam), answers={})

    def action():
        assert learner_client.get(reverse("training:exam_detail", args=[exam.pk])).status_code == 200

    assert_constant_queries(add_rows=add_rows, action=action, expected=EXPECTED["exam_detail"])


def test_attempt_page_queries_do_not_grow_with_questions(learner_client, learner):
    exams: list[Exam] = []

    def add_rows(n):
        exams.append(make_exam(single=len(exams) * 3 + n, free_text=1))

    def action():
        attempt = attempt_start(actor=learner, exam=exams[-1])
        response = learner_client.get(reverse("training:attempt_detail", args=[attempt.pk]))
        assert response.status_code == 200

    # attempt_start runs inside action too; count only the page below.
    add_rows(1)
    attempt_small = attempt_start(actor=learner, exam=exams[-1])
    url_small = reverse("training:attempt_detail", args=[attempt_small.pk])
    learner_client.get(url_small)
    from tests.support.queries import count_queries

    n_small, _q, _r = count_queries(lambda: learner_client.get(url_small))
    add_rows(6)
    attempt_large = attempt_start(actor=learner, exam=exams[-1])
    url_large = reverse("training:attempt_detail", args=[attempt_large.pk])
    n_large, q_large, _r = count_queries(lambda: learner_client.get(url_large))
    assert AttemptAnswer.objects.filter(attempt=attempt_large).count() > 5
    assert (n_small, n_large) == (EXPECTED["attempt"], EXPECTED["attempt"]), [q["sql"][:90] for q in q_large]


def test_review_and_grading_queue_queries(client, learner):
    grader = make_grader()
    attempts = []

    def add_rows(n):
        for _ in range(n):
            exam = make_exam(single=2, free_text=2)
            attempt = attempt_start(actor=learner, exam=exam)
            attempts.append(attempt_submit(actor=learner, attempt=attempt, answers=correct_answers(attempt)))

    grader_client = Client()
    grader_client.force_login(grader)
    client.force_login(learner)

    def queue():
        assert grader_client.get(reverse("training:grading_queue")).status_code == 200

    assert_constant_queries(add_rows=add_rows, action=queue, expected=EXPECTED["grading_queue"] + 0)

    def review():
        assert client.get(reverse("training:attempt_review", args=[attempts[-1].pk])).status_code == 200

    small = make_exam(single=1)
    attempt = attempt_start(actor=learner, exam=small)
    attempts.append(attempt_submit(actor=learner, attempt=attempt, answers={}))
    review()
    from tests.support.queries import count_queries

    n_small, _q, _r = count_queries(review)
    add_rows(1)  # an attempt with four questions
    n_large, q_large, _r = count_queries(review)
    assert (n_small, n_large) == (EXPECTED["review"], EXPECTED["review"]), [q["sql"][:90] for q in q_large]


#: Pinned counts (the session and user lookups of every signed-in request are included).
EXPECTED = {
    "exam_list": 5,
    "exam_detail": 4,
    "attempt": 4,
    "grading_queue": 4,
    "review": 5,
}
