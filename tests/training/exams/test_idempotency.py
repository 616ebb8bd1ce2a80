"""The authoring forms that create (bank, topic, question, exam) sent twice create one of each;
their edit forms need no key."""

from __future__ import annotations

import pytest
from django.urls import reverse

from tests.support.forms import with_key
from tests.training.authoring_helpers import exam_data, question_data
from tests.training.qualification_helpers import make_exam
from training.models import Exam, Question, QuestionBank, Topic

pytestmark = pytest.mark.django_db


def _twice(client, url: str, data: dict) -> set[str]:
    answers = [client.post(url, data) for _ in range(2)]
    assert [a.status_code for a in answers] == [302, 302], answers[0].content[:500]
    return {a["Location"] for a in answers}


def test_authoring_create_forms_sent_twice_create_one_each(client, coordinator):
    client.force_login(coordinator)
    exam = make_exam(single=3)
    topic = exam.rules.get().topic
    banks, topics, questions, exams = (
        QuestionBank.objects.count(),
        Topic.objects.count(),
        Question.objects.count(),
        Exam.objects.count(),
    )
    _twice(client, reverse("training:authoring_bank_create"), with_key(title="Basics", description=""))
    assert QuestionBank.objects.count() == banks + 1
    _twice(client, reverse("training:authoring_topic_create", args=[topic.bank_id]), with_key(name="Health"))
    assert Topic.objects.count() == topics + 1
    _twice(client, reverse("training:authoring_question_create", args=[topic.pk]), question_data())
    assert Question.objects.count() == questions + 1
    [location] = _twice(client, reverse("training:authoring_exam_create"), exam_data(rules=[(topic.pk, 2)]))
    created = Exam.objects.get(title="Moderation exam")
    assert Exam.objects.count() == exams + 1
    assert location == reverse("training:authoring_exam_edit", args=[created.pk])


def test_authoring_edit_forms_need_no_key(client, coordinator):
    client.force_login(coordinator)
    exam = make_exam(single=3)
    bank = exam.rules.get().topic.bank
    response = client.post(reverse("training:authoring_bank_edit", args=[bank.pk]), {"title": "Renamed"})
    assert response.status_code == 302
    bank.refresh_from_db()
    assert bank.title == "Renamed"
