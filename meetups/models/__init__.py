"""The model registry of the meetups app: every feature's models, imported so Django finds them.

The models live in their feature packages (``meetups.events.models``, ...); their app label stays
``meetups``, so tables and migrations are unchanged.
"""

from meetups.events.models import (
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
from meetups.network.models import NetworkProfile
from meetups.organisations.models import ExternalPerson, Organisation
from meetups.tandems.models import PartnerCommunity, Tandem, TandemMeeting, TandemSuggestion

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
