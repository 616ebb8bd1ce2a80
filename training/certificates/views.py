"""Certificate screens: look up, verify and print a certificate; revoke one (coordinators)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from intranet.core.web import viewer_of as _viewer
from training.web import base_url

from . import permissions as perms
from . import selectors as sel
from .forms import RevokeForm
from .models import Certificate
from .services import certificate_revoke


@login_required
@require_GET
def certificate_lookup(request: HttpRequest) -> HttpResponse:
    code = (request.GET.get("code") or "").strip().upper()
    if code:
        return redirect("training:certificate_verify", code)
    return render(request, "training/certificates/certificate_lookup.html", {})


@login_required
@require_GET
def certificate_verify(request: HttpRequest, code: str) -> HttpResponse:
    viewer = _viewer(request)
    cert = sel.certificate_get_by_code(viewer, code)
    return render(
        request,
        "training/certificates/certificate_verify.html",
        {
            "cert": cert,
            "can_print": perms.can_print_certificate(viewer, cert),
            "can_revoke": perms.can_revoke_certificate(viewer, cert),
        },
    )


@login_required
@require_GET
def certificate_print(request: HttpRequest, code: str) -> HttpResponse:
    viewer = _viewer(request)
    cert = sel.certificate_get_by_code(viewer, code)
    if not perms.can_print_certificate(viewer, cert):
        raise Http404
    verify_url = base_url(request) + reverse("training:certificate_verify", args=[cert.code])
    return render(
        request,
        "training/certificates/certificate_print.html",
        {"cert": cert, "verify_url": verify_url, "completed": sel.certificate_completed_steps(cert)},
    )


@login_required
@require_http_methods(["GET", "POST"])
def certificate_revoke_view(request: HttpRequest, code: str) -> HttpResponse:
    viewer = _viewer(request)
    cert: Certificate = sel.certificate_get_by_code(viewer, code)
    if not perms.can_revoke_certificate(viewer, cert):
        raise PermissionDenied
    form = RevokeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        certificate_revoke(actor=viewer, certificate=cert, reason=form.cleaned_data["reason"])
        messages.success(request, _("The certificate is revoked."))
        return redirect("training:certificate_verify", cert.code)
    return render(
        request,
        "training/certificates/certificate_revoke.html",
        {"form": form, "cert": cert},
        status=400 if form.errors else 200,
    )
