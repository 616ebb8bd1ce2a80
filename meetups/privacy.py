"""What the meetups app records about people (the register, intranet/core/privacy.py).

RSVPs, calendar feeds and the network profile belong to the person. Meetup series and events are
published for everyone: they stay, the organiser link is anonymised. Speakers and contacts outside
the company are entered by organisers; they are not accounts, so they are never exported to an
employee and organisers remove them on request.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from intranet.core.privacy import (
    COMPANY_CONTENT_REASON,
    CONVERSATION_REASON,
    OnErase,
    actor,
    anonymised,
    kept,
    not_personal,
    own,
    personal_data,
)
from meetups.models import (
    RSVP,
    CalendarFeed,
    ExternalPerson,
    MeetupEvent,
    MeetupSeries,
    MeetupTag,
    NetworkProfile,
    Organisation,
    PartnerCommunity,
    Tandem,
    TandemMeeting,
    TandemSuggestion,
)

RENDERED = _("The same text as the source, rendered; follows the source.")
EXTERNAL = _(
    "A person outside the company, entered by organisers with their consent; not an account, so it is "
    "in no employee's export; organisers correct or remove it on request."
)

not_personal(Organisation, _("A company or association and its public address."))
not_personal(MeetupTag, _("A tag word shared by meetup series."))
not_personal(
    TandemSuggestion,
    _("Why two communities might learn from each other; computed from community figures, names no one."),
)
personal_data(
    ExternalPerson,
    kind="external_people",
    owners=(),
    fields={
        "name": kept(EXTERNAL, export=False),
        "role": kept(EXTERNAL, export=False),
        "email": kept(EXTERNAL, export=False),
    },
    on_erase=OnErase.KEEP,
    reason=EXTERNAL,
    exported=False,
)
personal_data(
    MeetupSeries,
    kind="meetups_organised",
    label=_("Meetups organised"),
    owners=("created_by", "organisers"),
    fields={
        "created_by": actor(export=True, reason=COMPANY_CONTENT_REASON),
        "organisers": anonymised(COMPANY_CONTENT_REASON),
        "title": kept(COMPANY_CONTENT_REASON),
        "description": kept(COMPANY_CONTENT_REASON),
        "description_html": kept(RENDERED, export=False),
        "city": kept(COMPANY_CONTENT_REASON),
        "default_place": kept(COMPANY_CONTENT_REASON),
        "default_online_url": kept(COMPANY_CONTENT_REASON),
    },
    other_fields={
        "tag_names": _("The series' tags, copied for search."),
        "hashtag": _("A short public tag of the series."),
        "recurrence_rule": _("A calendar rule (RRULE)."),
        "time_zone": _("A time-zone name."),
    },
    on_erase=OnErase.ANONYMISE,
    reason=COMPANY_CONTENT_REASON,
)
not_personal(
    MeetupEvent,
    _("One date of a meetup series, published for everyone; its organisers are those of the series."),
)
personal_data(
    RSVP,
    kind="rsvps",
    label=_("RSVPs"),
    owners=("user",),
    fields={"user": own()},
    on_erase=OnErase.DELETE,
)
personal_data(
    CalendarFeed,
    kind="calendar_feeds",
    label=_("Calendar feeds"),
    owners=("user",),
    fields={"user": own(), "token": own(export=False)},
    on_erase=OnErase.DELETE,
)
personal_data(
    NetworkProfile,
    kind="network_profile",
    label=_("Network profile"),
    owners=("user",),
    fields={"user": own(), "advice_topics": own()},
    on_erase=OnErase.DELETE,
)
personal_data(
    PartnerCommunity,
    kind="meetups_organised",
    owners=("created_by",),
    fields={
        "created_by": actor(export=True, reason=COMPANY_CONTENT_REASON),
        "name": kept(COMPANY_CONTENT_REASON),
        "description": kept(COMPANY_CONTENT_REASON),
        "topics": kept(COMPANY_CONTENT_REASON),
        "contact_name": kept(EXTERNAL),
    },
    on_erase=OnErase.ANONYMISE,
    reason=COMPANY_CONTENT_REASON,
)
personal_data(
    Tandem,
    kind="tandems",
    label=_("Tandems"),
    owners=("proposed_by", "accepted_a_by", "accepted_b_by"),
    fields={
        "proposed_by": anonymised(CONVERSATION_REASON),
        "accepted_a_by": anonymised(CONVERSATION_REASON),
        "accepted_b_by": anonymised(CONVERSATION_REASON),
        "ended_by": actor(),
        "reasons": kept(CONVERSATION_REASON),
        "message": kept(CONVERSATION_REASON),
        "learnings": kept(CONVERSATION_REASON),
        "learnings_html": kept(RENDERED, export=False),
        "end_reason": kept(CONVERSATION_REASON),
    },
    on_erase=OnErase.ANONYMISE,
    reason=CONVERSATION_REASON,
)
personal_data(
    TandemMeeting,
    kind="tandems",
    owners=("logged_by",),
    fields={
        "logged_by": anonymised(CONVERSATION_REASON),
        "notes": kept(CONVERSATION_REASON),
        "notes_html": kept(RENDERED, export=False),
    },
    on_erase=OnErase.ANONYMISE,
    reason=CONVERSATION_REASON,
)
