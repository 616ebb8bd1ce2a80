"""In-app authoring of question banks and exams: permission matrix without side effects on
denial, validation messages, exactly one audit row per action."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

from intranet.core.models import AuditEntry
from tests.support.forms import with_key
from tests.training.authoring_helpers import exam_data, question_data
from tests.training.conftest import ROLES, make_user, viewer_of
from tests.training.qualification_helpers import make_exam
from training.exams.permissions import can_edit_exam, editable_exams
from training.exams.services import attempt_start
from training.models import (
    Attempt,
    Choice,
    Exam,
    ExamTopicRule,
    Question,
    QuestionBank,
    Topic,
)

pytestmark = pytest.mark.django_db


def _d(value: Any) -> dict[str, Any]:
    assert isinstance(value, dict)
    return value


def exam_snapshot() -> dict[str, Any]:
    return {
        "banks": list(QuestionBank.objects.order_by("pk").values()),
        "topics": list(Topic.objects.order_by("pk").values()),
        "questions": list(Question.objects.order_by("pk").values()),
        "choices": list(Choice.objects.order_by("pk").values()),
        "exams": list(Exam.objects.order_by("pk").values()),
        "rules": list(ExamTopicRule.objects.order_by("pk").values()),
        "audit": AuditEntry.objects.count(),
    }


@pytest.fixture
def world(steps, session) -> dict[str, Any]:
    exam = make_exam(single=3, step=steps["exam"])
    topic = exam.rules.get().topic
    return {"exam": exam, "topic": topic, "bank": topic.bank, "question": topic.questions.first(), "steps": steps}


def _action(name: str, w: dict[str, Any]) -> tuple[str, str, dict[str, Any] | None]:
    bank, topic, question, exam = w["bank"], w["topic"], w["question"], w["exam"]
    return {
        "bank_list": ("get", reverse("training:authoring_bank_list"), None),
        "bank_detail": ("get", reverse("training:authoring_bank", args=[bank.pk]), None),
        "bank_create": ("post", reverse("training:authoring_bank_create"), with_key(title="New bank", description="")),
        "bank_edit": ("post", reverse("training:authoring_bank_edit", args=[bank.pk]), {"title": "Renamed"}),
        "topic_create": ("post", reverse("training:authoring_topic_create", args=[bank.pk]), with_key(name="Health")),
        "question_create": (
            "post",
            reverse("training:authoring_question_create", args=[topic.pk]),
            question_data(),
        ),
        "question_edit": (
            "post",
            reverse("training:authoring_question_edit", args=[topic.pk, question.pk]),
            question_data(text="Changed", existing=question),
        ),
        "question_delete": ("post", reverse("training:authoring_question_delete", args=[question.pk]), {}),
        "exam_list": ("get", reverse("training:authoring_exam_list"), None),
        "exam_create": ("post", reverse("training:authoring_exam_create"), exam_data(rules=[(topic.pk, 2)])),
        "exam_edit": (
            "post",
            reverse("training:authoring_exam_edit", args=[exam.pk]),
            exam_data(title="Renamed exam", step_id=exam.step_id, rules=[(topic.pk, 2)], existing=exam),
        ),
    }[name]


ACTIONS = [
    "bank_list",
    "bank_detail",
    "bank_create",
    "bank_edit",
    "topic_create",
    "question_create",
    "question_edit",
    "question_delete",
    "exam_list",
    "exam_create",
    "exam_edit",
]

#: Status per role for denied actions; allowed ones answer 200 (GET) or redirect (POST).
ALLOWED = {
    "coordinator": set(ACTIONS),
    "trainer": {"exam_list", "exam_edit"},
    "scoped_coordinator": set(),
    "learner": set(),
    "anonymous": set(),
}


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("action", ACTIONS)
def test_permission_matrix(client, world, session, role, action):
    user = make_user(role, session)
    if user is not None:
        client.force_login(user)
    method, url, data = _action(action, world)
    before = exam_snapshot()
    response = client.get(url) if method == "get" else client.post(url, data)
    if role == "anonymous":
        assert response.status_code == 302 and "/login" in response["Location"]
        assert exam_snapshot() == before
    elif action in ALLOWED[role]:
        if method == "get":
            assert response.status_code == 200
        else:
            assert response.status_code == 302, getattr(response, "context", {}) and response.context.get("form")
            assert AuditEntry.objects.count() == before["audit"] + 1
    else:
        assert response.status_code == (404 if action == "exam_edit" else 403)
        assert exam_snapshot() == before


@pytest.mark.parametrize("role", ROLES)
def test_can_edit_exam_matches_editable_exams(world, session, role):
    other = make_exam(single=1, title="Unlinked")
    viewer = viewer_of(make_user(role, session))
    for exam in (world["exam"], other):
        exam = Exam.objects.select_related("step").get(pk=exam.pk)
        assert can_edit_exam(viewer, exam) == editable_exams(viewer).filter(pk=exam.pk).exists()


def test_trainer_cannot_unlink_or_move_an_exam_out_of_their_programme(client, world, session):
    trainer = make_user("trainer", session)
    client.force_login(trainer)
    exam = world["exam"]
    url = reverse("training:authoring_exam_edit", args=[exam.pk])
    before = exam_snapshot()
    response = client.post(url, exam_data(step_id=None, rules=[(world["topic"].pk, 1)], existing=exam))
    assert response.status_code == 200
    assert "step" in response.context["form"].errors
    assert exam_snapshot() == before


def test_bank_create_and_edit_audit_before_and_after(client, coordinator):
    client.force_login(coordinator)
    response = client.post(reverse("training:authoring_bank_create"), with_key(title="Basics", description="d"))
    bank = QuestionBank.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("training:authoring_bank", args=[bank.pk])
    entry = AuditEntry.objects.get()
    assert entry.action == "training.bank_created" and entry.before is None and _d(entry.after)["title"] == "Basics"
    client.post(reverse("training:authoring_bank_edit", args=[bank.pk]), {"title": "Advanced", "description": ""})
    entry = AuditEntry.objects.latest("pk")
    assert AuditEntry.objects.count() == 2
    assert _d(entry.before)["title"] == "Basics" and _d(entry.after)["title"] == "Advanced"


def test_question_with_choices_is_created_and_edited_in_place(client, coordinator, world):
    client.force_login(coordinator)
    topic = world["topic"]
    response = client.post(
        reverse("training:authoring_question_create", args=[topic.pk]),
        question_data(kind=Question.Kind.MULTIPLE, choices=[("A", True), ("B", True), ("C", False)]),
    )
    assert response.status_code == 302
    question = Question.objects.latest("pk")
    assert question.kind == Question.Kind.MULTIPLE
    assert [(c.text, c.is_correct) for c in question.choices.all()] == [("A", True), ("B", True), ("C", False)]
    ids = [c.pk for c in question.choices.all()]
    assert AuditEntry.objects.filter(action="training.question_created").count() == 1
    response = client.post(
        reverse("training:authoring_question_edit", args=[topic.pk, question.pk]),
        question_data(
            kind=Question.Kind.SINGLE, choices=[("A", True), ("B2", False)], existing=question, text="Edited"
        ),
    )
    assert response.status_code == 302
    question.refresh_from_db()
    kept = list(question.choices.all())
    assert [c.pk for c in kept] == ids[:2]  # updated in place, the third removed
    assert [(c.text, c.is_correct) for c in kept] == [("A", True), ("B2", False)]
    entry = AuditEntry.objects.get(action="training.question_updated")
    assert len(_d(entry.before)["choices"]) == 3 and len(_d(entry.after)["choices"]) == 2
    assert _d(entry.after)["text"] == "Edited"
    assert AuditEntry.objects.count() == 2


@pytest.mark.parametrize(
    ("kind", "choices", "message"),
    [
        (Question.Kind.SINGLE, [("A", True), ("B", True)], "needs exactly one correct answer"),
        (Question.Kind.SINGLE, [("A", False), ("B", False)], "needs exactly one correct answer"),
        (Question.Kind.MULTIPLE, [("A", False), ("B", False)], "needs at least one correct answer"),
        (Question.Kind.SINGLE, [("A", True)], "needs at least two answers"),
        (Question.Kind.FREE_TEXT, [("A", True)], "has no answer choices"),
    ],
)
def test_question_validation_messages_and_nothing_saved(client, coordinator, world, kind, choices, message):
    client.force_login(coordinator)
    before = exam_snapshot()
    response = client.post(
        reverse("training:authoring_question_create", args=[world["topic"].pk]),
        question_data(kind=kind, choices=choices),
    )
    assert response.status_code == 200
    assert message in response.content.decode()
    assert exam_snapshot() == before


def test_free_text_question_saves_without_choices(client, coordinator, world):
    client.force_login(coordinator)
    response = client.post(
        reverse("training:authoring_question_create", args=[world["topic"].pk]),
        question_data(kind=Question.Kind.FREE_TEXT, choices=[]),
    )
    assert response.status_code == 302
    question = Question.objects.latest("pk")
    assert question.is_free_text and not question.choices.exists()


def test_delete_unused_question_and_retire_used_one(client, coordinator, world, learner):
    client.force_login(coordinator)
    unused = Question.objects.create(topic=world["topic"], text="Unused", kind=Question.Kind.FREE_TEXT)
    client.post(reverse("training:authoring_question_delete", args=[unused.pk]))
    assert not Question.objects.filter(pk=unused.pk).exists()
    assert AuditEntry.objects.filter(action="training.question_deleted").count() == 1
    attempt = attempt_start(actor=learner, exam=world["exam"])
    used = attempt.answers.select_related("question").get(position=1).question
    client.post(reverse("training:authoring_question_delete", args=[used.pk]))
    used.refresh_from_db()
    assert used.is_active is False
    assert Attempt.objects.filter(pk=attempt.pk).exists()
    assert AuditEntry.objects.filter(action="training.question_retired").count() == 1
    assert AuditEntry.objects.count() == 2


def test_exam_create_with_rules_and_audit(client, coordinator, world):
    client.force_login(coordinator)
    topic = world["topic"]
    response = client.post(
        reverse("training:authoring_exam_create"),
        exam_data(title="Second exam", rules=[(topic.pk, 3)], pass_mark_percent=80),
    )
    exam = Exam.objects.get(title="Second exam")
    assert response.status_code == 302
    assert exam.pass_mark_percent == 80 and exam.step is None
    assert list(exam.rules.values_list("topic_id", "count")) == [(topic.pk, 3)]
    entry = AuditEntry.objects.get()
    assert entry.action == "training.exam_created" and _d(entry.after)["rules"] == [[topic.pk, 3]]


def test_exam_edit_links_a_step_and_changes_rules(client, coordinator, world):
    client.force_login(coordinator)
    exam = make_exam(single=2, title="Free exam")
    topic = exam.rules.get().topic
    step = world["steps"]["exam"]
    step_exam = world["exam"]
    step_exam.step = None
    step_exam.save()
    response = client.post(
        reverse("training:authoring_exam_edit", args=[exam.pk]),
        exam_data(title="Linked exam", step_id=step.pk, rules=[(topic.pk, 1)], existing=exam),
    )
    assert response.status_code == 302
    exam.refresh_from_db()
    assert exam.step_id == step.pk and exam.title == "Linked exam"
    assert list(exam.rules.values_list("count", flat=True)) == [1]
    entry = AuditEntry.objects.get()
    assert _d(entry.before)["rules"] == [[topic.pk, 2]] and _d(entry.after)["rules"] == [[topic.pk, 1]]
    assert _d(entry.before)["step"] is None and _d(entry.after)["step"] == step.pk


@pytest.mark.parametrize(
    ("fields", "rules", "message"),
    [
        ({}, [(None, 4)], "has only 3 questions in use"),
        ({}, [(None, 1), (None, 1)], "Please correct the duplicate data"),
        ({}, [(None, 0)], "Draw at least one question"),
        ({"pass_mark_percent": 120}, [(None, 1)], "between 0 and 100"),
        ({"time_limit_minutes": 0}, [(None, 1)], "at least one minute"),
        ({"max_attempts": 0}, [(None, 1)], "at least one attempt"),
    ],
)
def test_exam_validation_messages_and_nothing_saved(client, coordinator, world, fields, rules, message):
    client.force_login(coordinator)
    topic = world["topic"]
    before = exam_snapshot()
    response = client.post(
        reverse("training:authoring_exam_create"),
        exam_data(rules=[(topic.pk, n) for _t, n in rules], **fields),
    )
    assert response.status_code == 200
    assert message in response.content.decode()
    assert exam_snapshot() == before


def test_retired_questions_do_not_count_for_draw_rules(client, coordinator, world):
    client.force_login(coordinator)
    topic = world["topic"]
    Question.objects.filter(topic=topic).exclude(pk=world["question"].pk).update(is_active=False)
    response = client.post(reverse("training:authoring_exam_create"), exam_data(rules=[(topic.pk, 2)]))
    assert response.status_code == 200
    assert "has only 1 question in use" in response.content.decode()


def test_topic_of_another_bank_is_missing(client, coordinator, world):
    client.force_login(coordinator)
    other = QuestionBank.objects.create(title="Other")
    url = reverse("training:authoring_topic_edit", args=[other.pk, world["topic"].pk])
    assert client.get(url).status_code == 404
    other_topic = Topic.objects.create(bank=other, name="x")
    url = reverse("training:authoring_question_edit", args=[other_topic.pk, world["question"].pk])
    assert client.get(url).status_code == 404


def test_pages_render_for_a_coordinator(client, coordinator, world):
    client.force_login(coordinator)
    for url in (
        reverse("training:authoring_bank_list"),
        reverse("training:authoring_bank", args=[world["bank"].pk]),
        reverse("training:authoring_bank_create"),
        reverse("training:authoring_topic_create", args=[world["bank"].pk]),
        reverse("training:authoring_question_create", args=[world["topic"].pk]),
        reverse("training:authoring_question_edit", args=[world["topic"].pk, world["question"].pk]),
        reverse("training:authoring_exam_list"),
        reverse("training:authoring_exam_create"),
        reverse("training:authoring_exam_edit", args=[world["exam"].pk]),
    ):
        response = client.get(url)
        assert response.status_code == 200, url
    assert AuditEntry.objects.count() == 0


def test_qualification_nav_links_authoring_for_graders_only(client, coordinator, learner):
    client.force_login(learner)
    assert reverse("training:authoring_exam_list") not in client.get(reverse("training:exam_list")).content.decode()
    client.force_login(coordinator)
    assert reverse("training:authoring_exam_list") in client.get(reverse("training:exam_list")).content.decode()


def test_demo_seeds_the_circle_plan_and_an_exam_once(client, learner, steps):
    from training import demo
    from training.models import CirclePlan

    demo.seed_qualification()
    demo.seed_qualification()
    assert CirclePlan.objects.count() == 1
    exam = Exam.objects.get()
    assert exam.step_id == steps["exam"].pk
    assert exam.rules.count() == 2
    client.force_login(learner)
    page = client.get(reverse("training:circle_create")).content.decode()
    assert 'id="no-plans"' not in page and CirclePlan.objects.get().title in page
    attempt = attempt_start(actor=learner, exam=exam)
    assert attempt.answers.count() == 4
