"""The read-replica router's decisions (issue 21, item 3) against the test database.

``replica_1`` is a test mirror of ``default`` here (intranet/settings/test.py): the same database
over a second connection, so each test can see which connection a query took. The tests that prove
the behaviour with a real streaming replica, replay paused, are in ``tests/topology/loopback``.
"""

from __future__ import annotations

import time
from types import TracebackType

import pytest
from celery import shared_task
from django.contrib.auth import get_user_model
from django.core import signing
from django.db import connections, transaction
from django.http import HttpRequest, HttpResponse
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from intranet.core import dbrouter
from intranet.core.dbrouter import PIN_COOKIE, PrimaryReplicaRouter, ReplicaReadsTask, primary_reads, routing
from intranet.settings.database import databases
from intranet.settings.env import Env
from tests.factories import PASSWORD, UserFactory

User = get_user_model()
BOTH = ["default", "replica_1"]


@pytest.fixture
def replicas(settings):
    settings.DATABASE_REPLICAS = ["replica_1"]
    settings.DATABASE_PRIMARY_PIN_SECONDS = 10
    return settings


class Captured:
    """The SQL each alias ran inside the block."""

    def __enter__(self) -> Captured:
        self._contexts = {alias: CaptureQueriesContext(connections[alias]) for alias in BOTH}
        for context in self._contexts.values():
            context.__enter__()
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        for context in self._contexts.values():
            context.__exit__(exc_type, exc, tb)

    def count(self, alias: str) -> int:
        return len(self._contexts[alias].captured_queries)


# Settings ---------------------------------------------------------------------------------------


def test_replica_urls_become_mirrored_aliases(monkeypatch):
    monkeypatch.setenv("DATABASE_URL", "postgres://app@primary:5432/intranet")
    monkeypatch.setenv(
        "DATABASE_REPLICA_URLS", "postgres://app@replica-a:5432/intranet, postgres://app@replica-b:5432/intranet"
    )
    result = databases(Env())
    assert list(result) == ["default", "replica_1", "replica_2"]
    assert result["replica_1"]["HOST"] == "replica-a"
    assert result["replica_2"]["HOST"] == "replica-b"
    assert result["replica_1"]["TEST"] == {"MIRROR": "default"}
    assert "TEST" not in result["default"] or not result["default"]["TEST"].get("MIRROR")


def test_no_replica_urls_means_primary_only():
    assert list(databases(Env(database_url="postgres://app@primary:5432/intranet"))) == ["default"]


def test_pgbouncer_turns_off_prepared_statements_and_named_cursors(monkeypatch):
    monkeypatch.setenv("DATABASE_URL", "postgres://app@bouncer:6432/intranet")
    monkeypatch.setenv("DATABASE_REPLICA_URLS", "postgres://app@replica:5432/intranet")
    monkeypatch.setenv("DATABASE_POOLER", "pgbouncer")
    for db in databases(Env()).values():
        assert db["OPTIONS"]["prepare_threshold"] is None
        assert db["OPTIONS"]["server_side_binding"] is False
        assert db["DISABLE_SERVER_SIDE_CURSORS"] is True
    monkeypatch.delenv("DATABASE_POOLER")
    plain = databases(Env())["default"]
    assert not plain.get("DISABLE_SERVER_SIDE_CURSORS")
    assert "prepare_threshold" not in plain["OPTIONS"]


def test_unknown_pooler_is_refused(monkeypatch):
    monkeypatch.setenv("DATABASE_POOLER", "pgpool")
    with pytest.raises(ValueError, match="database_pooler"):
        Env()


# Decisions --------------------------------------------------------------------------------------


def test_decisions_without_a_request_or_task_read_the_primary(replicas):
    router = PrimaryReplicaRouter()
    assert router.db_for_read(User) == "default"
    assert router.db_for_write(User) == "default"


def test_a_request_reads_a_replica_until_it_writes(replicas):
    router = PrimaryReplicaRouter()
    with routing(replica_reads=True) as state:
        assert router.db_for_read(User) == "replica_1"
        assert router.db_for_write(User) == "default"
        assert state.wrote
        assert router.db_for_read(User) == "default"
    assert dbrouter.current_state() is None


def test_without_replicas_every_read_goes_to_the_primary(settings):
    settings.DATABASE_REPLICAS = []
    with routing(replica_reads=True):
        assert PrimaryReplicaRouter().db_for_read(User) == "default"


def test_several_replicas_share_the_reads(settings):
    settings.DATABASE_REPLICAS = ["replica_1", "replica_2"]
    with routing(replica_reads=True):
        chosen = {PrimaryReplicaRouter().db_for_read(User) for _ in range(200)}
    assert chosen == {"replica_1", "replica_2"}


def test_replicas_are_never_migrated():
    router = PrimaryReplicaRouter()
    assert router.allow_migrate("replica_1", "accounts") is False
    assert router.allow_migrate("default", "accounts") is None
    assert router.allow_relation(object(), object()) is True


