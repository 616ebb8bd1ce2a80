"""Coordinator tools in the app: question banks, topics, questions with their answer choices, and
exams with their per-topic draw rules (/training/manage/banks/ and /training/manage/exams/).

The views validate the forms and hand the cleaned data to the authoring services.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from intranet.core.idempotency import FIELD
from intranet.core.viewer import Viewer
from intranet.core.web import viewer_of as _viewer

from .. import selectors as sel
from ..forms import (
    BankForm,
    BaseChoiceFormSet,
    BaseRuleFormSet,
    ChoiceFormSet,
    ExamForm,
    QuestionForm,
    RuleFormSet,
    TopicForm,
)
from ..models import Choice, Exam, ExamTopicRule, Question, QuestionBank, Topic
from ..permissions import can_author_banks, can_create_exam, can_open_exam_authoring, is_exam_admin, linkable_steps
from ..services import bank_save, exam_save, question_delete, question_save, topic_save


def _require_bank_author(viewer: Viewer) -> None:
    if not can_author_banks(viewer):
        raise PermissionDenied


# Question banks ---------------------------------------------------------------------------------


@login_required
@require_GET
def bank_list(request: HttpRequest) -> HttpResponse:
    viewer = _viewer(request)
    _require_bank_author(viewer)
    banks = sel.bank_list_for_authoring()
    return render(request, "training/exams/authoring_bank_list.html", {"banks": banks, "section": "authoring"})


@login_required
@require_http_methods(["GET", "POST"])
def bank_edit(request: HttpRequest, bank_id: int | None = None) -> HttpResponse:
    viewer = _viewer(request)
    _require_bank_author(viewer)
    existing = sel.bank_get(bank_id) if bank_id is not None else None
    bank = existing or QuestionBank()
    form = BankForm(request.POST or None, instance=bank, idempotent=existing is None)
    if request.method == "POST" and form.is_valid():
        saved = bank_save(
            viewer=viewer, bank=existing, data=form.cleaned_data, idempotency_key=form.cleaned_data.get(FIELD)
        )
        messages.success(request, _("The question bank was saved."))
        return redirect("training:authoring_bank", bank_id=saved.pk)
    return render(request, "training/exams/authoring_bank_form.html", {"form": form, "bank": bank})


@login_required
@require_GET
def bank_detail(request: HttpRequest, bank_id: int) -> HttpResponse:
    """The bank with its topics and every question (choices counted, not loaded): three queries."""
    viewer = _viewer(request)
    _require_bank_author(viewer)
    bank = sel.bank_get(bank_id)
    topics = sel.bank_topics_for_authoring(bank)
    return render(
        request, "training/exams/authoring_bank_detail.html", {"bank": bank, "topics": topics, "section": "authoring"}
    )


@login_required
@require_http_methods(["GET", "POST"])
def topic_edit(request: HttpRequest, bank_id: int, topic_id: int | None = None) -> HttpResponse:
    viewer = _viewer(request)
    _require_bank_author(viewer)
    bank = sel.bank_get(bank_id)
    existing = sel.topic_get(topic_id, bank=bank) if topic_id is not None else None
    topic = existing or Topic(bank=bank)
    form = TopicForm(request.POST or None, instance=topic, idempotent=existing is None)
    if request.method == "POST" and form.is_valid():
        topic_save(
            viewer=viewer,
            bank=bank,
            topic=existing,
            name=form.cleaned_data["name"],
            idempotency_key=form.cleaned_data.get(FIELD),
        )
        messages.success(request, _("The topic was saved."))
        return redirect("training:authoring_bank", bank_id=bank.pk)
    return render(request, "training/exams/authoring_topic_form.html", {"form": form, "bank": bank, "topic": topic})


# Questions ----------------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def question_edit(request: HttpRequest, topic_id: int, question_id: int | None = None) -> HttpResponse:
    viewer = _viewer(request)
    _require_bank_author(viewer)
    topic = sel.topic_get(topic_id)
    existing = sel.question_get(question_id, topic=topic) if question_id is not None else None
    question = existing or Question(topic=topic)
    data = request.POST or None
    form = QuestionForm(data, instance=question, idempotent=existing is None)
    choices = ChoiceFormSet(
        data, instance=question, prefix="choices", queryset=Choice.objects.order_by("position", "id")
    )
    assert isinstance(choices, BaseChoiceFormSet)
    if request.method == "POST":
        form_ok = form.is_valid()
        choices.kind = form.cleaned_data.get("kind", question.kind) if form_ok else question.kind
        choices_ok = choices.is_valid()
        if form_ok and choices_ok:
            question_save(
                viewer=viewer,
                topic=topic,
                question=existing,
                data=form.cleaned_data,
                choices=choices.choice_data(),
                idempotency_key=form.cleaned_data.get(FIELD),
            )
            messages.success(request, _("The question was saved."))
            return redirect("training:authoring_bank", bank_id=topic.bank_id)
    return render(
        request,
        "training/exams/authoring_question_form.html",
        {"form": form, "choices": choices, "topic": topic, "bank": topic.bank, "question": question},
    )


@login_required
@require_POST
def question_delete_view(request: HttpRequest, question_id: int) -> HttpResponse:
    viewer = _viewer(request)
    _require_bank_author(viewer)
    question = sel.question_get(question_id)
    bank_id = question.topic.bank_id
    if question_delete(viewer=viewer, question=question):
        messages.success(request, _("The question was deleted."))
    else:
        messages.info(request, _("The question was already used in attempts, so it was taken out of use instead."))
    return redirect("training:authoring_bank", bank_id=bank_id)


# Exams ----------------------------------------------------------------------------------------------


@login_required
@require_GET
def exam_list(request: HttpRequest) -> HttpResponse:
    viewer = _viewer(request)
    if not can_open_exam_authoring(viewer):
        raise PermissionDenied
    exams = sel.exam_list_for_authoring(viewer)
    return render(
        request,
        "training/exams/authoring_exam_list.html",
        {"exams": exams, "can_create": can_create_exam(viewer), "section": "authoring"},
    )


@login_required
@require_http_methods(["GET", "POST"])
def exam_edit(request: HttpRequest, exam_id: int | None = None) -> HttpResponse:
    viewer = _viewer(request)
    existing: Exam | None = None
    if exam_id is None:
        if not can_create_exam(viewer):
            raise PermissionDenied
    else:
        existing = sel.exam_get_for_authoring(viewer, exam_id)
    exam = existing or Exam()
    data = request.POST or None
    form = ExamForm(
        data,
        instance=exam,
        steps=linkable_steps(viewer, exam),
        require_step=not is_exam_admin(viewer),
        idempotent=existing is None,
    )
    rules = RuleFormSet(data, instance=exam, prefix="rules", queryset=ExamTopicRule.objects.order_by("id"))
    assert isinstance(rules, BaseRuleFormSet)
    if request.method == "POST" and all([form.is_valid(), rules.is_valid()]):
        saved = exam_save(
            viewer=viewer,
            exam=existing,
            data=form.cleaned_data,
            rules=rules.rule_data(),
            idempotency_key=form.cleaned_data.get(FIELD),
        )
        messages.success(request, _("The exam was saved."))
        return redirect("training:authoring_exam_edit", exam_id=saved.pk)
    return render(request, "training/exams/authoring_exam_form.html", {"form": form, "rules": rules, "exam": exam})
