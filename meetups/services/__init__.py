"""Every write of the meetups app; import the services from here."""

from .organisations import (
    external_person_create,
    external_person_update,
    organisation_create,
    organisation_update,
)
from .recurrence import generate_all_series, series_generate_events, series_occurrences
from .reminders import send_due_reminders
from .rsvp import calendar_feed_get_or_create, calendar_feed_regenerate, promote_waitlisted, rsvp_set
from .series import event_cancel, event_create, event_update, series_create, series_update

__all__ = [
    "calendar_feed_get_or_create",
    "calendar_feed_regenerate",
    "event_cancel",
    "event_create",
    "event_update",
    "external_person_create",
    "external_person_update",
    "generate_all_series",
    "organisation_create",
    "organisation_update",
    "promote_waitlisted",
    "rsvp_set",
    "send_due_reminders",
    "series_create",
    "series_generate_events",
    "series_occurrences",
    "series_update",
]
