"""The permission matrix of the meetup directory, parity of predicates and querysets, and audit rows."""

from __future__ import annotations

import datetime as dt

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils import timezone

from intranet.core.models import AuditEntry
from intranet.core.viewer import Viewer
from meetups.events import permissions as perms
from meetups.events import services
from meetups.models import RSVP, MeetupEvent, MeetupSeries
from meetups.organisations import permissions as org_perms
from meetups.organisations import services as org_services
from tests.factories import UserFactory
from tests.meetups.factories import OrganisationFactory, SeriesFactory, coordinator, make_event, viewer_of

KINDS = ["anonymous", "employee", "organiser", "other_organiser", "coordinator", "staff", "going", "waiting"]

# kind -> expected answers, in the order of ACTIONS
ACTIONS = [
    "view_series",
    "view_event",
    "create_series",
    "edit_series",
    "create_event",
    "edit_event",
    "cancel_event",
    "rsvp",
    "view_attendees",
    "curate_organisations",
    "view_external_email",
]
EXPECTED = {
    "anonymous": [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0],
    "employee": [1, 1, 0, 0, 0, 0, 0, 1, 0, 0, 0],
    "going": [1, 1, 0, 0, 0, 0, 0, 1, 1, 0, 0],
    "waiting": [1, 1, 0, 0, 0, 0, 0, 1, 1, 0, 0],
    "organiser": [1, 1, 1, 1, 1, 1, 1, 1, 1, 0, 1],
    "other_organiser": [1, 1, 1, 0, 0, 0, 0, 1, 0, 0, 1],
    "coordinator": [1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1],
    "staff": [1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1],
}


def _viewer(kind: str, series: MeetupSeries, event: MeetupEvent) -> tuple[Viewer, str | None]:
    if kind == "anonymous":
        return Viewer(AnonymousUser()), None
    if kind == "coordinator":
        return viewer_of(coordinator()), None
    user = UserFactory.create(is_staff=kind == "staff")
    status = None
    if kind == "organiser":
        series.organisers.add(user)
    elif kind == "other_organiser":
        SeriesFactory.create(organisers=[user])
    elif kind in ("going", "waiting"):
        status = RSVP.Status.GOING if kind == "going" else RSVP.Status.WAITLIST
        RSVP.objects.create(event=event, user=user, status=status)
    return viewer_of(user), status


def _answers(viewer: Viewer, status: str | None, series: MeetupSeries, event: MeetupEvent) -> list[int]:
    return [
        int(perms.can_view_series(viewer, series)),
        int(perms.can_view_event(viewer, event)),
        int(perms.can_create_series(viewer)),
        int(perms.can_edit_series(viewer, series)),
        int(perms.can_create_event(viewer, series)),
        int(perms.can_edit_event(viewer, event)),
        int(perms.can_cancel_event(viewer, event)),
        int(perms.can_rsvp(viewer, event)),
        int(perms.can_view_attendees(viewer, event, status)),
        int(org_perms.can_curate_organisations(viewer)),
        int(perms.can_view_external_email(viewer)),
    ]


@pytest.mark.django_db
@pytest.mark.parametrize("kind", KINDS)
def test_permission_matrix(kind: str) -> None:
    series = SeriesFactory.create()
    event = make_event(series)
    viewer, status = _viewer(kind, series, event)
    assert dict(zip(ACTIONS, _answers(viewer, status, series, event), strict=True)) == dict(
        zip(ACTIONS, EXPECTED[kind], strict=True)
    )


@pytest.mark.django_db
@pytest.mark.parametrize("kind", KINDS)
def test_view_predicates_agree_with_querysets(kind: str) -> None:
    series = SeriesFactory.create()
    event = make_event(series)
    viewer, _ = _viewer(kind, series, event)
    visible_series = set(perms.visible_series(viewer, MeetupSeries.objects.all()).values_list("pk", flat=True))
    visible_events = set(perms.visible_events(viewer, MeetupEvent.objects.all()).values_list("pk", flat=True))
    for s in MeetupSeries.objects.all():
        assert perms.can_view_series(viewer, s) == (s.pk in visible_series)
    for e in MeetupEvent.objects.all():
        assert perms.can_view_event(viewer, e) == (e.pk in visible_events)


@pytest.mark.django_db
def test_nobody_answers_or_cancels_past_or_cancelled_events() -> None:
    series = SeriesFactory.create()
    past = make_event(series, starts_at=timezone.now() - dt.timedelta(days=1))
    cancelled = make_event(series, cancelled=True)
    boss = viewer_of(coordinator())
    for event in (past, cancelled):
        assert not perms.can_rsvp(boss, event)
        assert not perms.can_cancel_event(boss, event)
        assert perms.can_edit_event(boss, event)  # notes and recordings are added afterwards


