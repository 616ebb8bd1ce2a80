"""Django admin for authoring exams and circle plans (coordinators with admin access).

Career levels are defined in the product (/training/manage/levels/), in both languages and with
rights chosen from the registry; the admin no longer edits them.
"""

from __future__ import annotations

from django.contrib import admin

from .models import Choice, CirclePlan, CircleWeek, Exam, ExamTopicRule, Question, QuestionBank, Topic


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


class CircleWeekInline(admin.StackedInline):  # type: ignore[type-arg]
    model = CircleWeek
    extra = 1


@admin.register(CirclePlan)
class CirclePlanAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ("title", "created_at")
    inlines = [CircleWeekInline]
