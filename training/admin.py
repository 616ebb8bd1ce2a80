"""Django admin for authoring exams, levels and circle plans (coordinators with admin access).

Saving a level goes through :func:`training.levels.services.level_save` (audit row, rights groups).
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from .levels.services import level_save
from .models import Choice, CirclePlan, CircleWeek, Exam, ExamTopicRule, Level, Question, QuestionBank, Topic


class TopicInline(admin.TabularInline):  # type: ignore[type-arg]
    model = Topic
    extra = 1


@admin.register(QuestionBank)
class QuestionBankAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ("title", "created_at")
    inlines = [TopicInline]


class ChoiceInline(admin.TabularInline):  # type: ignore[type-arg]
    model = Choice
    extra = 3


@admin.register(Question)
class QuestionAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ("text", "topic", "kind", "points", "is_active")
    list_filter = ("kind", "is_active", "topic__bank")
    search_fields = ("text",)
    inlines = [ChoiceInline]


class ExamTopicRuleInline(admin.TabularInline):  # type: ignore[type-arg]
    model = ExamTopicRule
    extra = 1


@admin.register(Exam)
class ExamAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ("title", "time_limit_minutes", "pass_mark_percent", "max_attempts", "wait_hours", "is_published")
    raw_id_fields = ("step",)
    inlines = [ExamTopicRuleInline]


@admin.register(Level)
class LevelAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ("rank", "name", "min_manager_months", "evidence")
    filter_horizontal = ("required_programmes",)

    def save_model(self, request: HttpRequest, obj: Level, form: Any, change: bool) -> None:
        # Through the service: the same permission check, audit row and rights-group sync.
        level_save(actor=request.user, level=obj)  # type: ignore[arg-type]


class CircleWeekInline(admin.StackedInline):  # type: ignore[type-arg]
    model = CircleWeek
    extra = 1


@admin.register(CirclePlan)
class CirclePlanAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ("title", "created_at")
    inlines = [CircleWeekInline]
