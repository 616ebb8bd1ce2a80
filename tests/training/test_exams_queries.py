"""Pinned query counts of the exam, level and circle pages, and proof they do not grow with rows."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from intranet.core.testing import assert_constant_queries
from tests.factories import UserFactory
from tests.training.qualification_helpers import correct_answers, make_exam, make_grader, make_plan
from training.models import AttemptAnswer, CheckIn, Circle, CircleMember, Exam, Level
from training.services_circles import circle_create, circle_join, circle_start
from training.services_exams import attempt_start, attempt_submit
from training.services_levels import level_application_submit, level_set

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
    from intranet.core.testing import count_queries

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
    from intranet.core.testing import count_queries

    n_small, _q, _r = count_queries(review)
    add_rows(1)  # an attempt with four questions
    n_large, q_large, _r = count_queries(review)
    assert (n_small, n_large) == (EXPECTED["review"], EXPECTED["review"]), [q["sql"][:90] for q in q_large]


def test_level_pages_queries(client, coordinator, programme):
    levels: list[Level] = []

    def add_rows(n):
        for _ in range(n):
            level = Level.objects.create(name=f"L{len(levels)}", rank=len(levels) + 1, rights=["mentor_others"])
            level.required_programmes.add(programme)
            levels.append(level)
            person = UserFactory.create()
            level_application_submit(actor=person, level=level, evidence_text="Evidence")
            level_set(actor=coordinator, user=UserFactory.create(), level=level, override=True, reason="test")

    client.force_login(coordinator)

    def level_list():
        assert client.get(reverse("training:level_list")).status_code == 200

    assert_constant_queries(add_rows=add_rows, action=level_list, expected=EXPECTED["level_list"])

    def queue():
        assert client.get(reverse("training:level_application_queue")).status_code == 200

    assert_constant_queries(add_rows=add_rows, action=queue, expected=EXPECTED["level_queue"])


def test_circle_pages_queries(client, learner):
    plan = make_plan(weeks=4)
    circles: list[Circle] = []

    def add_rows(n):
        for _ in range(n):
            circle = circle_create(actor=UserFactory.create(), name=f"C{len(circles)}", plan=plan)
            circles.append(circle)
            if len(circles) == 1:
                circle_join(actor=learner, circle=circle)
                for _i in range(2):
                    circle_join(actor=UserFactory.create(), circle=circle)
                circle_start(actor=learner, circle=circle)

    client.force_login(learner)

    def circle_list():
        assert client.get(reverse("training:circle_list")).status_code == 200

    assert_constant_queries(add_rows=add_rows, action=circle_list, expected=EXPECTED["circle_list"])

    def detail():
        assert client.get(reverse("training:circle_detail", args=[circles[0].pk])).status_code == 200

    def add_checkins(n):
        # More check-ins (and their authors' names) on the first circle.
        members = list(CircleMember.objects.filter(circle=circles[0]).values_list("user_id", flat=True))
        for user_id in members[:n]:
            CheckIn.objects.update_or_create(circle=circles[0], user_id=user_id, week=1, defaults={"text": "Hello"})

    assert_constant_queries(add_rows=add_checkins, action=detail, small=1, large=4, expected=EXPECTED["circle_detail"])


#: Pinned counts (the session and user lookups of every signed-in request are included).
EXPECTED = {
    "exam_list": 5,
    "exam_detail": 4,
    "attempt": 4,
    "grading_queue": 4,
    "review": 5,
    "level_list": 6,
    "level_queue": 3,
    "circle_list": 5,
    "circle_detail": 8,
}


def test_profile_section_does_not_grow_with_certificates_or_level_changes(client, coordinator, learner):
    from tests.training.factories import ProgrammeFactory
    from training.models import Certificate

    person = UserFactory.create()
    client.force_login(learner)
    levels = [Level.objects.create(name=f"P{i}", rank=i + 1) for i in range(8)]
    counter = {"n": 0}

    def add_rows(n):
        for _ in range(n):
            Certificate.objects.create(user=person, programme=ProgrammeFactory.create())
            level_set(actor=coordinator, user=person, level=levels[counter["n"]], override=True, reason="test")
            counter["n"] += 1

    def action():
        response = client.get(reverse("accounts:profile_detail", kwargs={"handle": person.handle}))
        assert response.status_code == 200
        assert f"P{counter['n'] - 1}" in response.content.decode()

    # Signed-in user, person, skills (accounts) + level, level history, certificates (training).
    assert_constant_queries(add_rows=add_rows, action=action, small=1, large=6, expected=6)
