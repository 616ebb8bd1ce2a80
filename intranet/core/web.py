"""Request helpers every app's views share: the request's viewer, htmx detection, and a service's
``ValidationError`` shown to the person (on a form, or as a flash message)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest

from intranet.core.viewer import Viewer


def viewer_of(request: HttpRequest) -> Viewer:
    """The request's :class:`Viewer` (set by ``ViewerMiddleware``)."""
    return request.viewer  # type: ignore[attr-defined, no-any-return]


def is_htmx(request: HttpRequest) -> bool:
    return bool(getattr(request, "htmx", False))


def apply_errors(form: Any, error: ValidationError) -> None:
    """Show a service's ``ValidationError`` on ``form``: on the field it names, else on the form."""
    if hasattr(error, "error_dict"):
        for name, errors in error.message_dict.items():
            form.add_error(name if name in form.fields else None, errors)
    else:
        form.add_error(None, error.messages)


def error_message(request: HttpRequest, error: ValidationError) -> None:
    """Show a service's ``ValidationError`` as one flash message (for views without a form)."""
    messages.error(request, " ".join(error.messages))
