"""The staff pages of erasure requests: list and open, then approve or reject (404 for non-staff)."""

from __future__ import annotations

from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from intranet.core.permissions import require_visible

from .forms import ErasureDecisionForm, ErasureRequestForm
from .permissions import can_decide_erasure, can_manage_erasure
from .selectors import erasure_request_get_for_viewer, erasure_request_list_for_staff, erasure_subject_get
from .services import erasure_request_approve, erasure_request_open, erasure_request_reject


def _add_errors(form: ErasureRequestForm | ErasureDecisionForm, exc: ValidationError, default: str) -> None:
    if hasattr(exc, "error_dict"):
        for field, errors in exc.error_dict.items():
            form.add_error(field if field in form.fields else default, errors)
    else:
        form.add_error(default, exc)


@login_required
@require_http_methods(["GET", "POST"])
def erasure_list(request: HttpRequest) -> HttpResponse:
    """Erasure requests, newest first, and the form to open one (staff)."""
    viewer = request.viewer  # type: ignore[attr-defined]
    require_visible(can_manage_erasure(viewer))
    form = ErasureRequestForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        subject = erasure_subject_get(viewer=viewer, handle=form.cleaned_data["person"])
        if subject is None:
            form.add_error("person", _("Nobody has this handle or e-mail address."))
        else:
            try:
                created = erasure_request_open(
                    actor=request.user,  # type: ignore[arg-type]
                    subject=subject,
                    reason=form.cleaned_data["reason"],
                )
            except PermissionDenied:
                form.add_error("person", _("You cannot ask to erase your own account."))
            except ValidationError as exc:
                _add_errors(form, exc, "person")
            else:
                messages.success(request, _("The request is open. A second member of staff must approve it."))
                return redirect("account_erasure_detail", pk=created.pk)
    page = erasure_request_list_for_staff(viewer=viewer, cursor=request.GET.get("cursor") or None)
    next_url = ""
    if page.next_cursor:
        next_url = f"{reverse('account_erasures')}?{urlencode({'cursor': page.next_cursor})}"
    status = 400 if request.method == "POST" else 200
    return render(
        request, "accounts/erasure_list.html", {"form": form, "page": page, "next_url": next_url}, status=status
    )


@login_required
@require_http_methods(["GET", "POST"])
def erasure_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """One request: who asked and why; a second member of staff approves or rejects it."""
    viewer = request.viewer  # type: ignore[attr-defined]
    erasure = erasure_request_get_for_viewer(viewer=viewer, pk=pk)
    may_decide = can_decide_erasure(viewer, erasure)
    form = ErasureDecisionForm(request.POST or None)
    if request.method == "POST":
        if not may_decide:
            raise PermissionDenied
        if form.is_valid():
            actor = request.user
            try:
                if form.cleaned_data["decision"] == "approve":
                    erasure_request_approve(actor=actor, request=erasure, note=form.cleaned_data["note"])  # type: ignore[arg-type]
                    messages.success(request, _("Approved. The person is being erased."))
                else:
                    erasure_request_reject(actor=actor, request=erasure, note=form.cleaned_data["note"])  # type: ignore[arg-type]
                    messages.success(request, _("The request was rejected."))
            except ValidationError as exc:
                _add_errors(form, exc, "note")
            else:
                return redirect("account_erasure_detail", pk=erasure.pk)
    return render(
        request,
        "accounts/erasure_detail.html",
        {"erasure": erasure, "form": form, "may_decide": may_decide},
        status=400 if request.method == "POST" else 200,
    )
