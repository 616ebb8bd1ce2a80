"""Meetup series, their events and the answers (RSVPs) of the people who come.

Counters shown in lists (``going_count``, ``waitlist_count``) are stored on the event and kept exact
by ``meetups.events.services`` under a row lock on the event; nothing here writes them.
"""

from __future__ import annotations

import datetime as dt
import secrets
from typing import Any
from zoneinfo import ZoneInfo

from django.conf import settings
from django.contrib.postgres.indexes import GinIndex, OpClass
from django.contrib.postgres.lookups import TrigramWordSimilar
from django.contrib.postgres.search import SearchQuery, SearchRank, SearchVector, SearchVectorField
from django.db import models
from django.db.models import F, Q
from django.db.models.functions import Lower
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from taggit.managers import TaggableManager
from taggit.models import TagBase, TaggedItemBase

from meetups.organisations.models import ExternalPerson, Organisation

from .rules import describe_rule

SEARCH_CONFIGS = ("german", "english")
DEFAULT_TIME_ZONE = "Europe/Berlin"


class Format(models.TextChoices):
    ONLINE = "online", _("Online")
    ON_SITE = "on_site", _("On site")
    HYBRID = "hybrid", _("Hybrid")


class Language(models.TextChoices):
    GERMAN = "de", _("German")
    ENGLISH = "en", _("English")


class MeetupTag(TagBase):
    class Meta:
        verbose_name = _("meetup topic")
        verbose_name_plural = _("meetup topics")


class TaggedMeetupSeries(TaggedItemBase):
    content_object: models.ForeignKey[MeetupSeries, MeetupSeries] = models.ForeignKey(
        "MeetupSeries", on_delete=models.CASCADE
    )
    tag: models.ForeignKey[MeetupTag, MeetupTag] = models.ForeignKey(
        MeetupTag, on_delete=models.CASCADE, related_name="tagged_series"
    )

    class Meta:
        constraints = [models.UniqueConstraint(fields=["content_object", "tag"], name="tagged_meetup_series_once")]


def _search_vector() -> Any:
    title = [SearchVector("title", config=c, weight="A") for c in SEARCH_CONFIGS]
    tags = [SearchVector("tag_names", "hashtag", config=c, weight="A") for c in SEARCH_CONFIGS]
    text = [SearchVector("description", config=c, weight="B") for c in SEARCH_CONFIGS]
    vector: Any = title[0]
    for part in [*title[1:], *tags, *text]:
        vector = vector + part
    return vector


def search_filter(text: str, prefix: str = "") -> tuple[Q, SearchQuery | None]:
    """The condition 'matches ``text``' on a series (``prefix`` reaches it from a related model):
    full-text over title, topics and description, or a typo-tolerant title match (pg_trgm)."""
    text = " ".join(text.split())
    if not text:
        return Q(), None
    query = SearchQuery(text, config=SEARCH_CONFIGS[0], search_type="websearch")
    for config in SEARCH_CONFIGS[1:]:
        query = query | SearchQuery(text, config=config, search_type="websearch")
    condition = Q(**{f"{prefix}search_vector": query}) | Q(TrigramWordSimilar(Lower(f"{prefix}title"), text.lower()))
    return condition, query


class MeetupSeriesQuerySet(models.QuerySet["MeetupSeries"]):
    def search(self, text: str) -> MeetupSeriesQuerySet:
        condition, query = search_filter(text)
        if query is None:
            return self
        return self.filter(condition).annotate(rank=SearchRank(F("search_vector"), query))


