"""Notification screens: the centre, the header badge, preferences and unsubscribe links."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.core import signing
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from intranet.core.web import error_message, viewer_of

from . import selectors, services
from .emails import UNSUBSCRIBE_MAX_AGE, read_unsubscribe_token
from .forms import FILTERS, CentreForm, OverrideForm
from .kinds import Delivery, get_kind


def _centre_url(**params: str) -> str:
    url = reverse("notifications:centre")
    params = {k: v for k, v in params.items() if v and not (k == "filter" and v == "all")}
    return f"{url}?{urlencode(params)}" if params else url


@login_required
@require_GET
def centre(request: HttpRequest) -> HttpResponse:
    viewer = viewer_of(request)
    current, cursor = CentreForm(request.GET).values()
    unread_only = current == "unread"
    page = selectors.notification_list_for_centre(viewer, unread_only=unread_only, cursor=cursor or None)
    next_url = _centre_url(filter=current, cursor=page.next_cursor) if page.next_cursor else ""
    context: dict[str, Any] = {"page": page, "next_url": next_url, "filter": current}
    if getattr(request, "htmx", False) and cursor:
        return render(request, "notifications/_notification_page.html", context)
    context.update(
        unread=selectors.notification_unread_count(viewer),
        filters=[(value, label, _centre_url(filter=value)) for value, label in FILTERS],
    )
    return render(request, "notifications/centre.html", context)


@login_required
@require_GET
@never_cache
def badge(request: HttpRequest) -> HttpResponse:
    """The bell with its unread count (fetched after load and on ``notifications.changed``)."""
    unread = selectors.notification_unread_count(viewer_of(request))
    return render(
        request,
        "notifications/_badge_content.html",
        {"unread": unread, "unread_capped": unread >= selectors.UNREAD_CAP},
    )


@login_required
@require_POST
def mark_all_read(request: HttpRequest) -> HttpResponse:
    changed = services.notification_mark_all_read(actor=viewer_of(request))
    if changed:
        messages.success(request, _("All notifications are marked as read."))
    current = request.POST.get("filter", "all")
    return HttpResponseRedirect(_centre_url(filter=current if current in dict(FILTERS) else "all"))


@login_required
@require_GET
def open_notification(request: HttpRequest, pk: int) -> HttpResponse:
    """Click-through: mark read, then go where the notification points (a permission-checked page)."""
    viewer = viewer_of(request)
    notification = selectors.notification_get_for_viewer(viewer, pk)
    services.notification_mark_read(actor=viewer, notification=notification)
    target = notification.url
    if not url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}, require_https=False):
        target = reverse("notifications:centre")
    return HttpResponseRedirect(target)


def _preferences_context(request: HttpRequest, override_form: OverrideForm | None = None) -> dict[str, Any]:
    screen = selectors.preference_screen_for_user(request.user)  # type: ignore[arg-type]
    if override_form is None:
        override_form = OverrideForm(
            scopes=screen.scopes, kinds=[(k.key, str(k.label)) for k in screen.scoped_kinds], prefix="override"
        )
    return {"screen": screen, "deliveries": Delivery.choices, "override_form": override_form}


@login_required
@require_http_methods(["GET", "POST"])
def preferences(request: HttpRequest) -> HttpResponse:
    viewer = viewer_of(request)
    if request.method == "POST":
        action = request.POST.get("action", "")
        if action == "general":
            screen = selectors.preference_screen_for_user(request.user)  # type: ignore[arg-type]
            try:
                for row in screen.rows:
                    wanted = request.POST.get(f"delivery-{row.kind.key}", row.delivery)
                    if wanted != row.delivery:
                        services.preference_set(actor=viewer, kind=row.kind.key, delivery=wanted)
            except ValidationError as error:
                error_message(request, error)
                return render(request, "notifications/preferences.html", _preferences_context(request), status=400)
            messages.success(request, _("Your notification settings are saved."))
            return HttpResponseRedirect(reverse("notifications:preferences"))
        if action == "add":
            screen = selectors.preference_screen_for_user(request.user)  # type: ignore[arg-type]
            form = OverrideForm(
                request.POST,
                scopes=screen.scopes,
                kinds=[(k.key, str(k.label)) for k in screen.scoped_kinds],
                prefix="override",
            )
            if form.is_valid():
                try:
                    services.preference_set(
                        actor=viewer,
                        kind=form.cleaned_data["kind"],
                        delivery=form.cleaned_data["delivery"],
                        scope=form.cleaned_data["scope"],
                    )
                except ValidationError as error:
                    form.add_error(None, error.messages)
                else:
                    messages.success(request, _("The exception for this community is saved."))
                    return HttpResponseRedirect(reverse("notifications:preferences") + "#overrides")
            return render(request, "notifications/preferences.html", _preferences_context(request, form), status=400)
        if action == "remove":
            try:
                services.preference_remove(
                    actor=viewer, kind=request.POST.get("kind", ""), scope=request.POST.get("scope", "")
                )
            except ValidationError as error:
                error_message(request, error)
            else:
                messages.success(request, _("The exception is removed."))
            return HttpResponseRedirect(reverse("notifications:preferences") + "#overrides")
        messages.error(request, _("Something went wrong; please try again."))
        return HttpResponseRedirect(reverse("notifications:preferences"))
    return render(request, "notifications/preferences.html", _preferences_context(request))


@csrf_exempt  # the signed token is the credential; mail clients POST here without a session (RFC 8058)
@require_http_methods(["GET", "POST"])
def unsubscribe(request: HttpRequest, token: str) -> HttpResponse:
    """Stop e-mail for the kinds named in a signed link: GET confirms, POST does it (no sign-in).

    The pages name the settings only, never the person or their address: a forwarded mail's link
    tells its reader nothing about whom it belongs to. An expired link offers to sign in instead.
    """
    try:
        user_id, kinds = read_unsubscribe_token(token)
    except signing.SignatureExpired:
        expired = {"max_age_days": UNSUBSCRIBE_MAX_AGE.days}
        return render(request, "notifications/unsubscribe_expired.html", expired, status=410)
    except signing.BadSignature:
        return render(request, "notifications/unsubscribe_invalid.html", status=400)
    user = get_user_model().objects.filter(pk=user_id, is_active=True).first()
    known = [k for k in (get_kind(key) for key in kinds) if k is not None]
    if user is None or not known:
        return render(request, "notifications/unsubscribe_invalid.html", status=400)
    context: dict[str, Any] = {"kinds": known, "token": token}
    if request.method == "POST":
        services.preferences_unsubscribe(user=user, kinds=[k.key for k in known])
        return render(request, "notifications/unsubscribe_done.html", context)
    return render(request, "notifications/unsubscribe_confirm.html", context)
