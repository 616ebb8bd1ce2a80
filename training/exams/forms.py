"""Forms of the in-app authoring of question banks, questions and exams."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import Count, Q
from django.forms import BaseInlineFormSet, inlineformset_factory
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from intranet.core.forms import BootstrapMixin
from intranet.core.idempotency import IdempotentFormMixin
from training.programmes.models import Step

from .models import Choice, Exam, ExamTopicRule, Question, QuestionBank, Topic
from .services import ChoiceData, RuleData


class BankForm(IdempotentFormMixin, BootstrapMixin, forms.ModelForm):
    class Meta:
        model = QuestionBank
        fields = ["title", "description"]
        widgets = {"description": forms.Textarea(attrs={"rows": 3})}


class TopicForm(IdempotentFormMixin, BootstrapMixin, forms.ModelForm):
    class Meta:
        model = Topic
        fields = ["name"]


class QuestionForm(IdempotentFormMixin, BootstrapMixin, forms.ModelForm):
    class Meta:
        model = Question
        fields = ["kind", "text", "points", "model_answer", "is_active"]
        widgets = {"text": forms.Textarea(attrs={"rows": 3}), "model_answer": forms.Textarea(attrs={"rows": 3})}

    def clean_points(self) -> int:
        points: int = self.cleaned_data["points"]
        if points < 1:
            raise forms.ValidationError(_("A question is worth at least one point."))
        return points


class BaseChoiceFormSet(BaseInlineFormSet):
    """Answer choices of a question; ``kind`` (set by the view) decides what is valid."""

    kind: str = Question.Kind.SINGLE

    def clean(self) -> None:
        super().clean()
        if any(form.errors for form in self.forms):
            return
        kept = [
            form.cleaned_data
            for form in self.forms
            if form.cleaned_data and not form.cleaned_data.get("DELETE") and form.cleaned_data.get("text")
        ]
        correct = sum(1 for data in kept if data.get("is_correct"))
        if self.kind == Question.Kind.FREE_TEXT:
            if kept:
                raise forms.ValidationError(
                    _("A free-text question has no answer choices: remove them or choose another kind.")
                )
            return
        if len(kept) < 2:
            raise forms.ValidationError(_("A choice question needs at least two answers."))
        if self.kind == Question.Kind.SINGLE and correct != 1:
            raise forms.ValidationError(_("A single-choice question needs exactly one correct answer."))
        if self.kind == Question.Kind.MULTIPLE and correct < 1:
            raise forms.ValidationError(_("A multiple-choice question needs at least one correct answer."))

    def choice_data(self) -> list[ChoiceData]:
        """The valid formset as data for :func:`training.exams.services.question_save`."""
        items: list[ChoiceData] = []
        for form in self.forms:
            data = form.cleaned_data
            if not data or not form.has_changed() or (form.instance.pk is None and data.get("DELETE")):
                continue
            items.append(
                ChoiceData(
                    id=form.instance.pk,
                    text=data.get("text") or "",
                    is_correct=bool(data.get("is_correct")),
                    position=data.get("position") or 0,
                    delete=bool(data.get("DELETE")),
                )
            )
        return items


class ChoiceForm(BootstrapMixin, forms.ModelForm):
    class Meta:
        model = Choice
        fields = ["text", "is_correct", "position"]


ChoiceFormSet = inlineformset_factory(
    Question,
    Choice,
    form=ChoiceForm,
    formset=BaseChoiceFormSet,
    fields=["text", "is_correct", "position"],
    extra=3,
    can_delete=True,
    max_num=12,
    validate_max=True,
)


class StepChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.programme.title}: {obj.title}"


class ExamForm(IdempotentFormMixin, BootstrapMixin, forms.ModelForm):
    step = StepChoiceField(queryset=Step.objects.none(), required=False, label=_("Programme step"))

    class Meta:
        model = Exam
        fields = [
            "title",
            "description",
            "step",
            "time_limit_minutes",
            "pass_mark_percent",
            "max_attempts",
            "wait_hours",
            "is_published",
        ]
        widgets = {"description": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args: Any, steps: Any = None, require_step: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["step"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = steps if steps is not None else Step.objects.none()
        field.required = require_step

    def clean_time_limit_minutes(self) -> int:
        value: int = self.cleaned_data["time_limit_minutes"]
        if value < 1:
            raise forms.ValidationError(_("The time limit is at least one minute."))
        return value

    def clean_pass_mark_percent(self) -> int:
        value: int = self.cleaned_data["pass_mark_percent"]
        if value > 100:
            raise forms.ValidationError(_("The pass mark is a percentage between 0 and 100."))
        return value

    def clean_max_attempts(self) -> int:
        value: int = self.cleaned_data["max_attempts"]
        if value < 1:
            raise forms.ValidationError(_("Allow at least one attempt."))
        return value


class TopicChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.bank.title}: {obj.name}"


class RuleForm(BootstrapMixin, forms.ModelForm):
    topic = TopicChoiceField(
        queryset=Topic.objects.select_related("bank").order_by("bank__title", "name", "id"), label=_("Topic")
    )

    class Meta:
        model = ExamTopicRule
        fields = ["topic", "count"]


class BaseRuleFormSet(BaseInlineFormSet):
    """Per-topic draw rules: each topic once, never more questions than the topic has in use."""

    def clean(self) -> None:
        super().clean()
        if any(form.errors for form in self.forms):
            return
        rules = [
            form
            for form in self.forms
            if form.cleaned_data and not form.cleaned_data.get("DELETE") and form.cleaned_data.get("topic")
        ]
        topic_ids = [form.cleaned_data["topic"].pk for form in rules]  # each once: validate_unique
        available = dict(
            Topic.objects.filter(pk__in=topic_ids)
            .annotate(n=Count("questions", filter=Q(questions__is_active=True)))
            .values_list("pk", "n")
        )
        for form in rules:
            topic = form.cleaned_data["topic"]
            count = form.cleaned_data.get("count") or 0
            have = available.get(topic.pk, 0)
            if count < 1:
                form.add_error("count", _("Draw at least one question."))
            elif count > have:
                form.add_error(
                    "count",
                    ngettext(
                        "The topic “%(topic)s” has only %(n)d question in use.",
                        "The topic “%(topic)s” has only %(n)d questions in use.",
                        have,
                    )
                    % {"topic": topic.name, "n": have},
                )

    def rule_data(self) -> list[RuleData]:
        """The valid formset as data for :func:`training.exams.services.exam_save`."""
        items: list[RuleData] = []
        for form in self.forms:
            data = form.cleaned_data
            if not data or not form.has_changed() or (form.instance.pk is None and data.get("DELETE")):
                continue
            if data.get("DELETE"):
                items.append(RuleData(id=form.instance.pk, topic_id=0, count=0, delete=True))
                continue
            if not data.get("topic"):
                continue
            items.append(
                RuleData(
                    id=form.instance.pk,
                    topic_id=data["topic"].pk,
                    count=data.get("count") or 0,
                    delete=bool(data.get("DELETE")),
                )
            )
        return items


RuleFormSet = inlineformset_factory(
    Exam,
    ExamTopicRule,
    form=RuleForm,
    formset=BaseRuleFormSet,
    fields=["topic", "count"],
    extra=2,
    can_delete=True,
)
