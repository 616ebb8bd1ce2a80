"""Pinned query counts of the authoring pages: they do not grow with questions or choices."""

from __future__ import annotations

import pytest
from django.contrib.contenttypes.models import ContentType
from django.urls import reverse

from tests.training.authoring_helpers import question_data
from tests.training.qualification_helpers import make_exam
from training.models import Choice, Question

pytestmark = pytest.mark.django_db

#: Session, user and messages are part of every signed-in request; later requests reuse them.
BANK_DETAIL = 4
BANK_LIST = 2
QUESTION_EDIT = 4
QUESTION_SAVE = 16
EXAM_EDIT = 7
EXAM_LIST = 2


def _grow(topic, n: int) -> None:
    for i in range(n):
        q = Question.objects.create(topic=topic, text=f"More {i}")
        Choice.objects.bulk_create(Choice(question=q, text=f"c{j}", is_correct=j == 0, position=j) for j in range(4))


@pytest.mark.parametrize("extra", [0, 15])
def test_bank_pages_do_not_grow_with_questions(client, coordinator, django_assert_num_queries, extra):
    exam = make_exam(single=2, multiple=1)
    topic = exam.rules.get().topic
    _grow(topic, extra)
    client.force_login(coordinator)
    with django_assert_num_queries(BANK_DETAIL):
        assert client.get(reverse("training:authoring_bank", args=[topic.bank_id])).status_code == 200
    with django_assert_num_queries(BANK_LIST):
        assert client.get(reverse("training:authoring_bank_list")).status_code == 200


@pytest.mark.parametrize("extra", [0, 15])
def test_question_edit_does_not_grow_with_the_topic(client, coordinator, django_assert_num_queries, extra):
    exam = make_exam(single=2)
    topic = exam.rules.get().topic
    _grow(topic, extra)
    question = topic.questions.order_by("id")[0]
    client.force_login(coordinator)
    url = reverse("training:authoring_question_edit", args=[topic.pk, question.pk])
    with django_assert_num_queries(QUESTION_EDIT):
        assert client.get(url).status_code == 200
    data = question_data(choices=[("Yes", True), ("No", False)], existing=question)
    ContentType.objects.get_for_model(Question)  # the audit row's content type: cached per process
    with django_assert_num_queries(QUESTION_SAVE):
        assert client.post(url, data).status_code == 302


@pytest.mark.parametrize("extra", [0, 15])
def test_exam_pages_do_not_grow_with_questions(client, coordinator, django_assert_num_queries, extra):
    exam = make_exam(single=2)
    _grow(exam.rules.get().topic, extra)
    client.force_login(coordinator)
    with django_assert_num_queries(EXAM_EDIT):
        assert client.get(reverse("training:authoring_exam_edit", args=[exam.pk])).status_code == 200
    with django_assert_num_queries(EXAM_LIST):
        assert client.get(reverse("training:authoring_exam_list")).status_code == 200
