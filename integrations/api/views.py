"""The person's token settings page: create (the secret shown once), list, revoke."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from intranet.core.permissions import require_visible
from intranet.core.web import viewer_of

from . import selectors, services
from .forms import TokenForm
from .permissions import can_manage_own_tokens

_CREATED_KEY = "api_token_created"


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def token_list(request: HttpRequest) -> HttpResponse:
    viewer = viewer_of(request)
    require_visible(can_manage_own_tokens(viewer))
    # The new secret travels to the redirected page once, in the session, and is dropped there:
    # a reload neither shows it again nor creates a second token.
    created = request.session.pop(_CREATED_KEY, None) if request.method == "GET" else None
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            created = services.token_create(
                actor=viewer,
                name=form.cleaned_data["name"],
                scope=form.cleaned_data["scope"],
                lifetime=dt.timedelta(days=int(form.cleaned_data["lifetime"])),
            )
        except ValidationError as error:
            for field, errors in (
                error.message_dict.items() if hasattr(error, "error_dict") else [(None, error.messages)]
            ):
                for message in errors:
                    form.add_error(field if field in form.fields else None, message)
        else:
            request.session[_CREATED_KEY] = {"name": created.token.name, "secret": created.secret}
            return redirect("api_tokens:token_list")
    context = {"form": form, "created": created, "tokens": selectors.token_list_for_settings(viewer)}
    return render(request, "api/token_list.html", context, status=400 if form.errors else 200)


@login_required
@require_POST
def token_revoke_view(request: HttpRequest, pk: int) -> HttpResponse:
    viewer = viewer_of(request)
    token = selectors.token_get_for_viewer(viewer, pk)
    services.token_revoke(actor=viewer, token=token)
    messages.success(request, _("The token “%(name)s” no longer works.") % {"name": token.name})
    return redirect("api_tokens:token_list")
