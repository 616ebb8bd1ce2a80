"""Races the community row lock exists for, run for real on two database connections."""

from __future__ import annotations

import threading
from collections.abc import Callable

import pytest
from django.core.exceptions import ValidationError
from django.db import connection

from communities.core.services import community_create, membership_change_role, membership_join, membership_leave
from communities.models import Community, Membership
from tests.communities.conftest import assert_counters_exact
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db(transaction=True)


def _race(*calls: Callable[[], object]) -> list[object]:
    """Run the calls at the same moment in threads (own connections); return results or errors."""
    barrier = threading.Barrier(len(calls))
    results: list[object] = [None] * len(calls)

    def run(i: int, call: Callable[[], object]) -> None:
        try:
            barrier.wait()
            results[i] = call()
        except Exception as exc:
            results[i] = exc
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i, call)) for i, call in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    return results


def test_races_on_owners_and_joins_are_serialised_by_the_community_lock():
    """One test for both races: every transactional test pays for flushing the whole database."""
    first, second = UserFactory.create(), UserFactory.create()
    community = community_create(actor=first, name="Race")
    membership_change_role(actor=first, membership=membership_join(actor=second, community=community), role="owner")
    results = _race(
        lambda: membership_leave(actor=first, community=community),
        lambda: membership_leave(actor=second, community=community),
    )
    errors = [r for r in results if isinstance(r, ValidationError)]
    assert len(errors) == 1 and "hand over ownership first" in errors[0].messages[0]
    owners = Membership.objects.filter(community=community, role="owner", state="active")
    assert owners.count() == 1
    assert Community.objects.get(pk=community.pk).member_count == 1

    # the same person joining twice at the same moment joins once
    owner, person = UserFactory.create(), UserFactory.create()
    community = community_create(actor=owner, name="Double")
    results = _race(
        lambda: membership_join(actor=person, community=community),
        lambda: membership_join(actor=person, community=community),
    )
    assert sum(isinstance(r, Membership) for r in results) == 1
    assert sum(isinstance(r, ValidationError) for r in results) == 1
    assert Community.objects.get(pk=community.pk).member_count == 2
    assert_counters_exact()
