"""Each works-council switch takes the data out where it is produced, not only out of templates
(issue 23, item 5): selectors, services, the websocket and the pages built on them."""

from __future__ import annotations

import datetime as dt

import pytest
from asgiref.sync import sync_to_async
from django.core.cache import cache
from django.urls import reverse
from django.utils import timezone

from communities.console.selectors import portfolio_page
from communities.core import services as community_services
from communities.health.selectors import people_count
from communities.models import InboxItem
from communities.moderation.permissions import can_view_moderation_log, can_view_platform_log
from intranet.core import presence, switches
from intranet.core.privacy import entry_for
from intranet.core.viewer import Viewer
from intranet.messaging import selectors as dm_selectors
from intranet.messaging import services as dm_services
from intranet.messaging.models import Participant
from intranet.privacy.exporter import rows_of
from tests.communities.factories import add_person
from tests.core.ws import open_socket, receive_until_marker, subscribe
from tests.factories import UserFactory
from tests.messaging.conftest import make_user, send, start
from tests.privacy.builders import Builder
from training.manage.selectors import enrolments_for_export, programme_cohorts, programme_progress, stuck_learners
from training.models import Enrolment

# Presence and typing -------------------------------------------------------------------------------


@pytest.fixture
def _in_memory_layer(settings):
    settings.CHANNEL_LAYERS = {"default": {"BACKEND": "channels.layers.InMemoryChannelLayer"}}


@pytest.mark.django_db(transaction=True)
@pytest.mark.asyncio
@pytest.mark.usefixtures("_in_memory_layer")
async def test_presence_off_announces_nobody_and_relays_no_typing(settings):
    settings.PRIVACY_PRESENCE = False
    anna, ben = await sync_to_async(make_user)(), await sync_to_async(make_user)()
    conversation = await sync_to_async(start)(anna, [ben], "hi")
    topic = f"conversation.{conversation.pk}"
    ben_socket, _, _ = await open_socket(ben)
    await subscribe(ben_socket, topic)
    assert await receive_until_marker(ben_socket) == []  # no presence.snapshot

    anna_socket, _, _ = await open_socket(anna)
    await subscribe(anna_socket, topic)
    await receive_until_marker(anna_socket)
    await anna_socket.send_json_to({"type": "typing", "topic": topic})
    await anna_socket.send_json_to({"type": "ping"})
    assert await receive_until_marker(ben_socket) == []  # no "online", no "typing"
    assert await presence.online(topic) == []
    assert await sync_to_async(cache.get)(f"realtime:presence:{topic}") is None  # nothing stored
    await anna_socket.disconnect()
    assert await receive_until_marker(ben_socket) == []  # no "offline" either
    await ben_socket.disconnect()


@pytest.mark.django_db(transaction=True)
@pytest.mark.asyncio
@pytest.mark.usefixtures("_in_memory_layer")
async def test_presence_on_still_announces(settings):
    settings.PRIVACY_PRESENCE = True
    anna, ben = await sync_to_async(make_user)(), await sync_to_async(make_user)()
    conversation = await sync_to_async(start)(anna, [ben], "hi")
    topic = f"conversation.{conversation.pk}"
    ben_socket, _, _ = await open_socket(ben)
    await subscribe(ben_socket, topic)
    assert {"type": "presence.snapshot", "topic": topic, "user_ids": [ben.pk]} in await receive_until_marker(ben_socket)
    await ben_socket.disconnect()


# Read receipts -----------------------------------------------------------------------------------


def _read_by_ben(settings, receipts: bool):
    settings.PRIVACY_READ_RECEIPTS = receipts
    anna, ben = make_user(display_name="Anna"), make_user(display_name="Ben")
    conversation = start(anna, [ben], "hello")
    row = Participant.objects.get(conversation=conversation, user=ben)
    dm_services.conversation_mark_read(actor=ben, participant=row)
    return anna, ben, conversation


@pytest.mark.django_db
def test_read_receipts_on_show_the_sender_who_read(settings, client):
    anna, ben, conversation = _read_by_ben(settings, receipts=True)
    page = dm_selectors.conversation_page_for_viewer(viewer=Viewer(anna), conversation_id=conversation.pk)
    assert page.read_by == [ben]
    client.force_login(anna)
    assert 'id="read-receipt"' in client.get(conversation.get_absolute_url()).content.decode()


@pytest.mark.django_db
def test_read_receipts_off_record_nothing_and_show_nothing(settings, client):
    anna, ben, conversation = _read_by_ben(settings, receipts=False)
    row = Participant.objects.get(conversation=conversation, user=ben)
    assert row.last_read_at is None and row.last_read_message_id is None and row.unread_count == 0
    page = dm_selectors.conversation_page_for_viewer(viewer=Viewer(anna), conversation_id=conversation.pk)
    assert page.read_by == []
    send(ben, conversation, "reply")  # writing reads the conversation: still no receipt
    assert Participant.objects.get(pk=row.pk).last_read_at is None
    client.force_login(anna)
    assert 'id="read-receipt"' not in client.get(conversation.get_absolute_url()).content.decode()
    # The export of the reader holds no read time either.
    [exported] = list(rows_of(entry_for(Participant), ben))  # type: ignore[arg-type]
    assert exported["last_read_at"] is None and exported["last_read_message_id"] is None


# Per-person figures ------------------------------------------------------------------------------


