from __future__ import annotations

import pytest

from intranet.accounts.models import User
from tests.factories import UserFactory
from tests.support.queries import assert_constant_queries, pin_queries


@pytest.mark.django_db
def test_pin_queries_prints_sql_on_mismatch():
    with (
        pytest.raises(AssertionError, match=r"Expected 2 queries, 1 were executed:\n\s+1\. SELECT"),
        pin_queries(2),
    ):
        list(User.objects.all())


@pytest.mark.django_db
def test_assert_constant_queries_detects_n_plus_one():
    def n_plus_one():
        for u in User.objects.all():
            _ = u.profile.job_title

    with pytest.raises(AssertionError, match="grows with rows"):
        assert_constant_queries(add_rows=lambda n: UserFactory.create_batch(n), action=n_plus_one)


@pytest.mark.django_db
def test_assert_constant_queries_passes_for_joined_reads():
    def joined():
        return [u.profile.job_title for u in User.objects.select_related("profile")]

    assert assert_constant_queries(add_rows=lambda n: UserFactory.create_batch(n), action=joined, expected=1) == 1