@pytest.mark.django_db
def test_predicates_cost_two_queries_for_any_number_of_series(django_assert_num_queries) -> None:
    user = UserFactory.create()
    series = [SeriesFactory.create(organisers=[user]) for _ in range(5)]
    viewer = viewer_of(user)
    with django_assert_num_queries(2):  # the organised series; the coordinator permission
        results = [perms.can_edit_series(viewer, s) for s in series] + [perms.can_create_series(viewer)]
    assert all(results)


@pytest.mark.django_db
def test_privileged_writes_write_one_audit_row_each() -> None:
    boss = viewer_of(coordinator())
    org = org_services.organisation_create(actor=boss, name="Partner GmbH", kind="external")
    series = services.series_create(actor=boss, title="Cloud Native Night", tags=["cloud"], organisations=[org])
    event = services.event_create(actor=boss, series=series, starts_at=timezone.now() + dt.timedelta(days=3))
    services.event_update(actor=boss, event=event, notes="Slides follow.")
    services.series_update(actor=boss, series=series, city="Hamburg")
    services.event_cancel(actor=boss, event=event, reason="Speaker ill")
    services.event_cancel(actor=boss, event=event) if perms.can_cancel_event(boss, event) else None
    actions = list(AuditEntry.objects.order_by("id").values_list("action", flat=True))
    assert actions == [
        "meetup_organisation.created",
        "meetup_series.created",
        "meetup_event.created",
        "meetup_event.updated",
        "meetup_series.updated",
        "meetup_event.cancelled",
    ]
    assert AuditEntry.objects.get(action="meetup_event.cancelled").reason == "Speaker ill"


@pytest.mark.django_db
@pytest.mark.parametrize("kind", ["employee", "other_organiser", "going"])
def test_denied_writes_change_nothing(kind: str) -> None:
    series = SeriesFactory.create(title="Original")
    event = make_event(series)
    viewer, _ = _viewer(kind, series, event)
    before = (AuditEntry.objects.count(), list(MeetupSeries.objects.values_list("title", flat=True)))
    with pytest.raises(PermissionDenied):
        services.series_update(actor=viewer, series=series, title="Hijacked")
    with pytest.raises(PermissionDenied):
        services.event_cancel(actor=viewer, event=event)
    with pytest.raises(PermissionDenied):
        services.event_create(actor=viewer, series=series, starts_at=timezone.now() + dt.timedelta(days=1))
    with pytest.raises(PermissionDenied):
        org_services.organisation_create(actor=viewer, name="Sneaky Ltd")
    series.refresh_from_db()
    event.refresh_from_db()
    assert (AuditEntry.objects.count(), list(MeetupSeries.objects.values_list("title", flat=True))) == before
    assert not event.cancelled
    assert MeetupEvent.objects.count() == 1


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("kind", "status"),
    [("anonymous", 302), ("employee", 403), ("other_organiser", 403), ("organiser", 200), ("coordinator", 200)],
)
def test_edit_pages_answer_by_role(client, kind: str, status: int) -> None:
    series = SeriesFactory.create()
    event = make_event(series)
    viewer, _ = _viewer(kind, series, event)
    if viewer.is_authenticated:
        client.force_login(viewer.user)
    for url in (
        reverse("meetups:series_edit", kwargs={"slug": series.slug}),
        reverse("meetups:event_edit", kwargs={"pk": event.pk}),
        reverse("meetups:event_create", kwargs={"slug": series.slug}),
        reverse("meetups:event_cancel", kwargs={"pk": event.pk}),
    ):
        assert client.get(url).status_code == status, url


@pytest.mark.django_db
def test_attendee_list_and_guest_emails_stay_with_the_right_people(client) -> None:
    from tests.meetups.factories import ExternalPersonFactory

    organiser = UserFactory.create()
    series = SeriesFactory.create(organisers=[organiser])
    guest = ExternalPersonFactory.create(email="speaker@partner.example", organisation=OrganisationFactory.create())
    series.external_organisers.add(guest)
    event = make_event(series)
    attendee = UserFactory.create(display_name="Attending Alice")
    services.rsvp_set(actor=viewer_of(attendee), event_id=event.pk, status=RSVP.Status.GOING)
    url = reverse("meetups:event_detail", kwargs={"pk": event.pk})

    client.force_login(UserFactory.create())
    page = client.get(url).content.decode()
    assert "Attending Alice" not in page and "speaker@partner.example" not in page and guest.name in page

    client.force_login(attendee)
    page = client.get(url).content.decode()
    assert "Attending Alice" in page and "speaker@partner.example" not in page

    client.force_login(organiser)
    page = client.get(url).content.decode()
    assert "Attending Alice" in page and "speaker@partner.example" in page
