"""URLs of meetup series, events, answers and calendars (included by ``meetups.urls``)."""

from django.urls import URLPattern, path

from . import views

urlpatterns: list[URLPattern] = [
    path("", views.meetup_list, name="meetup_list"),
    path("series/new/", views.series_create, name="series_create"),
    path("series/<slug:slug>/", views.series_detail, name="series_detail"),
    path("series/<slug:slug>/edit/", views.series_edit, name="series_edit"),
    path("series/<slug:slug>/generate/", views.series_generate, name="series_generate"),
    path("series/<slug:slug>/events/new/", views.event_create, name="event_create"),
    path("events/<int:pk>/", views.event_detail, name="event_detail"),
    path("events/<int:pk>/edit/", views.event_edit, name="event_edit"),
    path("events/<int:pk>/cancel/", views.event_cancel, name="event_cancel"),
    path("events/<int:pk>/rsvp/", views.event_rsvp, name="event_rsvp"),
    path("events/<int:pk>/calendar.ics", views.event_ics, name="event_ics"),
    path("calendar/", views.calendar_settings, name="calendar_settings"),
    path("calendar/<str:token>.ics", views.calendar_feed, name="calendar_feed"),
]
