"""How a request proves who sends it: a personal access token, or the browser session with CSRF.

Both end with the same person on ``request.user`` and a fresh ``request.viewer``, so every endpoint
asks the same predicates as the pages. A token must belong to an active person (checked on every
request) and carry the write scope for writes. Each authenticated request counts against the
per-token and the per-person rate limit.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja.security import HttpBearer
from ninja.security.apikey import APIKeyCookie
from ninja.utils import check_csrf

from intranet.core.ratelimit import Limit, hit
from intranet.core.viewer import Viewer

from .permissions import token_allows
from .problems import ApiProblem
from .selectors import token_for_secret
from .services import token_touch

#: Requests per minute: per token (a runaway script) and per person (all their tokens and the browser).
TOKEN_LIMIT = Limit(scope="api-token", count=getattr(settings, "API_RATE_LIMIT_PER_TOKEN", 600), window=60)
PERSON_LIMIT = Limit(scope="api-person", count=getattr(settings, "API_RATE_LIMIT_PER_PERSON", 1200), window=60)


def _count(request: HttpRequest, *, user_id: int, token_id: int | None) -> None:
    waits = []
    if token_id is not None:
        waits.append(hit(str(token_id), _limit("API_RATE_LIMIT_PER_TOKEN", TOKEN_LIMIT)))
    waits.append(hit(str(user_id), _limit("API_RATE_LIMIT_PER_PERSON", PERSON_LIMIT)))
    wait = max((w for w in waits if w is not None), default=None)
    if wait is not None:
        raise ApiProblem(
            "rate-limited",
            _("Wait %(seconds)s seconds before the next request.") % {"seconds": wait},
            headers={"Retry-After": str(wait)},
        )


def _limit(setting: str, default: Limit) -> Limit:
    """The limit with the count from settings at call time (tests lower it)."""
    count = getattr(settings, setting, default.count)
    return default if count == default.count else Limit(scope=default.scope, count=count, window=default.window)


class TokenAuth(HttpBearer):
    """``Authorization: Bearer itpat_…``: a personal access token."""

    openapi_scheme = "bearer"

    def __init__(self, *, write: bool) -> None:
        self.write = write
        super().__init__()

    def authenticate(self, request: HttpRequest, token: str) -> Any:
        found = token_for_secret(token)
        if found is None:
            return None
        if not token_allows(found, write=self.write):
            raise ApiProblem("insufficient-scope", _("This token may only read. Create one with the write scope."))
        token_touch(token=found)
        request.user = found.user
        request.viewer = Viewer(found.user)  # type: ignore[attr-defined]
        request.api_token = found  # type: ignore[attr-defined]
        _count(request, user_id=found.user_id, token_id=found.pk)
        return found.user


class SessionCsrfAuth(APIKeyCookie):
    """The browser session; unsafe methods also need the CSRF token (header ``X-CSRFToken``)."""

    param_name = settings.SESSION_COOKIE_NAME

    def _get_key(self, request: HttpRequest) -> str | None:
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated or not user.is_active:
            return None
        if check_csrf(request) is not None:
            raise ApiProblem("forbidden", _("The CSRF token is missing or wrong. Reload the page and try again."))
        return request.COOKIES.get(self.param_name)

    def authenticate(self, request: HttpRequest, key: str | None) -> Any:
        if key is None:
            return None
        user = request.user
        request.viewer = Viewer(user)  # type: ignore[attr-defined]
        request.api_token = None  # type: ignore[attr-defined]
        _count(request, user_id=user.pk, token_id=None)  # type: ignore[arg-type]  # authenticated
        return user


READ = [TokenAuth(write=False), SessionCsrfAuth()]
WRITE = [TokenAuth(write=True), SessionCsrfAuth()]