class MeetupSeries(models.Model):  # type: ignore[django-manager-missing]  # taggit's through model
    """A recurring (or one-off) meetup with its organisers and, optionally, a recurrence rule."""

    title = models.CharField(_("title"), max_length=160)
    slug = models.SlugField(_("address"), max_length=80, unique=True)
    tags = TaggableManager(through=TaggedMeetupSeries, verbose_name=_("topics"), blank=True)
    # Denormalised copy of the topic names for the search vector; written by the services.
    tag_names = models.TextField(editable=False, default="", blank=True)
    hashtag = models.CharField(_("hashtag"), max_length=60, blank=True, help_text=_("Without the # sign."))
    description = models.TextField(_("description"), max_length=10000, blank=True)
    description_html = models.TextField(editable=False, default="", blank=True)
    organisations = models.ManyToManyField(
        Organisation, verbose_name=_("organising organisations"), blank=True, related_name="series"
    )
    organisers = models.ManyToManyField(
        settings.AUTH_USER_MODEL, verbose_name=_("organisers"), blank=True, related_name="organised_meetup_series"
    )
    external_organisers = models.ManyToManyField(
        ExternalPerson, verbose_name=_("external organisers"), blank=True, related_name="organised_series"
    )
    format = models.CharField(_("format"), max_length=10, choices=Format.choices, default=Format.ON_SITE)
    city = models.CharField(_("city"), max_length=100, blank=True)
    language = models.CharField(_("language"), max_length=5, choices=Language.choices, default=Language.GERMAN)
    recurrence_rule = models.CharField(
        _("recurrence rule"),
        max_length=300,
        blank=True,
        help_text=_("An iCalendar RRULE, for example FREQ=MONTHLY;BYDAY=+2TU. Empty for one-off meetups."),
    )
    recurrence_start = models.DateField(_("first day of the rule"), null=True, blank=True)
    default_start_time = models.TimeField(_("start time"), default=dt.time(18, 0))
    time_zone = models.CharField(_("time zone"), max_length=64, default=DEFAULT_TIME_ZONE)
    duration_minutes = models.PositiveIntegerField(_("duration in minutes"), default=90)
    default_place = models.CharField(_("place"), max_length=300, blank=True)
    default_online_url = models.URLField(_("online link"), blank=True)
    default_capacity = models.PositiveIntegerField(
        _("seats"), null=True, blank=True, help_text=_("Empty for unlimited.")
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    search_vector = models.GeneratedField(
        expression=_search_vector(), output_field=SearchVectorField(), db_persist=True
    )

    objects = MeetupSeriesQuerySet.as_manager()

    class Meta:
        verbose_name = _("meetup series")
        verbose_name_plural = _("meetup series")
        indexes = [
            models.Index(fields=["title", "id"], name="meetup_series_title_order"),
            GinIndex(fields=["search_vector"], name="meetup_series_search"),
            GinIndex(OpClass(Lower("title"), name="gin_trgm_ops"), name="meetup_series_title_trgm"),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(duration_minutes__gt=0), name="meetup_series_duration_positive"),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("meetups:series_detail", kwargs={"slug": self.slug})

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.time_zone)

    @property
    def is_recurring(self) -> bool:
        return bool(self.recurrence_rule)

    @property
    def recurrence_text(self) -> str:
        """The rule in words of the active language ("monthly on the last Friday"); "" if none."""
        return describe_rule(self.recurrence_rule, zone=self.zone) if self.recurrence_rule else ""


class MeetupEventQuerySet(models.QuerySet["MeetupEvent"]):
    def upcoming(self, now: dt.datetime | None = None) -> MeetupEventQuerySet:
        return self.filter(ends_at__gte=now or timezone.now())

    def past(self, now: dt.datetime | None = None) -> MeetupEventQuerySet:
        return self.filter(ends_at__lt=now or timezone.now())


