"""Wagtail hooks: CMS pages are for signed-in employees only."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse
from wagtail import hooks


@hooks.register("before_serve_page")
def require_sign_in(page: Any, request: HttpRequest, serve_args: Any, serve_kwargs: Any) -> HttpResponse | None:
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    return None
