from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from .second_factor import (
    has_second_factor,
    second_factor_recently_checked,
    second_factor_remember_check,
    second_factor_required,
)


class UserLanguageMiddleware:
    """Speak the signed-in person's saved language when the browser has not chosen one.

    ``LocaleMiddleware`` runs before authentication and only knows the cookie and the browser's
    Accept-Language; a person who picked a language on another device expects it here too.
    Placed after ``AuthenticationMiddleware``.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = request.user
        if (
            user.is_authenticated
            and settings.LANGUAGE_COOKIE_NAME not in request.COOKIES
            and getattr(user, "language", None)
            and user.language != getattr(request, "LANGUAGE_CODE", None)
        ):
            translation.activate(user.language)
            request.LANGUAGE_CODE = user.language
        return self.get_response(request)


# URL names a person who still has to set up a second factor may open: the set-up itself (every
# ``mfa_*`` view), the password confirmation it asks for, sign-out and the language switch.
_SECOND_FACTOR_SETUP_URL_NAMES = frozenset({"account_reauthenticate", "account_logout", "set_language"})


def _second_factor_setup_allowed(request: HttpRequest, url_name: str | None) -> bool:
    if url_name and (url_name.startswith("mfa_") or url_name in _SECOND_FACTOR_SETUP_URL_NAMES):
        return True
    return request.path_info.startswith((settings.STATIC_URL or "/static/", "/healthz/"))


class SecondFactorRequiredMiddleware:
    """Send staff and coordinators without a second factor to its set-up before anything else.

    Active when ``REQUIRE_MFA_FOR_STAFF`` is true (the default of the production settings). Runs
    after authentication, the viewer and messages; decides in ``process_view`` so that the
    allow-list names views, not URL prefixes. Costs one query for people whose role requires a
    second factor, and none while the session remembers a passed check (``RECHECK_SECONDS``).
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_view(
        self, request: HttpRequest, view_func: Callable[..., Any], view_args: Any, view_kwargs: Any
    ) -> HttpResponse | None:
        if not settings.REQUIRE_MFA_FOR_STAFF or not request.user.is_authenticated:
            return None
        match = request.resolver_match
        if _second_factor_setup_allowed(request, match.url_name if match else None):
            return None
        if second_factor_recently_checked(request):
            return None
        viewer = request.viewer  # type: ignore[attr-defined]
        if not second_factor_required(viewer) or has_second_factor(request.user.pk):
            second_factor_remember_check(request)
            return None
        messages.warning(
            request,
            _(
                "Your role gives you access to other people's data, so your account needs a second factor. "
                "Set up an authenticator app to continue."
            ),
            fail_silently=True,
        )
        setup_url = reverse("mfa_activate_totp")
        if request.headers.get("HX-Request"):
            # htmx would swap the set-up page into a fragment: make it load the whole page instead.
            response = HttpResponse(status=204)
            response["HX-Redirect"] = setup_url
            return response
        return redirect(setup_url)
