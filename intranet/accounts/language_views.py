from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.views.decorators.http import require_POST
from django.views.i18n import set_language as django_set_language

from .services import user_set_language


@require_POST
def set_language(request: HttpRequest) -> HttpResponse:
    """Django's language switch, which also saves the choice on the signed-in person's account."""
    response = django_set_language(request)
    language = request.POST.get("language", "")
    if request.user.is_authenticated and language in {"de", "en"}:
        user_set_language(actor=request.user, language=language)  # type: ignore[arg-type]
    return response
