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

from intranet.core.errors import too_many_requests
from intranet.core.ratelimit import Limit, hit_per_client
from intranet.core.web import viewer_of as _viewer
from training.web import base_url

from . import permissions as perms
from . import selectors as sel
from .forms import CertificateLookupForm, RevokeForm
from .models import Certificate
from .services import certificate_revoke

#: Look-ups of a code by people without an account, per client address: plenty for a verifier,
#: far too few to scrape certificates by trying codes.
VERIFY_LIMIT = Limit("certificate-verify", 30, 10 * 60)


@require_GET
def certificate_lookup(request: HttpRequest) -> HttpResponse:
    """The form to type a code into; open to everyone. A well-formed code goes to its page."""
    if "code" not in request.GET:
        return _lookup_page(request, CertificateLookupForm())
    form = CertificateLookupForm(request.GET)
    if not form.is_valid():
        return _lookup_page(request, form, status=400)
    return redirect("training:certificate_verify", form.cleaned_data["code"])


@require_GET
def certificate_verify(request: HttpRequest, code: str) -> HttpResponse:
    """A certificate's state for whoever holds its code, with or without an account.

    A code typed with spaces or in small letters redirects to its canonical address; an unknown
    code is answered on the look-up form. People without an account are rate limited per address
    and see only what a verifier needs (``can_view_certificate_details``).
    """
    viewer = _viewer(request)
    form = CertificateLookupForm({"code": code})
    if not form.is_valid():
        return _lookup_page(request, form, status=400)
    if form.cleaned_data["code"] != code:
        return redirect("training:certificate_verify", form.cleaned_data["code"])
    if not viewer.is_authenticated:
        retry_after = hit_per_client(request, VERIFY_LIMIT)
        if retry_after is not None:
            return too_many_requests(request, retry_after=retry_after)
    cert = sel.certificate_find_by_code(viewer, code)
    if cert is None:
        form.add_error(
            "code", _("There is no valid certificate with this code. Please check it against the certificate.")
        )
        return _lookup_page(request, form, status=404)
    return render(
        request,
        "training/certificates/certificate_verify.html",
        {
            "cert": cert,
            "show_details": perms.can_view_certificate_details(viewer, cert),
            "can_print": perms.can_print_certificate(viewer, cert),
            "can_revoke": perms.can_revoke_certificate(viewer, cert),
        },
    )


def _lookup_page(request: HttpRequest, form: CertificateLookupForm, *, status: int = 200) -> HttpResponse:
    return render(request, "training/certificates/certificate_lookup.html", {"form": form}, status=status)


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
