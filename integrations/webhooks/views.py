"""The webhook pages: platform subscriptions (coordinators, in the console), a community's
subscriptions (its owners and coordinators), one subscription with its delivery log."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import BadRequest, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from communities.api import Community, community_get_for_viewer
from intranet.core.viewer import Viewer
from intranet.core.web import apply_errors, viewer_of

from . import services
from .forms import SubscriptionForm
from .models import Subscription
from .permissions import can_manage_community_webhooks, can_manage_platform_webhooks
from .selectors import (
    delivery_log_for_subscription,
    subscription_get_for_viewer,
    subscription_list_for_community,
    subscription_list_for_platform,
)
from .tasks import dispatch_later


def _community(viewer: Viewer, slug: str) -> Community:
    community = community_get_for_viewer(viewer, slug)
    if not can_manage_community_webhooks(viewer, community):
        # Members who may see the community but not manage it: the page does not exist for them.
        raise Http404
    return community


def _cursor(request: HttpRequest) -> str | None:
    return request.GET.get("cursor") or None


@login_required
def platform_list(request: HttpRequest) -> HttpResponse:
    viewer = viewer_of(request)
    if not can_manage_platform_webhooks(viewer):
        raise Http404
    page = subscription_list_for_platform(viewer, cursor=_cursor(request))
    return render(
        request,
        "webhooks/subscription_list.html",
        {"page": page, "community": None, "console_tab": "webhooks"},
    )


@login_required
def community_list(request: HttpRequest, slug: str) -> HttpResponse:
    viewer = viewer_of(request)
    community = _community(viewer, slug)
    page = subscription_list_for_community(viewer, community, cursor=_cursor(request))
    return render(request, "webhooks/subscription_list.html", {"page": page, "community": community})


def _form_page(request: HttpRequest, *, community: Community | None, subscription: Subscription | None) -> HttpResponse:
    viewer = viewer_of(request)
    is_community = community is not None
    if request.method == "POST":
        form = SubscriptionForm(request.POST, community=is_community)
        if form.is_valid():
            data = form.cleaned_data
            try:
                if subscription is None:
                    subscription = services.subscription_create(
                        actor=viewer,
                        community=community,
                        url=data["url"],
                        event_types=data["event_types"],
                        description=data["description"],
                    )
                    messages.success(
                        request, _("The webhook is set up. Use the signing secret below to verify its messages.")
                    )
                else:
                    services.subscription_update(
                        actor=viewer,
                        subscription=subscription,
                        url=data["url"],
                        event_types=data["event_types"],
                        description=data["description"],
                    )
                    messages.success(request, _("The webhook has been saved."))
            except ValidationError as exc:
                apply_errors(form, exc)
            else:
                return redirect(subscription.get_absolute_url())
    elif subscription is not None:
        form = SubscriptionForm(
            initial={
                "url": subscription.url,
                "description": subscription.description,
                "event_types": subscription.event_types,
            },
            community=is_community,
        )
    else:
        form = SubscriptionForm(community=is_community)
    status = 400 if request.method == "POST" else 200
    context: dict[str, Any] = {"form": form, "community": community, "subscription": subscription}
    return render(request, "webhooks/subscription_form.html", context, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def platform_create(request: HttpRequest) -> HttpResponse:
    if not can_manage_platform_webhooks(viewer_of(request)):
        raise Http404
    return _form_page(request, community=None, subscription=None)


@login_required
@require_http_methods(["GET", "POST"])
def community_create(request: HttpRequest, slug: str) -> HttpResponse:
    community = _community(viewer_of(request), slug)
    return _form_page(request, community=community, subscription=None)


@login_required
def subscription_detail(request: HttpRequest, pk: int) -> HttpResponse:
    viewer = viewer_of(request)
    subscription = subscription_get_for_viewer(viewer, pk)
    page = delivery_log_for_subscription(subscription, cursor=_cursor(request))
    return render(
        request,
        "webhooks/subscription_detail.html",
        {"subscription": subscription, "community": subscription.community, "page": page},
    )


@login_required
@require_http_methods(["GET", "POST"])
def subscription_edit(request: HttpRequest, pk: int) -> HttpResponse:
    subscription = subscription_get_for_viewer(viewer_of(request), pk)
    return _form_page(request, community=subscription.community, subscription=subscription)


@login_required
@require_POST
def subscription_delete(request: HttpRequest, pk: int) -> HttpResponse:
    viewer = viewer_of(request)
    subscription = subscription_get_for_viewer(viewer, pk)
    community = subscription.community
    services.subscription_delete(actor=viewer, subscription=subscription)
    messages.success(request, _("The webhook has been deleted."))
    if community is not None:
        return redirect("webhooks:community_list", slug=community.slug)
    return redirect("webhooks:platform_list")


@login_required
@require_POST
def subscription_test(request: HttpRequest, pk: int) -> HttpResponse:
    viewer = viewer_of(request)
    subscription = subscription_get_for_viewer(viewer, pk)
    services.subscription_send_test(actor=viewer, subscription=subscription)
    if subscription.is_active:
        dispatch_later(subscription.pk)
        messages.success(request, _("A test event is on its way; its result appears in the log below."))
    else:
        messages.info(request, _("The test event waits until the webhook is switched on again."))
    return redirect(subscription.get_absolute_url())


@login_required
@require_POST
def subscription_toggle(request: HttpRequest, pk: int) -> HttpResponse:
    viewer = viewer_of(request)
    subscription = subscription_get_for_viewer(viewer, pk)
    if request.POST.get("active") == "1":
        services.subscription_enable(actor=viewer, subscription=subscription)
        dispatch_later(subscription.pk)
        messages.success(request, _("The webhook is switched on again."))
    elif request.POST.get("active") == "0":
        services.subscription_disable(actor=viewer, subscription=subscription)
        messages.success(request, _("The webhook is switched off; events wait until it is switched on."))
    else:
        raise BadRequest
    return redirect(subscription.get_absolute_url())


@login_required
@require_POST
def subscription_rotate_secret(request: HttpRequest, pk: int) -> HttpResponse:
    viewer = viewer_of(request)
    subscription = subscription_get_for_viewer(viewer, pk)
    services.subscription_rotate_secret(actor=viewer, subscription=subscription)
    messages.success(request, _("The webhook has a new signing secret; the old one no longer verifies."))
    return redirect(subscription.get_absolute_url())
