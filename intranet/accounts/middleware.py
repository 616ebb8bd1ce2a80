from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils import translation


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