@pytest.fixture
def portfolio(db):
    owner = UserFactory.create(display_name="Olga Owner")
    community = community_services.community_create(actor=owner, name="Solar Garden")
    Builder(owner, UserFactory.create()).build(InboxItem, community=community, status=InboxItem.Status.NEW)
    return owner, UserFactory.create(is_staff=True)


def test_person_figures_on_show_open_inbox_items_per_manager(settings, portfolio):
    settings.PRIVACY_PERSON_FIGURES = True
    owner, coordinator = portfolio
    [entry] = portfolio_page(Viewer(coordinator)).items
    assert entry.manager == owner and entry.open_inbox == 1


def test_person_figures_off_leave_them_out_of_the_console(settings, portfolio, client):
    settings.PRIVACY_PERSON_FIGURES = False
    owner, coordinator = portfolio
    [entry] = portfolio_page(Viewer(coordinator)).items
    assert entry.manager == owner and entry.open_inbox is None
    client.force_login(coordinator)
    html = client.get(reverse("communities:console_portfolio")).content.decode()
    assert "Olga Owner" in html and "Open inbox items" not in html


@pytest.mark.django_db
@pytest.mark.parametrize("figures", [True, False])
def test_person_figures_switch_the_training_reports_about_others(settings, figures):
    settings.PRIVACY_PERSON_FIGURES = figures
    learner = UserFactory.create()
    enrolment = Builder(learner, UserFactory.create()).build(Enrolment)
    Enrolment.objects.filter(pk=enrolment.pk).update(
        last_progress_at=timezone.now() - dt.timedelta(days=30), completed_at=None
    )
    programme = enrolment.programme  # type: ignore[attr-defined]
    expected = [enrolment.pk] if figures else []
    assert [e.pk for e in stuck_learners().items] == expected
    assert [e.pk for e in programme_progress(programme).items] == expected
    assert [e.pk for e in enrolments_for_export(programme)[1]] == expected


def test_person_figures_allow_ones_own():
    assert switches.person_figures_allowed(viewer_id=1, subject_id=1)


def test_person_figures_off_allow_only_ones_own(settings):
    settings.PRIVACY_PERSON_FIGURES = False
    assert switches.person_figures_allowed(viewer_id=3, subject_id=3)
    assert not switches.person_figures_allowed(viewer_id=3, subject_id=4)
    assert not switches.person_figures_allowed()


# Minimum group size ------------------------------------------------------------------------------


def test_min_group_size_is_one_setting_for_every_people_figure(settings):
    settings.PRIVACY_MIN_GROUP_SIZE = 3
    assert switches.min_group_size() == 3
    assert people_count(2, short=True) == "< 3" and people_count(3) == "3" and people_count(0) == "0"
    settings.PRIVACY_MIN_GROUP_SIZE = 8
    assert people_count(7, short=True) == "< 8"


@pytest.mark.django_db
def test_min_group_size_hides_the_figures_of_small_training_cohorts(settings):
    settings.PRIVACY_MIN_GROUP_SIZE = 3
    first = Builder(UserFactory.create(), UserFactory.create()).build(Enrolment, cohort="Small", steps_done=2)
    programme = first.programme  # type: ignore[attr-defined]
    for _ in range(3):
        Enrolment.objects.create(user=UserFactory.create(), programme=programme, cohort="Big", steps_done=1)
    Enrolment.objects.create(user=UserFactory.create(), programme=programme, cohort="Small", steps_done=0)
    rows = {row.cohort: row for row in programme_cohorts(programme)}
    assert (rows["Small"].learners, rows["Small"].completed, rows["Small"].avg_steps) == ("< 3", None, None)
    assert (rows["Big"].learners, rows["Big"].avg_steps) == (3, 1.0)


def test_health_min_group_size_stays_an_alias(settings):
    del settings.PRIVACY_MIN_GROUP_SIZE
    settings.HEALTH_MIN_GROUP_SIZE = 4
    assert switches.min_group_size() == 4


# Audit-log readers -------------------------------------------------------------------------------


@pytest.fixture
def logs(db):
    owner = UserFactory.create()
    community = community_services.community_create(actor=owner, name="Log Garden")
    manager = add_person(community, role="manager")
    return community, manager, UserFactory.create(is_staff=True), UserFactory.create(is_staff=True, is_superuser=True)


@pytest.mark.parametrize(
    ("readers", "manager_reads", "coordinator_reads", "superuser_reads"),
    [("staff", True, True, True), ("coordinators", False, True, True), ("superusers", False, False, True)],
)
def test_audit_readers_switch(settings, logs, client, readers, manager_reads, coordinator_reads, superuser_reads):
    settings.PRIVACY_AUDIT_READERS = readers
    community, manager, coordinator, superuser = logs
    assert can_view_moderation_log(Viewer(manager), community) is manager_reads
    assert can_view_moderation_log(Viewer(coordinator), community) is coordinator_reads
    assert can_view_platform_log(Viewer(coordinator)) is coordinator_reads
    assert can_view_platform_log(Viewer(superuser)) is superuser_reads
    client.force_login(manager)
    log_url = reverse("communities:moderation_log", kwargs={"slug": community.slug})
    assert client.get(log_url).status_code == (200 if manager_reads else 404)
    client.force_login(coordinator)
    assert client.get(reverse("communities:platform_log")).status_code == (200 if coordinator_reads else 404)
