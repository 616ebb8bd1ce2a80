from __future__ import annotations

import base64
import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from django.db import models
from django.utils import timezone
from hypothesis import given, settings
from hypothesis import strategies as st

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


JOINED = (User._meta.get_field("date_joined"), User._meta.get_field("id"))
SALT = "accounts.user:-date_joined,-id"  # what keyset_page uses for this list


def test_keyset_cursor_roundtrips_datetimes():
    now = timezone.now()
    assert decode_cursor(encode_cursor([now, 5], salt="x"), JOINED, salt="x") == [now, 5]


def _unsigned(raw: str) -> str:
    """A cursor as this paginator made them before they were signed: bare base64 JSON."""
    return base64.urlsafe_b64encode(raw.encode()).decode().rstrip("=")


BAD_CURSORS = [
    "not-base64!!",
    "e30",
    _unsigned('["x","x"]'),
    _unsigned('[{"dt":"2026-01-01T00:00:00+00:00"},5]'),
    encode_cursor([timezone.now(), 5], salt="accounts.user:date_joined,id"),  # another ordering
    encode_cursor([1], salt=SALT),
    encode_cursor([{"x": 1}, 2], salt=SALT),
    encode_cursor(["x", "x"], salt=SALT),
    encode_cursor([dt.datetime(2026, 1, 1), 5], salt=SALT),  # naive
    encode_cursor([dt.date(2026, 1, 1), 5], salt=SALT),  # a date for a datetime
    encode_cursor([timezone.now(), float("nan")], salt=SALT),
    encode_cursor([timezone.now(), float("inf")], salt=SALT),
    encode_cursor([timezone.now(), True], salt=SALT),
    encode_cursor([timezone.now(), 2**70], salt=SALT),
    encode_cursor([timezone.now(), None], salt=SALT),
    encode_cursor([{"dt": "yesterday"}, 5], salt=SALT),
    encode_cursor([timezone.now(), 5], salt=SALT) + "x",
    encode_cursor([timezone.now(), 5], salt=SALT)[:-2],
    "x" * 5000,
]


# Signed cursors carry a timestamp: numbered ids, so every xdist worker collects the same tests.
@pytest.mark.parametrize("bad", BAD_CURSORS, ids=[f"bad-{n}" for n in range(len(BAD_CURSORS))])
def test_keyset_rejects_foreign_cursors(people, bad):
    with pytest.raises(InvalidCursor):
        keyset_page(User.objects.all(), ordering=("-date_joined", "-id"), cursor=bad)


def test_keyset_signs_its_cursors_for_one_list(people):
    page = keyset_page(User.objects.all(), ordering=("-date_joined", "-id"), page_size=3)
    assert page.next_cursor
    assert keyset_page(User.objects.all(), ordering=("-date_joined", "-id"), cursor=page.next_cursor)
    with pytest.raises(InvalidCursor):
        keyset_page(User.objects.all(), ordering=("date_joined", "id"), cursor=page.next_cursor)


NUMBERS = (Decimal("1.5"), 1, 1.5, True, False)


@pytest.mark.parametrize(
    ("field", "good", "bad"),
    [
        (models.DateTimeField(), dt.datetime(2026, 1, 1, tzinfo=dt.UTC), (dt.datetime(2026, 1, 1), "2026", 1)),
        (models.DateField(), dt.date(2026, 1, 1), (dt.datetime(2026, 1, 1, tzinfo=dt.UTC), "2026-01-01", 1)),
        (models.DecimalField(), Decimal("2.50"), (Decimal("NaN"), Decimal("Infinity"), Decimal("1e5000"), 2, "2")),
        (models.BigAutoField(), 42, (True, 4.2, "42", Decimal(42), 2**63)),
        (models.IntegerField(), -3, (False, float("nan"), [3])),
        (models.FloatField(), 0.25, (float("nan"), float("-inf"), "0.25", True)),
        (models.CharField(), "Müller", ("a\x00b", "\ud800", 5, None)),
        (models.BooleanField(), True, (1, 0, "true", None)),
        (None, "anything", (float("nan"), Decimal("sNaN"), None, {"a": 1}, "\x00")),
    ],
)
def test_cursor_values_must_fit_their_field(field, good, bad):
    fields: tuple[models.Field[Any, Any] | None, ...] = (field, models.BigAutoField())
    assert decode_cursor(encode_cursor([good, 1], salt="t"), fields, salt="t") == [good, 1]
    for value in bad:
        with pytest.raises(InvalidCursor):
            decode_cursor(encode_cursor([value, 1], salt="t"), fields, salt="t")


_json = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.sampled_from(["dt", "d", "dec", "x"]), inner),
    max_leaves=6,
)


@settings(max_examples=150, deadline=None)
@given(values=st.lists(_json | st.sampled_from([{"dt": "2026-13-01"}, {"d": "0"}, {"dec": "1e999999"}]), max_size=3))
def test_forged_signed_values_never_crash_the_decoder(values):
    """Even with the signing key, a value that does not fit is an ``InvalidCursor``, nothing else."""
    fields: tuple[models.Field[Any, Any], ...] = (models.DateTimeField(), models.DecimalField(), models.BigAutoField())
    try:
        decoded = decode_cursor(encode_cursor(values, salt="t"), fields, salt="t")
    except InvalidCursor:
        return
    assert isinstance(decoded[0], dt.datetime) and isinstance(decoded[1], Decimal) and type(decoded[2]) is int


@settings(max_examples=150, deadline=None)
@given(cursor=st.text(max_size=300))
def test_any_text_is_a_cursor_or_an_invalid_cursor(cursor):
    with pytest.raises(InvalidCursor):
        decode_cursor(cursor, JOINED, salt=SALT)


def test_keyset_single_direction_uses_row_comparison(people):
    first = keyset_page(User.objects.all(), ordering=("-date_joined", "-id"), page_size=3)
    qs = User.objects.all()
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as ctx:
        keyset_page(qs, ordering=("-date_joined", "-id"), cursor=first.next_cursor, page_size=3)
    sql = ctx.captured_queries[0]["sql"]
    assert "ROW(" in sql and "OFFSET" not in sql