class MeetupEvent(models.Model):
    """One date of a series. At most one event per series and start time (the recurrence generator
    relies on it to stay idempotent)."""

    series = models.ForeignKey(MeetupSeries, on_delete=models.CASCADE, related_name="events", db_index=False)
    title = models.CharField(_("title"), max_length=160, blank=True, help_text=_("Empty: the series title."))
    starts_at = models.DateTimeField(_("starts at"))
    # Stored so lists can filter on "still running or ahead" without date arithmetic in SQL.
    ends_at = models.DateTimeField(_("ends at"), editable=False)
    time_zone = models.CharField(_("time zone"), max_length=64, default=DEFAULT_TIME_ZONE)
    duration_minutes = models.PositiveIntegerField(_("duration in minutes"), default=90)
    place = models.CharField(_("place"), max_length=300, blank=True)
    online_url = models.URLField(_("online link"), blank=True)
    capacity = models.PositiveIntegerField(_("seats"), null=True, blank=True, help_text=_("Empty for unlimited."))
    agenda = models.TextField(_("agenda"), max_length=10000, blank=True)
    agenda_html = models.TextField(editable=False, default="", blank=True)
    recording_url = models.URLField(_("recording"), blank=True)
    notes = models.TextField(_("notes"), max_length=20000, blank=True)
    notes_html = models.TextField(editable=False, default="", blank=True)
    cancelled = models.BooleanField(_("cancelled"), default=False)
    cancelled_at = models.DateTimeField(_("cancelled at"), null=True, blank=True)
    speakers = models.ManyToManyField(
        ExternalPerson, verbose_name=_("guests from outside"), blank=True, related_name="events"
    )
    generated = models.BooleanField(default=False, editable=False)
    going_count = models.PositiveIntegerField(_("going"), default=0, editable=False)
    waitlist_count = models.PositiveIntegerField(_("on the waitlist"), default=0, editable=False)
    # Hands out the order in which answers arrived (waitlist order); bumped under the event lock.
    rsvp_sequence = models.PositiveIntegerField(default=0, editable=False)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    objects = MeetupEventQuerySet.as_manager()

    class Meta:
        verbose_name = _("meetup")
        verbose_name_plural = _("meetups")
        indexes = [
            models.Index(fields=["starts_at", "id"], name="meetup_event_start_order"),
            models.Index(fields=["ends_at", "id"], name="meetup_event_end_order"),
        ]
        constraints = [
            models.UniqueConstraint(fields=["series", "starts_at"], name="meetup_event_once_per_start"),
            models.CheckConstraint(condition=Q(duration_minutes__gt=0), name="meetup_event_duration_positive"),
            models.CheckConstraint(condition=Q(ends_at__gt=F("starts_at")), name="meetup_event_ends_after_start"),
            models.CheckConstraint(
                condition=Q(capacity__isnull=True) | Q(going_count__lte=F("capacity")),
                name="meetup_event_never_overbooked",
            ),
        ]

    def __str__(self) -> str:
        return self.display_title

    def get_absolute_url(self) -> str:
        return reverse("meetups:event_detail", kwargs={"pk": self.pk})

    @property
    def display_title(self) -> str:
        return self.title or (self.series.title if self.series_id else "")

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.time_zone)

    @property
    def local_start(self) -> dt.datetime:
        return self.starts_at.astimezone(self.zone)

    @property
    def local_end(self) -> dt.datetime:
        return self.ends_at.astimezone(self.zone)

    @property
    def seats_left(self) -> int | None:
        if self.capacity is None:
            return None
        return max(self.capacity - self.going_count, 0)

    @property
    def is_full(self) -> bool:
        return self.capacity is not None and self.going_count >= self.capacity

    def is_past(self, now: dt.datetime | None = None) -> bool:
        return self.ends_at < (now or timezone.now())


class RSVP(models.Model):
    """One person's answer to one event; at most one row per pair."""

    class Status(models.TextChoices):
        GOING = "going", _("Going")
        WAITLIST = "waitlist", _("On the waitlist")
        NOT_GOING = "not_going", _("Not going")

    event = models.ForeignKey(MeetupEvent, on_delete=models.CASCADE, related_name="rsvps", db_index=False)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="meetup_rsvps")
    status = models.CharField(_("answer"), max_length=10, choices=Status.choices)
    # Place in the order of answers to this event (from ``MeetupEvent.rsvp_sequence``): the waitlist
    # is served in this order.
    sequence = models.PositiveIntegerField(default=0)
    responded_at = models.DateTimeField(_("answered at"), default=timezone.now)
    promoted_at = models.DateTimeField(null=True, blank=True)
    reminded_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("answer")
        verbose_name_plural = _("answers")
        indexes = [models.Index(fields=["event", "status", "sequence"], name="meetup_rsvp_event_status")]
        constraints = [models.UniqueConstraint(fields=["event", "user"], name="meetup_rsvp_once")]

    def __str__(self) -> str:
        return f"{self.user_id} → {self.event_id}: {self.status}"


def new_feed_token() -> str:
    return secrets.token_urlsafe(32)


class CalendarFeed(models.Model):
    """The secret address of a person's iCal feed of the meetups they go to; regenerable."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, primary_key=True, related_name="meetup_feed"
    )
    token = models.CharField(max_length=64, unique=True, default=new_feed_token)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("calendar feed")
        verbose_name_plural = _("calendar feeds")

    def __str__(self) -> str:
        return f"feed of {self.user_id}"
