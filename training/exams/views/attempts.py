"""Exam screens: list, exam page, taking an attempt, review, and the trainers' grading queue."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from intranet.core.web import viewer_of as _viewer

from .. import selectors as sel
from ..models import Question
from ..permissions import can_grade, can_grade_answer
from ..services import (
    DeadlinePassed,
    ExamError,
    answer_grade,
    attempt_close_if_expired,
    attempt_save_answers,
    attempt_start,
    attempt_submit,
)


@login_required
@require_GET
def exam_list(request: HttpRequest) -> HttpResponse:
    viewer = _viewer(request)
    page = sel.exam_list_for_viewer(viewer, cursor=request.GET.get("cursor"))
    return render(request, "training/exams/exam_list.html", {"page": page, "can_grade": can_grade(viewer)})


@login_required
@require_GET
def exam_detail(request: HttpRequest, exam_id: int) -> HttpResponse:
    viewer = _viewer(request)
    page = sel.exam_page_for_viewer(viewer, exam_id)
    return render(request, "training/exams/exam_detail.html", {"page": page, "exam": page.exam})


@login_required
@require_POST
def exam_start(request: HttpRequest, exam_id: int) -> HttpResponse:
    viewer = _viewer(request)
    exam = sel.exam_get_for_viewer(viewer, exam_id)
    try:
        attempt = attempt_start(actor=viewer, exam=exam)
    except ExamError as exc:
        messages.error(request, str(exc))
        return redirect("training:exam_detail", exam_id=exam.pk)
    return redirect("training:attempt_detail", attempt_id=attempt.pk)


@login_required
@require_GET
def attempt_detail(request: HttpRequest, attempt_id: int) -> HttpResponse:
    """The attempt form while it is open; past the deadline it is closed here and the review shown."""
    viewer = _viewer(request)
    attempt = sel.attempt_get_for_viewer(viewer, attempt_id)
    attempt = attempt_close_if_expired(attempt=attempt)
    if not attempt.is_open or attempt.user_id != viewer.user_id:
        if attempt.closed_by_deadline and attempt.user_id == viewer.user_id:
            messages.warning(
                request, _("The time for this attempt is up. It was submitted with the answers saved in time.")
            )
        return redirect("training:attempt_review", attempt_id=attempt.pk)
    questions = sel.attempt_form_questions(attempt)
    return render(
        request, "training/exams/exam_attempt.html", {"attempt": attempt, "exam": attempt.exam, "questions": questions}
    )


def _posted_answers(request: HttpRequest) -> dict[int, Any]:
    """``{answer id: [choice ids] or text}`` from the attempt form's fields ``q-<answer id>``."""
    answers: dict[int, Any] = {}
    for key in request.POST:
        if not key.startswith("q-"):
            continue
        name = key[2:]
        value: str | list[str]
        if name.endswith("-text"):
            raw_id, value = name[: -len("-text")], request.POST.get(key, "")
        else:
            raw_id, value = name, request.POST.getlist(key)
            if not all(v.isdigit() for v in value):
                continue
        if raw_id.isdigit():
            answers[int(raw_id)] = value
    for raw_id in request.POST.getlist("shown"):
        # Unticked checkboxes send nothing: every question on the page counts as answered.
        if raw_id.isdigit():
            answers.setdefault(int(raw_id), [])
    return answers


@login_required
@require_POST
def attempt_answer(request: HttpRequest, attempt_id: int) -> HttpResponse:
    viewer = _viewer(request)
    attempt = sel.attempt_get_for_viewer(viewer, attempt_id)
    if attempt.user_id != viewer.user_id:
        raise PermissionDenied
    answers = _posted_answers(request)
    submit = request.POST.get("action") == "submit"
    try:
        if submit:
            attempt = attempt_submit(actor=viewer, attempt=attempt, answers=answers)
        else:
            attempt_save_answers(actor=viewer, attempt=attempt, answers=answers)
    except DeadlinePassed as exc:
        messages.error(request, str(exc))
        return redirect("training:attempt_review", attempt_id=attempt.pk)
    except ExamError as exc:
        messages.error(request, str(exc))
        return redirect("training:attempt_detail", attempt_id=attempt.pk)
    except PermissionDenied:
        messages.error(request, _("This attempt is closed."))
        return redirect("training:attempt_review", attempt_id=attempt.pk)
    if submit:
        messages.success(request, _("Your answers were submitted."))
        return redirect("training:attempt_review", attempt_id=attempt.pk)
    messages.success(request, _("Your answers were saved."))
    return redirect("training:attempt_detail", attempt_id=attempt.pk)


@login_required
@require_GET
def attempt_review(request: HttpRequest, attempt_id: int) -> HttpResponse:
    viewer = _viewer(request)
    attempt = sel.attempt_get_for_viewer(viewer, attempt_id)
    attempt = attempt_close_if_expired(attempt=attempt)
    if attempt.is_open:
        return redirect("training:attempt_detail", attempt_id=attempt.pk)
    attempt, rows = sel.attempt_review(viewer, attempt_id)
    return render(
        request,
        "training/exams/exam_review.html",
        {"attempt": attempt, "exam": attempt.exam, "rows": rows, "is_own": attempt.user_id == viewer.user_id},
    )


@login_required
@require_GET
def grading_queue(request: HttpRequest) -> HttpResponse:
    viewer = _viewer(request)
    if not can_grade(viewer):
        raise PermissionDenied
    page = sel.grading_queue(viewer, cursor=request.GET.get("cursor"))
    return render(request, "training/exams/exam_grading_queue.html", {"page": page})


@login_required
@require_http_methods(["GET", "POST"])
def answer_grade_view(request: HttpRequest, answer_id: int) -> HttpResponse:
    viewer = _viewer(request)
    if not can_grade(viewer):
        raise PermissionDenied
    answer = sel.answer_get_for_grading(viewer, answer_id)
    if answer.question.kind != Question.Kind.FREE_TEXT or not can_grade_answer(viewer, answer, answer.attempt):
        messages.info(request, _("This answer does not need grading any more."))
        return redirect("training:grading_queue")
    error = ""
    points_raw = request.POST.get("points", "")
    feedback = request.POST.get("feedback", "")
    if request.method == "POST":
        try:
            points = float(points_raw.replace(",", "."))
        except ValueError:
            error = _("Enter the points as a number.")
        else:
            try:
                answer_grade(actor=viewer, answer=answer, points=points, feedback=feedback)
            except ExamError as exc:
                error = str(exc)
            else:
                messages.success(request, _("The answer was graded."))
                return redirect("training:grading_queue")
    return render(
        request,
        "training/exams/exam_grade.html",
        {
            "answer": answer,
            "attempt": answer.attempt,
            "question": answer.question,
            "error": error,
            "points": points_raw,
            "feedback": feedback,
        },
    )