@pytest.mark.django_db(transaction=True, databases=BOTH)
def test_reads_take_the_replica_connection_and_transactions_the_primary(replicas):
    UserFactory()
    with routing(replica_reads=True), Captured() as captured:
        assert User.objects.count() == 1
    assert (captured.count("replica_1"), captured.count("default")) == (1, 0)

    with routing(replica_reads=True), Captured() as captured, transaction.atomic():
        assert User.objects.select_for_update().count() == 1
    assert captured.count("replica_1") == 0


# Read-your-writes over HTTP ---------------------------------------------------------------------


@pytest.mark.django_db(transaction=True, databases=BOTH)
def test_a_person_who_wrote_reads_the_primary_for_the_pin(client, replicas):
    person = UserFactory()
    response = client.post(reverse("account_login"), {"login": person.email, "password": PASSWORD})
    assert response.status_code == 302
    pin = response.cookies[PIN_COOKIE]
    assert pin["max-age"] == 10
    assert pin["httponly"]

    with Captured() as captured:
        assert client.get(reverse("notifications:centre")).status_code == 200
    assert captured.count("replica_1") == 0
    assert captured.count("default") > 0

    # The same person once the pin has expired (the cookie gone): the page reads the replica.
    client.cookies.pop(PIN_COOKIE)
    with Captured() as captured:
        assert client.get(reverse("notifications:centre")).status_code == 200
    assert captured.count("default") == 0
    assert captured.count("replica_1") > 0


class _OldSigner(signing.TimestampSigner):
    def timestamp(self) -> str:
        return signing.b62_encode(int(time.time()) - 60)


@pytest.mark.django_db(transaction=True, databases=BOTH)
def test_an_expired_or_forged_pin_is_ignored(client, replicas):
    person = UserFactory()
    client.force_login(person)
    expired = _OldSigner(salt=PIN_COOKIE + dbrouter._PIN_SALT).sign("1")
    for value in (expired, "1", "forged:value:xyz"):
        client.cookies[PIN_COOKIE] = value
        with Captured() as captured:
            response = client.get(reverse("notifications:centre"))
        assert response.status_code == 200
        assert captured.count("default") == 0, value
        assert PIN_COOKIE not in response.cookies


@pytest.mark.django_db(transaction=True, databases=BOTH)
def test_reading_requests_set_no_pin(client, replicas):
    client.force_login(UserFactory())
    response = client.get(reverse("notifications:centre"))
    assert response.status_code == 200
    assert PIN_COOKIE not in response.cookies


@pytest.mark.django_db
def test_without_replicas_the_middleware_sets_nothing(client, settings):
    settings.DATABASE_REPLICAS = []
    person = UserFactory()
    response = client.post(reverse("account_login"), {"login": person.email, "password": PASSWORD})
    assert response.status_code == 302
    assert PIN_COOKIE not in response.cookies


# Views a live update calls -----------------------------------------------------------------------


def test_primary_reads_views_read_the_primary_then_the_request_goes_on(replicas):
    router = PrimaryReplicaRouter()
    seen: list[str] = []

    @primary_reads
    def view(request: HttpRequest) -> HttpResponse:
        seen.append(router.db_for_read(User))
        return HttpResponse()

    with routing(replica_reads=True) as state:
        view(RequestFactory().get("/"))
        assert state.replica_reads
        assert router.db_for_read(User) == "replica_1"
    assert seen == ["default"]
    view(RequestFactory().get("/"))  # outside a request's routing: nothing to change
    assert seen == ["default", "default"]


def test_the_views_behind_live_updates_read_the_primary():
    from communities.posts.views import live

    for view in (live.post_card, live.post_stream_newer, live.feed_newer, live.comment_list_newer):
        assert getattr(view, "primary_reads", False), view


# Celery tasks -----------------------------------------------------------------------------------


@shared_task(name="tests.topology.count_users")
def count_users() -> int:
    return User.objects.count()


@shared_task(name="tests.topology.count_users_lagging_ok", base=ReplicaReadsTask)
def count_users_lagging_ok() -> int:
    return User.objects.count()


@pytest.mark.django_db(transaction=True, databases=BOTH)
def test_tasks_read_the_primary_even_when_queued_from_a_request(replicas):
    UserFactory()
    with routing(replica_reads=True), Captured() as captured:
        assert count_users.apply().get(disable_sync_subtasks=False) == 1
        # The request's own state is back after the task.
        assert dbrouter.current_state() is not None
        assert dbrouter.current_state().replica_reads  # type: ignore[union-attr]
    assert (captured.count("default"), captured.count("replica_1")) == (1, 0)


@pytest.mark.django_db(transaction=True, databases=BOTH)
def test_a_task_may_declare_that_it_tolerates_lag(replicas):
    UserFactory()
    with Captured() as captured:
        assert count_users_lagging_ok.apply().get(disable_sync_subtasks=False) == 1
        assert count_users.apply().get(disable_sync_subtasks=False) == 1
    assert (captured.count("default"), captured.count("replica_1")) == (1, 1)
    assert dbrouter.current_state() is None
