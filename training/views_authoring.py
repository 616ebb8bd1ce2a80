"""Coordinator tools in the app: question banks, topics, questions with their answer choices, and
exams with their per-topic draw rules (/training/manage/banks/ and /training/manage/exams/)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Prefetch, Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from intranet.core.viewer import Viewer
from intranet.core.web import viewer_of as _viewer

from .forms_authoring import BankForm, BaseChoiceFormSet, ChoiceFormSet, ExamForm, QuestionForm, RuleFormSet, TopicForm
from .models import Choice, Exam, ExamTopicRule, Question, QuestionBank, Topic
from .permissions_authoring import (
    can_author_banks,
    can_create_exam,
    can_edit_exam,
    can_open_exam_authoring,
    editable_exams,
    linkable_steps,
)
from .permissions_exams import is_exam_admin
from .services_authoring import bank_save, exam_save, question_delete, question_save, topic_save


def _require_bank_author(viewer: Viewer) -> None:
    if not can_author_banks(viewer):
        raise PermissionDenied


# Question banks ---------------------------------------------------------------------------------


@login_required
@require_GET
def bank_list(request: HttpRequest) -> HttpResponse:
    viewer = _viewer(request)
    _require_bank_author(viewer)
    banks = QuestionBank.objects.annotate(
        topic_count=Count("topics", distinct=True),
        question_count=Count("topics__questions", filter=Q(topics__questions__is_active=True), distinct=True),
    ).order_by("title", "id")
    return render(request, "training/authoring_bank_list.html", {"banks": banks, "section": "authoring"})


@login_required
@require_http_methods(["GET", "POST"])
def bank_edit(request: HttpRequest, bank_id: int | None = None) -> HttpResponse:
    viewer = _viewer(request)
    _require_bank_author(viewer)
    bank = get_object_or_404(QuestionBank, pk=bank_id) if bank_id is not None else QuestionBank()
    form = BankForm(request.POST or None, instance=bank)
    if request.method == "POST" and form.is_valid():
        saved = bank_save(viewer=viewer, form=form)
        messages.success(request, _("The question bank was saved."))
        return redirect("training:authoring_bank", bank_id=saved.pk)
    return render(request, "training/authoring_bank_form.html", {"form": form, "bank": bank})


@login_required
@require_GET
def bank_detail(request: HttpRequest, bank_id: int) -> HttpResponse:
    """The bank with its topics and every question (choices counted, not loaded): three queries."""
    viewer = _viewer(request)
    _require_bank_author(viewer)
    bank = get_object_or_404(QuestionBank, pk=bank_id)
    questions = Question.objects.annotate(
        choice_count=Count("choices"), correct_count=Count("choices", filter=Q(choices__is_correct=True))
    ).order_by("-is_active", "id")
    topics = Topic.objects.filter(bank=bank).prefetch_related(Prefetch("questions", queryset=questions))
    return render(
        request, "training/authoring_bank_detail.html", {"bank": bank, "topics": topics, "section": "authoring"}
    )


@login_required
@require_http_methods(["GET", "POST"])
def topic_edit(request: HttpRequest, bank_id: int, topic_id: int | None = None) -> HttpResponse:
    viewer = _viewer(request)
    _require_bank_author(viewer)
    bank = get_object_or_404(QuestionBank, pk=bank_id)
    topic = Topic(bank=bank)
    if topic_id is not None:
        topic = get_object_or_404(Topic, pk=topic_id, bank=bank)
    form = TopicForm(request.POST or None, instance=topic)
    if request.method == "POST" and form.is_valid():
        topic_save(viewer=viewer, form=form, bank=bank)
        messages.success(request, _("The topic was saved."))
        return redirect("training:authoring_bank", bank_id=bank.pk)
    return render(request, "training/authoring_topic_form.html", {"form": form, "bank": bank, "topic": topic})


# Questions ----------------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def question_edit(request: HttpRequest, topic_id: int, question_id: int | None = None) -> HttpResponse:
    viewer = _viewer(request)
    _require_bank_author(viewer)
    topic = get_object_or_404(Topic.objects.select_related("bank"), pk=topic_id)
    if question_id is None:
        question = Question(topic=topic)
    else:
        found = Question.objects.filter(pk=question_id, topic=topic).first()
        if found is None:
            raise Http404
        question = found
    data = request.POST or None
    form = QuestionForm(data, instance=question)
    choices = ChoiceFormSet(
        data, instance=question, prefix="choices", queryset=Choice.objects.order_by("position", "id")
    )
    assert isinstance(choices, BaseChoiceFormSet)
    if request.method == "POST":
        form_ok = form.is_valid()
        choices.kind = form.cleaned_data.get("kind", question.kind) if form_ok else question.kind
        choices_ok = choices.is_valid()
        if form_ok and choices_ok:
            question_save(viewer=viewer, form=form, choices=choices, topic=topic)
            messages.success(request, _("The question was saved."))
            return redirect("training:authoring_bank", bank_id=topic.bank_id)
    return render(
        request,
        "training/authoring_question_form.html",
        {"form": form, "choices": choices, "topic": topic, "bank": topic.bank, "question": question},
    )


@login_required
@require_POST
def question_delete_view(request: HttpRequest, question_id: int) -> HttpResponse:
    viewer = _viewer(request)
    _require_bank_author(viewer)
    question = get_object_or_404(Question.objects.select_related("topic"), pk=question_id)
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
    exams = (
        editable_exams(viewer)
        .select_related("step__programme")
        .annotate(rule_count=Count("rules", distinct=True), attempt_count=Count("attempts", distinct=True))
        .order_by("title", "id")
    )
    return render(
        request,
        "training/authoring_exam_list.html",
        {"exams": exams, "can_create": can_create_exam(viewer), "section": "authoring"},
    )


@login_required
@require_http_methods(["GET", "POST"])
def exam_edit(request: HttpRequest, exam_id: int | None = None) -> HttpResponse:
    viewer = _viewer(request)
    if exam_id is None:
        if not can_create_exam(viewer):
            raise PermissionDenied
        exam = Exam()
    else:
        found = Exam.objects.select_related("step").filter(pk=exam_id).first()
        if found is None or not can_edit_exam(viewer, found):
            raise Http404
        exam = found
    data = request.POST or None
    form = ExamForm(data, instance=exam, steps=linkable_steps(viewer, exam), require_step=not is_exam_admin(viewer))
    rules = RuleFormSet(data, instance=exam, prefix="rules", queryset=ExamTopicRule.objects.order_by("id"))
    if request.method == "POST" and all([form.is_valid(), rules.is_valid()]):
        saved = exam_save(viewer=viewer, form=form, rules=rules)
        messages.success(request, _("The exam was saved."))
        return redirect("training:authoring_exam_edit", exam_id=saved.pk)
    return render(request, "training/authoring_exam_form.html", {"form": form, "rules": rules, "exam": exam})
