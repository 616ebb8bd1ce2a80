"""URLs of the meetups app (namespace ``meetups``), mounted at ``/meetups/``."""

from django.urls import path

app_name = "meetups"
urlpatterns: list = []

# The managers' network and inspiration tandems -----------------------------------------------
from . import views_network, views_tandems  # noqa: E402

urlpatterns += [
    path("network/", views_network.network_directory, name="network_directory"),
    path("network/me/", views_network.network_profile_edit, name="network_profile"),
    # Handles may contain dots ("anna.mueller"), so they are matched as plain path segments.
    path("network/ask/<str:handle>/", views_network.network_ask, name="network_ask"),
    path("tandems/", views_tandems.tandem_list, name="tandem_list"),
    path("tandems/suggestions/", views_tandems.tandem_bulk, name="tandem_bulk"),
    path("tandems/partners/new/", views_tandems.partner_create, name="partner_create"),
    path("tandems/for/<slug:slug>/", views_tandems.tandem_suggestions, name="tandem_suggestions"),
    path("tandems/for/<slug:slug>/propose/", views_tandems.tandem_propose, name="tandem_propose"),
    path("tandems/for/<slug:slug>/partner/", views_tandems.tandem_propose_partner, name="tandem_propose_partner"),
    path("tandems/<int:pk>/", views_tandems.tandem_detail, name="tandem_detail"),
    path("tandems/<int:pk>/accept/", views_tandems.tandem_accept, name="tandem_accept"),
    path("tandems/<int:pk>/decline/", views_tandems.tandem_decline, name="tandem_decline"),
    path("tandems/<int:pk>/withdraw/", views_tandems.tandem_withdraw, name="tandem_withdraw"),
    path("tandems/<int:pk>/close/", views_tandems.tandem_close, name="tandem_close"),
    path("tandems/<int:pk>/meetings/", views_tandems.tandem_meeting_create, name="tandem_meeting_create"),
    path("tandems/<int:pk>/learnings/", views_tandems.tandem_learnings, name="tandem_learnings"),
]

# The meetup directory: series, events, answers, calendars, organisations --------------------
from . import views as views_meetups  # noqa: E402

urlpatterns += [
    path("", views_meetups.meetup_list, name="meetup_list"),
    path("series/new/", views_meetups.series_create, name="series_create"),
    path("series/<slug:slug>/", views_meetups.series_detail, name="series_detail"),
    path("series/<slug:slug>/edit/", views_meetups.series_edit, name="series_edit"),
    path("series/<slug:slug>/generate/", views_meetups.series_generate, name="series_generate"),
    path("series/<slug:slug>/events/new/", views_meetups.event_create, name="event_create"),
    path("events/<int:pk>/", views_meetups.event_detail, name="event_detail"),
    path("events/<int:pk>/edit/", views_meetups.event_edit, name="event_edit"),
    path("events/<int:pk>/cancel/", views_meetups.event_cancel, name="event_cancel"),
    path("events/<int:pk>/rsvp/", views_meetups.event_rsvp, name="event_rsvp"),
    path("events/<int:pk>/calendar.ics", views_meetups.event_ics, name="event_ics"),
    path("calendar/", views_meetups.calendar_settings, name="calendar_settings"),
    path("calendar/<str:token>.ics", views_meetups.calendar_feed, name="calendar_feed"),
    path("organisations/", views_meetups.organisation_list, name="organisation_list"),
    path("organisations/new/", views_meetups.organisation_form, name="organisation_create"),
    path("organisations/<int:pk>/edit/", views_meetups.organisation_form, name="organisation_edit"),
    path("people/new/", views_meetups.person_form, name="person_create"),
    path("people/<int:pk>/edit/", views_meetups.person_form, name="person_edit"),
]
