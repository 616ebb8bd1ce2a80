from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from intranet.accounts.models import User
from intranet.core.pagination import InvalidCursor, decode_cursor, encode_cursor, keyset_page
from tests.factories import UserFactory


@pytest.fixture
def people(db):
    base = timezone.now()
    users = []
    for i in range(25):
        # Several rows share a sort value, so the id tie-breaker matters.
        users.append(UserFactory(display_name=f"P{i:02d}", date_joined=base - dt.timedelta(days=i // 3)))
    return users


def _walk(ordering, page_size):
    seen: list[int] = []
    cursor, pages = None, 0
    while True:
        page = keyset_page(User.objects.all(), ordering=ordering, cursor=cursor, page_size=page_size)
        seen.extend(u.pk for u in page)
        pages += 1
        if not page.has_next:
            return seen, pages
        cursor = page.next_cursor


@pytest.mark.parametrize(
    "ordering",
    [("-date_joined", "-id"), ("date_joined", "id"), ("-date_joined", "id"), ("search_name", "id")],
)
def test_keyset_walk_visits_every_row_once_in_order(people, ordering):
    seen, pages = _walk(ordering, page_size=4)
    expected = list(User.objects.order_by(*ordering).values_list("pk", flat=True))
    assert seen == expected
    assert pages == 7  # 25 rows / 4 per page


def test_keyset_cursor_roundtrips_datetimes():
    now = timezone.now()
    assert decode_cursor(encode_cursor([now, 5]), 2) == [now, 5]


@pytest.mark.parametrize("bad", ["not-base64!!", encode_cursor([1]), "e30", encode_cursor([{"x": 1}, 2])])
def test_keyset_rejects_foreign_cursors(people, bad):
    with pytest.raises(InvalidCursor):
        keyset_page(User.objects.all(), ordering=("-date_joined", "-id"), cursor=bad)


def test_keyset_single_direction_uses_row_comparison(people):
    first = keyset_page(User.objects.all(), ordering=("-date_joined", "-id"), page_size=3)
    qs = User.objects.all()
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as ctx:
        keyset_page(qs, ordering=("-date_joined", "-id"), cursor=first.next_cursor, page_size=3)
    sql = ctx.captured_queries[0]["sql"]
    assert "ROW(" in sql and "OFFSET" not in sql
