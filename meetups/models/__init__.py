"""Models of the meetups app, split by sub-domain; import them from here."""

from .network import NetworkProfile
from .organisations import ExternalPerson, Organisation
from .series import (
    RSVP,
    CalendarFeed,
    Format,
    Language,
    MeetupEvent,
    MeetupEventQuerySet,
    MeetupSeries,
    MeetupSeriesQuerySet,
    MeetupTag,
    TaggedMeetupSeries,
)
from .tandems import PartnerCommunity, Tandem, TandemMeeting, TandemSuggestion

__all__ = [
    "RSVP",
    "CalendarFeed",
    "ExternalPerson",
    "Format",
    "Language",
    "MeetupEvent",
    "MeetupEventQuerySet",
    "MeetupSeries",
    "MeetupSeriesQuerySet",
    "MeetupTag",
    "NetworkProfile",
    "Organisation",
    "PartnerCommunity",
    "TaggedMeetupSeries",
    "Tandem",
    "TandemMeeting",
    "TandemSuggestion",
]
