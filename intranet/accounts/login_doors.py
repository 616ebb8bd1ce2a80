"""One door: every other sign-in, password-reset and password-change page hands over to allauth's.

Wagtail (``/cms/login/``, ``/cms/password_reset/``, the front-end ``/pages/_util/login/``) and the
Django admin (``/django-admin/login/``, ``/django-admin/password_change/``) each bring their own
sign-in and password pages, without allauth's rate limits, lockout or second-factor stage. The
composition root (``intranet/urls.py``) routes those URLs here, ahead of the libraries' own.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import admin
from django.contrib.auth import REDIRECT_FIELD_NAME
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, resolve_url
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme


def _safe_next(request: HttpRequest) -> str:
    target = request.GET.get(REDIRECT_FIELD_NAME, "")
    allowed = url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    )
    return target if allowed else ""


def _hand_over(
    request: HttpRequest, *, home: str, admitted: Callable[[HttpRequest], bool], refuse: type[Exception]
) -> HttpResponse:
    """Send a visitor to allauth's sign-in (keeping ``next``); a signed-in person goes on or is refused.

    A signed-in person who may not enter is refused here instead of being sent to the sign-in page,
    which would send them straight back: an endless loop.
    """
    target = _safe_next(request)
    if not request.user.is_authenticated:
        return redirect_to_login(target or resolve_url(home), login_url=reverse("account_login"))
    if admitted(request):
        return redirect(target or home)
    raise refuse


def cms_login(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
    """Wagtail's admin sign-in (``/cms/login/``): handed over to allauth."""
    return _hand_over(
        request,
        home="wagtailadmin_home",
        admitted=lambda r: r.user.has_perm("wagtailadmin.access_admin"),
        refuse=PermissionDenied,
    )


def admin_login(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
    """The Django admin's sign-in (``/django-admin/login/``): handed over to allauth."""
    return _hand_over(request, home="admin:index", admitted=admin.site.has_permission, refuse=PermissionDenied)


def pages_login(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
    """Wagtail's front-end sign-in for restricted pages: handed over to allauth.

    A signed-in person lands here only from a page restricted to groups they are not in: that
    page answers 404, like a missing one.
    """
    return _hand_over(request, home="home", admitted=lambda r: False, refuse=Http404)


def password_reset(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
    """Every other password-reset page (and its confirm links): allauth's reset flow instead."""
    return redirect("account_reset_password")


def password_change(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
    """The Django admin's password change: allauth's, which asks for the current password."""
    return redirect("account_change_password")
