"""Level screens: the levels and one's standing, applying, the coordinators' queue and person page."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from intranet.accounts.selectors import user_get_for_viewer
from intranet.core.idempotency import FIELD, expired_response, key_from_post
from intranet.core.web import viewer_of as _viewer
from training.web import guard

from . import selectors as sel
from .forms import LevelForm
from .models import Level, LevelApplication
from .permissions import (
    can_change_level_of,
    can_decide_level_application,
    can_manage_levels,
    can_withdraw_level_application,
)
from .services import (
    LevelError,
    level_application_decide,
    level_application_submit,
    level_application_withdraw,
    level_requirements,
    level_save,
    level_set,
)


@login_required
@require_GET
def level_list(request: HttpRequest) -> HttpResponse:
    """Every level with its rights and requirements, the viewer's level and applications."""
    viewer = _viewer(request)
    user_id = viewer.user_id
    assert user_id is not None
    levels = sel.level_list()
    standing = sel.level_history_for_user(user_id)
    applications = sel.applications_of_user(user_id)
    return render(
        request,
        "training/levels/level_list.html",
        {
            "levels": levels,
            "standing": standing,
            "applications": applications,
            "pending_level_ids": {a.level_id for a in applications if a.state == LevelApplication.State.SUBMITTED},
            "can_manage": can_manage_levels(viewer),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def level_apply(request: HttpRequest, level_id: int) -> HttpResponse:
    viewer = _viewer(request)
    level = sel.level_get(level_id)
    user_id = viewer.user_id
    assert user_id is not None
    error = ""
    evidence_text = request.POST.get("evidence_text", "")
    evidence_links = request.POST.get("evidence_links", "")
    if request.method == "POST":
        key = key_from_post(request)
        if key is None:
            return expired_response(request)
        try:
            level_application_submit(
                actor=viewer,
                level=level,
                evidence_text=evidence_text,
                evidence_links=evidence_links,
                idempotency_key=key,
            )
        except LevelError as exc:
            error = str(exc)
        except ValidationError as exc:  # the form was sent already (its key used elsewhere)
            error = " ".join(exc.messages)
        else:
            messages.success(request, _("Your application was sent to the coordinators."))
            return redirect("training:level_list")
    return render(
        request,
        "training/levels/level_apply.html",
        {
            "level": level,
            "requirements": level_requirements(user_id=user_id, level=level),
            "error": error,
            "evidence_text": evidence_text,
            "evidence_links": evidence_links,
        },
    )


@login_required
@require_POST
def level_application_withdraw_view(request: HttpRequest, application_id: int) -> HttpResponse:
    viewer = _viewer(request)
    application = sel.application_get_for_viewer(viewer, application_id)
    if not can_withdraw_level_application(viewer, application):
        raise PermissionDenied
    level_application_withdraw(actor=viewer, application=application)
    messages.success(request, _("Your application was withdrawn."))
    return redirect("training:level_list")


@login_required
@require_GET
def level_application_queue(request: HttpRequest) -> HttpResponse:
    viewer = _viewer(request)
    if not can_manage_levels(viewer):
        raise PermissionDenied
    handle = request.GET.get("handle", "").strip().lstrip("@")
    if handle:
        return redirect("training:level_person", handle=handle)
    page = sel.application_queue(viewer, cursor=request.GET.get("cursor"))
    holders = sel.holders_page(cursor=request.GET.get("holders"))
    return render(request, "training/levels/level_queue.html", {"page": page, "holders": holders})


@login_required
@require_http_methods(["GET", "POST"])
def level_application_detail(request: HttpRequest, application_id: int) -> HttpResponse:
    viewer = _viewer(request)
    application = sel.application_get_for_viewer(viewer, application_id)
    error = ""
    note = request.POST.get("note", "")
    if request.method == "POST":
        if not can_decide_level_application(viewer, application):
            raise PermissionDenied
        decision = request.POST.get("decision")
        if decision not in ("approve", "decline"):
            error = _("Choose to approve or to decline.")
        else:
            try:
                level_application_decide(
                    actor=viewer,
                    application=application,
                    approve=decision == "approve",
                    note=note,
                    override=request.POST.get("override") == "1",
                )
            except LevelError as exc:
                error = str(exc)
            else:
                messages.success(request, _("The decision was saved."))
                return redirect("training:level_application_queue")
    return render(
        request,
        "training/levels/level_application.html",
        {
            "application": application,
            "requirements": level_requirements(user_id=application.user_id, level=application.level),
            "can_decide": can_decide_level_application(viewer, application),
            "error": error,
            "note": note,
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def level_person(request: HttpRequest, handle: str) -> HttpResponse:
    """A coordinator's view of one person's level: requirements per level, promote or demote."""
    viewer = _viewer(request)
    if not can_manage_levels(viewer):
        raise PermissionDenied
    person = user_get_for_viewer(viewer=viewer, handle=handle)
    error = ""
    reason = request.POST.get("reason", "")
    if request.method == "POST":
        if not can_change_level_of(viewer, person.pk):
            raise PermissionDenied
        raw = request.POST.get("level", "")
        target: Level | None = None
        if raw:
            if not raw.isdigit():
                raise Http404
            target = sel.level_get(int(raw))
        try:
            level_set(
                actor=viewer, user=person, level=target, reason=reason, override=request.POST.get("override") == "1"
            )
        except LevelError as exc:
            error = str(exc)
        else:
            messages.success(request, _("The level was changed."))
            return redirect("training:level_person", handle=person.handle)
    standing = sel.level_history_for_user(person.pk)
    levels = sel.level_list()
    checks = [(level, level_requirements(user_id=person.pk, level=level)) for level in levels]
    return render(
        request,
        "training/levels/level_person.html",
        {
            "person": person,
            "standing": standing,
            "checks": checks,
            "error": error,
            "reason": reason,
            "can_change": can_change_level_of(viewer, person.pk),
        },
    )


# Defining levels (coordinators, in the training management area) -------------------------------


@guard(can_manage_levels)
@require_GET
def level_manage_list(request: HttpRequest) -> HttpResponse:
    """Every level with its requirements, rights, holders and waiting applications."""
    return render(
        request, "training/levels/level_manage_list.html", {"levels": sel.level_list_for_manage(), "tab": "levels"}
    )


@guard(can_manage_levels)
@require_http_methods(["GET", "POST"])
def level_manage_edit(request: HttpRequest, level_id: int | None = None) -> HttpResponse:
    """Create or edit a level; the form's errors come back with status 400."""
    viewer = _viewer(request)
    existing = sel.level_get_for_manage(level_id) if level_id is not None else None
    level = existing or Level()
    form = LevelForm(request.POST or None, instance=level, idempotent=existing is None)
    if request.method == "POST" and form.is_valid():
        try:
            saved = level_save(
                actor=viewer,
                level=form.instance,
                rights=form.cleaned_data["rights"],
                required_programmes=form.cleaned_data["required_programmes"],
                clear_unrecognised=bool(form.cleaned_data.get("clear_unrecognised")),
                idempotency_key=form.cleaned_data.get(FIELD),
            )
        except LevelError as exc:
            form.add_error(exc.field if exc.field in form.fields else None, str(exc))
        except ValidationError as exc:  # the create form was sent already (its key used elsewhere)
            form.add_error(None, exc)
        else:
            messages.success(request, _("The level “%(name)s” was saved.") % {"name": saved.name})
            return redirect("training:level_manage_list")
    return render(
        request,
        "training/levels/level_manage_form.html",
        {"form": form, "level": existing, "tab": "levels"},
        status=400 if form.errors else 200,
    )
