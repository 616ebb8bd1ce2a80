"""Factories of training preconditions (programmes, steps, sessions); business state such as
bookings, progress and certificates is built through the real services."""

from __future__ import annotations

import datetime as dt

import factory
from django.utils import timezone
from factory.django import DjangoModelFactory

from training.models import Programme, Session, Step


class ProgrammeFactory(DjangoModelFactory[Programme]):
    class Meta:
        model = Programme

    title = factory.Sequence(lambda n: f"Programme {n}")
    description = "Learn to **run** a community."
    description_html = "<p>Learn to <strong>run</strong> a community.</p>"
    published = True


class StepFactory(DjangoModelFactory[Step]):
    class Meta:
        model = Step

    programme = factory.SubFactory(ProgrammeFactory)
    position = factory.Sequence(lambda n: n + 1)
    title = factory.Sequence(lambda n: f"Step {n}")
    kind = Step.Kind.READING
    body = "Read this."
    body_html = "<p>Read this.</p>"


class SessionFactory(DjangoModelFactory[Session]):
    class Meta:
        model = Session
        skip_postgeneration_save = True

    programme = factory.SubFactory(ProgrammeFactory)
    title = factory.Sequence(lambda n: f"Session {n}")
    starts_at = factory.LazyFunction(lambda: timezone.now() + dt.timedelta(days=7))
    time_zone = "Europe/Berlin"
    duration_minutes = 90
    place = "Room 1"
    capacity = 10
