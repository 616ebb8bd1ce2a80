"""Programme screens: enrolling and working through the steps for learners; creating and editing
programmes and steps, and accepting exercises for coordinators and trainers."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from intranet.core.web import apply_errors as _apply
from intranet.core.web import error_message
from intranet.core.web import viewer_of as _viewer
from training.web import guard

from . import permissions as perms
from . import selectors as sel
from .forms import ExerciseAnswerForm, ProgrammeCreateForm, ProgrammeForm, StepForm
from .models import Step
from .services import (
    enrolment_create,
    exercise_accept,
    exercise_submit,
    programme_create,
    programme_update,
    step_mark_done,
    step_save,
)


@login_required
@require_POST
def programme_enrol(request: HttpRequest, programme_id: int) -> HttpResponse:
    viewer = _viewer(request)
    programme = sel.programme_get_for_viewer(viewer, programme_id)
    enrolment_create(actor=viewer, programme=programme)
    messages.success(request, _("You are enrolled. Start with the first step."))
    return redirect(programme.get_absolute_url())


@login_required
@require_GET
def step_detail(request: HttpRequest, programme_id: int, step_id: int) -> HttpResponse:
    return _render_step(request, programme_id, step_id, ExerciseAnswerForm())


def _render_step(
    request: HttpRequest, programme_id: int, step_id: int, form: ExerciseAnswerForm, status: int = 200
) -> HttpResponse:
    viewer = _viewer(request)
    detail = sel.step_detail_for_viewer(viewer, programme_id, step_id)
    if detail.progress is not None and not form.is_bound:
        form = ExerciseAnswerForm(initial={"answer": detail.progress.answer})
    exam_url = None
    if detail.step.kind == Step.Kind.EXAM:
        exam_url = _exam_url(detail.step)
    return render(
        request,
        "training/programmes/step_detail.html",
        {"detail": detail, "step": detail.step, "programme": detail.programme, "form": form, "exam_url": exam_url},
        status=status,
    )


def _exam_url(step: Step) -> str | None:
    """The exam page of an exam step, once an exam is linked to it."""
    exam_id = getattr(getattr(step, "exam", None), "pk", None)
    return reverse("training:exam_detail", args=[exam_id]) if exam_id is not None else None


@login_required
@require_POST
def step_done(request: HttpRequest, programme_id: int, step_id: int) -> HttpResponse:
    viewer = _viewer(request)
    detail = sel.step_detail_for_viewer(viewer, programme_id, step_id)
    try:
        step_mark_done(actor=viewer, step=detail.step)
    except ValidationError as error:
        error_message(request, error)
        return redirect(detail.step.get_absolute_url())
    messages.success(request, _("Step marked as done."))
    if detail.next_id:
        return redirect("training:step_detail", programme_id, detail.next_id)
    return redirect(detail.programme.get_absolute_url())


@login_required
@require_POST
def step_submit(request: HttpRequest, programme_id: int, step_id: int) -> HttpResponse:
    viewer = _viewer(request)
    detail = sel.step_detail_for_viewer(viewer, programme_id, step_id)
    form = ExerciseAnswerForm(request.POST)
    if not form.is_valid():
        return _render_step(request, programme_id, step_id, form, status=400)
    try:
        exercise_submit(actor=viewer, step=detail.step, answer=form.cleaned_data["answer"])
    except ValidationError as error:
        form.add_error(
            "answer" if hasattr(error, "error_dict") and "answer" in error.error_dict else None, error.messages
        )
        return _render_step(request, programme_id, step_id, form, status=400)
    messages.success(request, _("Your answer was submitted."))
    return redirect(detail.step.get_absolute_url())


# Coordinators and trainers ---------------------------------------------------------------------


@guard(perms.can_manage_programmes)
@require_http_methods(["GET", "POST"])
def programme_create_view(request: HttpRequest) -> HttpResponse:
    viewer = _viewer(request)
    form = ProgrammeCreateForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            programme = programme_create(
                actor=viewer, data=form.cleaned_data, idempotency_key=form.cleaned_data["idempotency_key"]
            )
        except ValidationError as error:
            _apply(form, error)
        else:
            messages.success(request, _("Programme created. Now add its steps."))
            return redirect("training:manage_programme", programme.pk)
    return render(
        request,
        "training/programmes/programme_form.html",
        {"form": form, "programme": None},
        status=400 if form.errors else 200,
    )


@guard(perms.can_manage_programmes)
@require_http_methods(["GET", "POST"])
def programme_edit_view(request: HttpRequest, programme_id: int) -> HttpResponse:
    viewer = _viewer(request)
    programme = sel.programme_get_for_viewer(viewer, programme_id)
    form = ProgrammeForm(request.POST or None, instance=programme)
    if request.method == "POST" and form.is_valid():
        try:
            programme_update(actor=viewer, programme=programme, data=form.cleaned_data)
        except ValidationError as error:
            _apply(form, error)
        else:
            messages.success(request, _("Programme saved."))
            return redirect("training:manage_programme", programme.pk)
    return render(
        request,
        "training/programmes/programme_form.html",
        {"form": form, "programme": programme},
        status=400 if form.errors else 200,
    )


@guard(perms.can_manage_programmes)
@require_http_methods(["GET", "POST"])
def step_edit_view(request: HttpRequest, programme_id: int, step_id: int | None = None) -> HttpResponse:
    viewer = _viewer(request)
    programme = sel.programme_get_for_viewer(viewer, programme_id)
    step = sel.step_get_for_edit(programme, step_id) if step_id is not None else None
    form = StepForm(request.POST or None, instance=step, idempotent=step is None)
    if request.method == "POST" and form.is_valid():
        try:
            saved = step_save(
                actor=viewer,
                programme=programme,
                data=form.cleaned_data,
                step=step,
                idempotency_key=form.cleaned_data.get("idempotency_key"),
            )
        except ValidationError as error:
            _apply(form, error)
        else:
            messages.success(request, _("Step “%(title)s” saved.") % {"title": saved.title})
            return redirect("training:manage_programme", programme.pk)
    return render(
        request,
        "training/programmes/step_form.html",
        {"form": form, "programme": programme, "step": step},
        status=400 if form.errors else 200,
    )


@login_required
@require_POST
def exercise_accept_view(request: HttpRequest, progress_id: int) -> HttpResponse:
    viewer = _viewer(request)
    progress = sel.exercise_get_for_review(viewer, progress_id)
    exercise_accept(actor=viewer, progress=progress)
    messages.success(request, _("Answer accepted."))
    return redirect("training:manage_programme", progress.step.programme_id)
