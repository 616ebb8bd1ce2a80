"""Views of the managers' network: the directory, asking for advice, one's own network settings."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from intranet.core.web import apply_errors, is_htmx, viewer_of

from . import selectors, services
from .forms import AdviceForm, NetworkFilterForm, NetworkProfileForm
from .permissions import can_edit_network_profile, can_view_network


@login_required
def network_directory(request: HttpRequest) -> HttpResponse:
    viewer = viewer_of(request)
    if not can_view_network(viewer):
        raise Http404
    form = NetworkFilterForm(request.GET)
    filters = form.filters()
    cursor = form.cursor_value()
    page, cards = selectors.manager_list_for_network(viewer=viewer, filters=filters, cursor=cursor or None)
    kept: dict[str, str] = {
        key: str(value) for key, value in request.GET.items() if value and key != "cursor" and key in form.fields
    }
    next_url = ""
    if page.next_cursor:
        next_url = f"{reverse('meetups:network_directory')}?{urlencode({**kept, 'cursor': page.next_cursor})}"
    context: dict[str, Any] = {
        "cards": cards,
        "next_url": next_url,
        "filters": filters,
        "is_filtered": any([filters.query, filters.skill, filters.language, filters.category]),
    }
    if is_htmx(request) and cursor:
        return render(request, "meetups/network/network_page_items.html", context)
    context.update(categories=selectors.network_categories(), can_edit_profile=can_edit_network_profile(viewer))
    return render(request, "meetups/network/network_directory.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def network_ask(request: HttpRequest, handle: str) -> HttpResponse:
    viewer = viewer_of(request)
    card = selectors.manager_get_for_advice(viewer=viewer, handle=handle)
    if request.method == "POST":
        form = AdviceForm(request.POST)
        if form.is_valid():
            try:
                conversation = services.advice_request(
                    actor=viewer,
                    manager=card.user,
                    profile=selectors.cached_network_profile(card.user),
                    body=form.cleaned_data["body"],
                    idempotency_key=form.cleaned_data["idempotency_key"],
                )
            except ValidationError as error:
                apply_errors(form, error)
            else:
                messages.success(request, _("Your question was sent to %(name)s.") % {"name": card.user.display_name})
                return redirect("messaging:conversation_detail", pk=conversation.pk)
    else:
        community = card.communities[0].name if card.communities else ""
        greeting = _("Hello %(name)s,") % {"name": card.user.get_short_name()}
        if community:
            intro = _(
                "I found you in the managers' network: you run %(community)s. I would like to ask for your advice on …"
            ) % {"community": community}
        else:
            intro = _("I found you in the managers' network. I would like to ask for your advice on …")
        form = AdviceForm(initial={"body": f"{greeting}\n\n{intro}\n\n"})
    return render(request, "meetups/network/network_ask.html", {"card": card, "form": form})


@login_required
@require_http_methods(["GET", "POST"])
def network_profile_edit(request: HttpRequest) -> HttpResponse:
    viewer = viewer_of(request)
    if not can_edit_network_profile(viewer):
        raise Http404
    profile = selectors.network_profile_for(viewer)
    if request.method == "POST":
        form = NetworkProfileForm(request.POST)
        if form.is_valid():
            try:
                services.network_profile_update(
                    actor=viewer,
                    opted_out=form.cleaned_data["opted_out"],
                    advice_topics=form.cleaned_data["advice_topics"],
                )
            except ValidationError as error:
                apply_errors(form, error)
            else:
                messages.success(request, _("Your network settings were saved."))
                return redirect("meetups:network_profile")
    else:
        form = NetworkProfileForm(initial={"opted_out": profile.opted_out, "advice_topics": profile.advice_topics})
    return render(request, "meetups/network/network_profile.html", {"form": form, "profile": profile})
