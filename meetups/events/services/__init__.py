"""Every write of meetup series, events, answers and calendar feeds; import the services from here."""

from ._common import UNSET
from .recurrence import generate_all_series, series_generate_events, series_occurrences
from .reminders import send_due_reminders
from .rsvp import calendar_feed_get_or_create, calendar_feed_regenerate, promote_waitlisted, rsvp_set
from .series import event_cancel, event_create, event_update, series_create, series_update

__all__ = [
    "UNSET",
    "calendar_feed_get_or_create",
    "calendar_feed_regenerate",
    "event_cancel",
    "event_create",
    "event_update",
    "generate_all_series",
    "promote_waitlisted",
    "rsvp_set",
    "send_due_reminders",
    "series_create",
    "series_generate_events",
    "series_occurrences",
    "series_update",
]
