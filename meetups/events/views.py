"""Views of meetup series and events (function views): parse input, call one selector or service, render."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from intranet.core.web import apply_errors, error_message, viewer_of
from meetups.organisations.permissions import can_curate_organisations

from . import ical, selectors, services
from . import permissions as perms
from .forms import CancelForm, DirectoryForm, EventCreateForm, EventForm, SeriesCreateForm, SeriesForm
from .models import RSVP, Format
from .services import UNSET

Status = RSVP.Status


def _base_url(request: HttpRequest) -> str:
    return request.build_absolute_uri("/").rstrip("/")


# Directory ---------------------------------------------------------------------------------------


@login_required
@require_GET
def meetup_list(request: HttpRequest) -> HttpResponse:
    viewer = viewer_of(request)
    form = DirectoryForm(request.GET)
    filters = form.filters()
    cursor = form.cursor_value()
    page = selectors.event_list_for_directory(viewer=viewer, filters=filters, cursor=cursor or None)
    kept = {k: str(v) for k, v in request.GET.items() if v and k != "cursor" and k in form.fields}
    next_url = ""
    if page.next_cursor:
        next_url = f"{reverse('meetups:meetup_list')}?{urlencode({**kept, 'cursor': page.next_cursor})}"
    without_tab = {k: v for k, v in kept.items() if k != "tab"}
    context: dict[str, Any] = {
        "page": page,
        "next_url": next_url,
        "filters": filters,
        "past": filters.tab == selectors.Tab.PAST,
        "tab_urls": {
            tab: f"{reverse('meetups:meetup_list')}?{urlencode({**without_tab, 'tab': tab})}"
            for tab in selectors.Tab.choices
        },
    }
    if getattr(request, "htmx", False) and cursor:
        return render(request, "meetups/events/_event_page.html", context)
    context.update(
        choices=selectors.directory_choices(),
        formats=Format.choices,
        can_create=perms.can_create_series(viewer),
        can_curate=can_curate_organisations(viewer),
    )
    return render(request, "meetups/events/meetup_list.html", context)


# Series ------------------------------------------------------------------------------------------


@login_required
@require_GET
def series_detail(request: HttpRequest, slug: str) -> HttpResponse:
    viewer = viewer_of(request)
    detail = selectors.series_get_for_viewer(viewer=viewer, slug=slug)
    return render(
        request,
        "meetups/events/series_detail.html",
        {
            "detail": detail,
            "series": detail.series,
            "can_edit": perms.can_edit_series(viewer, detail.series),
            "can_see_email": perms.can_view_external_email(viewer),
        },
    )


def _series_kwargs(form: SeriesForm) -> dict[str, Any]:
    data = form.cleaned_data
    return {
        "title": data["title"],
        "tags": data["tags"],
        "hashtag": data["hashtag"],
        "description": data["description"],
        "format": data["format"],
        "city": data["city"],
        "language": data["language"],
        "organisations": list(data["organisations"]),
        "external_organisers": list(data["external_organisers"]),
        "recurrence_rule": data["recurrence_rule"],
        "recurrence_start": data["recurrence_start"],
        "default_start_time": data["default_start_time"],
        "time_zone": data["time_zone"],
        "duration_minutes": data["duration_minutes"],
        "default_place": data["default_place"],
        "default_online_url": data["default_online_url"],
        "default_capacity": data["default_capacity"],
    }


@login_required
@require_http_methods(["GET", "POST"])
def series_create(request: HttpRequest) -> HttpResponse:
    viewer = viewer_of(request)
    if not perms.can_create_series(viewer):
        raise PermissionDenied
    form = SeriesCreateForm(request.POST or None)
    if request.method == "POST":
        if form.is_valid():
            try:
                series = services.series_create(
                    actor=viewer,
                    organisers=form.cleaned_data["organisers"],
                    idempotency_key=form.cleaned_data["idempotency_key"],
                    **_series_kwargs(form),
                )
            except ValidationError as exc:
                apply_errors(form, exc)
            else:
                messages.success(request, _("The meetup series has been created."))
                return redirect(series.get_absolute_url())
        form.mark_invalid()
    return render(request, "meetups/events/series_form.html", {"form": form, "series": None})


@login_required
@require_http_methods(["GET", "POST"])
def series_edit(request: HttpRequest, slug: str) -> HttpResponse:
    viewer = viewer_of(request)
    series = selectors.series_for_edit(viewer=viewer, slug=slug)
    if not perms.can_edit_series(viewer, series):
        raise PermissionDenied
    if request.method == "POST":
        form = SeriesForm(request.POST)
        if form.is_valid():
            try:
                organisers = form.cleaned_data["organisers"]
                services.series_update(
                    actor=viewer, series=series, organisers=organisers or UNSET, **_series_kwargs(form)
                )
            except ValidationError as exc:
                apply_errors(form, exc)
            else:
                messages.success(request, _("The changes have been saved."))
                return redirect(series.get_absolute_url())
        form.mark_invalid()
    else:
        form = SeriesForm(initial=SeriesForm.initial_for(series))
    return render(request, "meetups/events/series_form.html", {"form": form, "series": series})


@login_required
@require_POST
def series_generate(request: HttpRequest, slug: str) -> HttpResponse:
    viewer = viewer_of(request)
    series = selectors.series_for_edit(viewer=viewer, slug=slug)
    if not perms.can_edit_series(viewer, series):
        raise PermissionDenied
    try:
        created = services.series_generate_events(series)
    except ValidationError as exc:
        error_message(request, exc)
    else:
        messages.success(request, _("%(count)d new dates have been added.") % {"count": created})
    return redirect(series.get_absolute_url())


# Events ------------------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def event_create(request: HttpRequest, slug: str) -> HttpResponse:
    viewer = viewer_of(request)
    series = selectors.series_for_edit(viewer=viewer, slug=slug)
    if not perms.can_create_event(viewer, series):
        raise PermissionDenied
    if request.method == "POST":
        form = EventCreateForm(request.POST)
        if form.is_valid():
            fields = form.service_fields()
            try:
                event = services.event_create(
                    actor=viewer, series=series, idempotency_key=form.cleaned_data["idempotency_key"], **fields
                )
            except ValidationError as exc:
                apply_errors(form, exc)
            else:
                messages.success(request, _("The meetup has been added."))
                return redirect(event.get_absolute_url())
        form.mark_invalid()
    else:
        form = EventCreateForm(initial=EventForm.initial_for_series(series))
    return render(request, "meetups/events/event_form.html", {"form": form, "series": series, "event": None})


@login_required
@require_GET
def event_detail(request: HttpRequest, pk: int) -> HttpResponse:
    viewer = viewer_of(request)
    detail = selectors.event_get_for_viewer(viewer=viewer, pk=pk)
    event = detail.event
    return render(
        request,
        "meetups/events/event_detail.html",
        {
            "detail": detail,
            "event": event,
            "series": event.series,
            "can_edit": perms.can_edit_event(viewer, event),
            "can_cancel": perms.can_cancel_event(viewer, event),
            "can_rsvp": perms.can_rsvp(viewer, event),
            "can_see_email": perms.can_view_external_email(viewer),
            "is_past": event.is_past(),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def event_edit(request: HttpRequest, pk: int) -> HttpResponse:
    viewer = viewer_of(request)
    event = selectors.event_get(viewer=viewer, pk=pk)
    if not perms.can_edit_event(viewer, event):
        raise PermissionDenied
    if request.method == "POST":
        form = EventForm(request.POST)
        if form.is_valid():
            try:
                services.event_update(actor=viewer, event=event, **form.service_fields())
            except ValidationError as exc:
                apply_errors(form, exc)
            else:
                messages.success(request, _("The changes have been saved."))
                return redirect(event.get_absolute_url())
        form.mark_invalid()
    else:
        form = EventForm(initial=EventForm.initial_for(event))
    return render(request, "meetups/events/event_form.html", {"form": form, "series": event.series, "event": event})


@login_required
@require_http_methods(["GET", "POST"])
def event_cancel(request: HttpRequest, pk: int) -> HttpResponse:
    viewer = viewer_of(request)
    event = selectors.event_get(viewer=viewer, pk=pk)
    if not perms.can_cancel_event(viewer, event):
        raise PermissionDenied
    form = CancelForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        services.event_cancel(actor=viewer, event=event, reason=form.cleaned_data["reason"])
        messages.success(request, _("The meetup has been cancelled. Everyone who planned to come is told."))
        return redirect(event.get_absolute_url())
    return render(request, "meetups/events/event_cancel.html", {"form": form, "event": event})


@login_required
@require_POST
def event_rsvp(request: HttpRequest, pk: int) -> HttpResponse:
    viewer = viewer_of(request)
    event = selectors.event_get(viewer=viewer, pk=pk)
    status = request.POST.get("status", "")
    if status not in (Status.GOING, Status.NOT_GOING):
        return HttpResponse(status=400)
    if not perms.can_rsvp(viewer, event):
        raise PermissionDenied
    rsvp = services.rsvp_set(actor=viewer, event_id=event.pk, status=status)
    if rsvp.status == Status.GOING:
        messages.success(request, _("You are going. See you there!"))
    elif rsvp.status == Status.WAITLIST:
        messages.info(request, _("The meetup is full: you are on the waitlist and move up when a seat is free."))
    else:
        messages.info(request, _("You are not going. Thanks for letting the organisers know."))
    return redirect(event.get_absolute_url())


@login_required
@require_GET
def event_ics(request: HttpRequest, pk: int) -> HttpResponse:
    viewer = viewer_of(request)
    event = selectors.event_get(viewer=viewer, pk=pk)
    response = HttpResponse(ical.event_calendar(event, base_url=_base_url(request)), content_type="text/calendar")
    response["Content-Disposition"] = f'attachment; filename="meetup-{event.pk}.ics"'
    return response


# Personal calendar feed --------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def calendar_settings(request: HttpRequest) -> HttpResponse:
    viewer = viewer_of(request)
    if request.method == "POST":
        services.calendar_feed_regenerate(actor=viewer)
        messages.success(request, _("Your calendar has a new address. The old one no longer works."))
        return redirect("meetups:calendar_settings")
    feed = services.calendar_feed_get_or_create(actor=viewer)
    feed_url = request.build_absolute_uri(reverse("meetups:calendar_feed", kwargs={"token": feed.token}))
    return render(request, "meetups/events/calendar_settings.html", {"feed_url": feed_url})


@never_cache
@require_GET
def calendar_feed(request: HttpRequest, token: str) -> HttpResponse:
    """The secret feed: no session needed (calendar apps poll it), the token is the key."""
    _user_id, events = selectors.events_for_feed(token=token)
    body = ical.feed_calendar(events, name=_("My meetups"), base_url=_base_url(request))
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = 'inline; filename="meetups.ics"'
    response["X-Robots-Tag"] = "noindex"
    response["Referrer-Policy"] = "no-referrer"
    return response
