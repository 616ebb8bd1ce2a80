"""Factories and helpers of the meetup tests."""

from __future__ import annotations

import datetime as dt
from typing import Any

import factory
from django.contrib.auth.models import AnonymousUser, Permission
from django.utils import timezone
from factory.django import DjangoModelFactory

from intranet.accounts.models import User
from intranet.core.viewer import Viewer
from meetups.models import ExternalPerson, MeetupEvent, MeetupSeries, Organisation
from tests.factories import UserFactory


class OrganisationFactory(DjangoModelFactory[Organisation]):
    class Meta:
        model = Organisation

    name = factory.Sequence(lambda n: f"Organisation {n}")
    kind = Organisation.Kind.EXTERNAL
    city = "Berlin"


class ExternalPersonFactory(DjangoModelFactory[ExternalPerson]):
    class Meta:
        model = ExternalPerson

    name = factory.Sequence(lambda n: f"Guest {n}")
    organisation = factory.SubFactory(OrganisationFactory)
    role = "Speaker"
    email = factory.Sequence(lambda n: f"guest{n}@partner.example")


class SeriesFactory(DjangoModelFactory[MeetupSeries]):
    """A bare series row: for preconditions. Business writes go through the services."""

    class Meta:
        model = MeetupSeries
        skip_postgeneration_save = True

    title = factory.Sequence(lambda n: f"Meetup series {n}")
    slug = factory.Sequence(lambda n: f"meetup-series-{n}")
    city = "Berlin"
    format = "on_site"

    @factory.post_generation
    def topics(obj: MeetupSeries, create: bool, extracted: list[str] | None, **kwargs: object) -> None:
        if create and extracted:
            obj.tags.set(extracted)
            obj.tag_names = ", ".join(extracted)
            obj.save(update_fields=["tag_names"])

    @factory.post_generation
    def organisers(obj: MeetupSeries, create: bool, extracted: list[User] | None, **kwargs: object) -> None:
        if create and extracted:
            obj.organisers.set(extracted)


def make_event(series: MeetupSeries, *, starts_at: dt.datetime | None = None, **fields: Any) -> MeetupEvent:
    starts_at = starts_at or timezone.now() + dt.timedelta(days=7)
    duration = fields.pop("duration_minutes", 90)
    return MeetupEvent.objects.create(
        series=series,
        starts_at=starts_at,
        ends_at=starts_at + dt.timedelta(minutes=duration),
        duration_minutes=duration,
        time_zone=fields.pop("time_zone", "Europe/Berlin"),
        **fields,
    )


def coordinator() -> User:
    user = UserFactory.create()
    user.user_permissions.add(Permission.objects.get(codename="coordinate", content_type__app_label="communities"))
    return User.objects.get(pk=user.pk)  # fresh: no cached permissions


def viewer_of(user: User | None) -> Viewer:
    return Viewer(user if user is not None else AnonymousUser())
