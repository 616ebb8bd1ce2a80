"""A hidden object must cost exactly what a missing one costs (issue 17, item 16/17 "timing").

The 404 for a secret community's slug used to do more work than the 404 for a slug that does not
exist (the row was fetched first, then the viewer's maps were loaded to say no), so its response
time told that the community exists. Every community URL, post URL, comment URL and the attachment
download now resolve through one visibility-filtered lookup: these tests compare the number of
queries and their shape (SQL with literals stripped) for a missing and a hidden target, for every
URL pattern of those kinds, by GET and by POST.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import pytest
from django.contrib.auth.models import Permission
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from communities.core import services
from communities.models import Attachment, Comment, Community, CoordinatorScope, Post
from communities.posts import services as post_services
from intranet.accounts.models import User
from tests.communities.factories import CategoryFactory, add_person, write_post
from tests.communities.posts.conftest import file_upload
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

Visibility = Community.Visibility

_STRING = re.compile(r"'(?:[^']|'')*'")
_NUMBER = re.compile(r"(?<![\w.])-?\d+(?:\.\d+)?\b")
_LIST = re.compile(r"\((?:\s*\?\s*,)*\s*\?\s*\)")


def normalised(sql: str) -> str:
    """``sql`` with its literals replaced by ``?`` and literal lists by ``(...)``."""
    return _LIST.sub("(...)", _NUMBER.sub("?", _STRING.sub("?", sql)))


def _patterns(kwarg_names: set[str]) -> Iterator[tuple[str, set[str]]]:
    """``(name, converters)`` of every ``communities:`` URL pattern whose kwargs include one of
    ``kwarg_names``."""

    def walk(patterns: list[Any], namespace: str | None, converters: dict[str, Any]) -> Iterator[tuple[str, set[str]]]:
        for entry in patterns:
            here = {**converters, **getattr(entry.pattern, "converters", {})}
            if isinstance(entry, URLResolver):
                yield from walk(entry.url_patterns, entry.namespace or namespace, here)
            elif (
                isinstance(entry, URLPattern) and namespace == "communities" and entry.name and set(here) & kwarg_names
            ):
                yield entry.name, set(here)

    yield from walk(get_resolver().url_patterns, None, {})


def _request(client: Client, method: str, url: str) -> tuple[int, list[str]]:
    with CaptureQueriesContext(connection) as ctx:
        response = client.post(url) if method == "POST" else client.get(url)
    return response.status_code, [normalised(q["sql"]) for q in ctx.captured_queries]


def assert_same_cost(client: Client, method: str, missing_url: str, hidden_url: str) -> None:
    _request(client, method, missing_url)  # warm per-process caches (content types, the site root)
    missing_status, missing = _request(client, method, missing_url)
    hidden_status, hidden = _request(client, method, hidden_url)
    # 405 for a method the view does not take (decided before any lookup), else 404 for both.
    assert hidden_status == missing_status and hidden_status in (404, 405), (method, hidden_url, hidden_status)
    if missing != hidden:
        listing = "\n".join(f"  {i + 1}. {q}" for i, q in enumerate(missing))
        other = "\n".join(f"  {i + 1}. {q}" for i, q in enumerate(hidden))
        raise AssertionError(
            f"{method} {hidden_url}: {len(hidden)} queries for the hidden target, {len(missing)} for a missing one"
            f"\n--- missing ---\n{listing}\n--- hidden ---\n{other}"
        )


@pytest.fixture
def world(db) -> dict[str, Any]:
    """A secret community with a post, a comment and an attachment; a private one with a post; and
    an employee who is a member elsewhere (so the viewer's maps are not empty)."""
    owner = UserFactory.create()
    secret = services.community_create(actor=owner, name="Hidden Garden", visibility=Visibility.SECRET)
    private = services.community_create(actor=owner, name="Closed Garden", visibility=Visibility.PRIVATE)
    post = write_post(owner, secret, attachments=[file_upload("plan.txt", b"plan")])
    comment = post_services.comment_create(actor=owner, post=post, body="A reply.")
    private_post = write_post(owner, private)
    viewer: User = UserFactory.create()
    elsewhere = services.community_create(actor=UserFactory.create(), name="Open Garden")
    add_person(elsewhere)  # another member there, so rows exist besides the viewer's
    services.membership_join(actor=viewer, community=elsewhere)
    return {
        "viewer": viewer,
        "secret": secret,
        "post": post,
        "private_post": private_post,
        "comment": comment,
        "attachment": Attachment.objects.get(post=post),
    }


@pytest.fixture
def client_for(world) -> Client:
    client = Client()
    client.force_login(world["viewer"])
    return client


def _missing_id(model: type[Any]) -> int:
    return (model.objects.order_by("-pk").values_list("pk", flat=True).first() or 0) + 1000


def _kwargs(converters: set[str], **given: Any) -> dict[str, Any]:
    # Other ids in the URL (a membership, a user, a canvas version) get a fixed number: the lookup
    # of the community or post comes first, so what they point at never matters here.
    return {name: given.get(name, 1) for name in converters}


SLUG_PATTERNS = sorted(_patterns({"slug"}))
POST_PATTERNS = sorted(
    (n, c) for n, c in _patterns({"pk"}) if reverse(f"communities:{n}", kwargs=_kwargs(c)).startswith("/posts/")
)
COMMENT_PATTERNS = sorted(
    (n, c) for n, c in _patterns({"pk"}) if reverse(f"communities:{n}", kwargs=_kwargs(c)).startswith("/comments/")
)


def test_the_pattern_lists_cover_the_pages_of_the_issue():
    assert {"community_detail", "post_stream", "member_list", "canvas_detail", "community_health"} <= {
        n for n, _ in SLUG_PATTERNS
    }
    assert {"post_detail", "post_history", "post_card"} <= {n for n, _ in POST_PATTERNS}
    assert {"comment_edit", "comment_replies"} <= {n for n, _ in COMMENT_PATTERNS}


@pytest.mark.parametrize("method", ["GET", "POST"])
@pytest.mark.parametrize(("name", "converters"), SLUG_PATTERNS, ids=[n for n, _ in SLUG_PATTERNS])
def test_secret_community_costs_what_a_missing_one_costs(client_for, world, name, converters, method):
    missing = reverse(f"communities:{name}", kwargs=_kwargs(converters, slug="no-such-community"))
    hidden = reverse(f"communities:{name}", kwargs=_kwargs(converters, slug=world["secret"].slug))
    assert_same_cost(client_for, method, missing, hidden)


@pytest.mark.parametrize("target", ["post", "private_post"])
@pytest.mark.parametrize("method", ["GET", "POST"])
@pytest.mark.parametrize(("name", "converters"), POST_PATTERNS, ids=[n for n, _ in POST_PATTERNS])
def test_hidden_post_costs_what_a_missing_one_costs(client_for, world, name, converters, method, target):
    missing = reverse(f"communities:{name}", kwargs=_kwargs(converters, pk=_missing_id(Post)))
    hidden = reverse(f"communities:{name}", kwargs=_kwargs(converters, pk=world[target].pk))
    assert_same_cost(client_for, method, missing, hidden)


@pytest.mark.parametrize("method", ["GET", "POST"])
@pytest.mark.parametrize(("name", "converters"), COMMENT_PATTERNS, ids=[n for n, _ in COMMENT_PATTERNS])
def test_hidden_comment_costs_what_a_missing_one_costs(client_for, world, name, converters, method):
    missing = reverse(f"communities:{name}", kwargs=_kwargs(converters, pk=_missing_id(Comment)))
    hidden = reverse(f"communities:{name}", kwargs=_kwargs(converters, pk=world["comment"].pk))
    assert_same_cost(client_for, method, missing, hidden)


def test_hidden_attachment_costs_what_a_missing_one_costs(client_for, world):
    missing = reverse("communities:attachment_download", kwargs={"pk": _missing_id(Attachment)})
    hidden = reverse("communities:attachment_download", kwargs={"pk": world["attachment"].pk})
    assert_same_cost(client_for, "GET", missing, hidden)


def test_normalised_strips_literals_but_keeps_the_shape():
    assert normalised("SELECT 1 FROM t WHERE a = 'x' AND b IN (1, 2, 3) AND c = 4.5") == (
        "SELECT ? FROM t WHERE a = ? AND b IN (...) AND c = ?"
    )
    assert normalised("WHERE t.slug = 'a'") != normalised("WHERE t.pk = 1 AND t.slug = 'a'")


def test_same_cost_for_a_coordinator_outside_their_scope(world):
    """A scoped coordinator's maps (permissions, scope, memberships) load before the lookup too."""
    outside = CategoryFactory.create()
    coordinator = UserFactory.create()
    coordinator.user_permissions.add(
        Permission.objects.get(codename="coordinate", content_type__app_label="communities")
    )
    CoordinatorScope.objects.create(user=coordinator).categories.set([outside])
    client = Client()
    client.force_login(coordinator)
    for name, hidden, missing in (
        ("community_detail", {"slug": world["secret"].slug}, {"slug": "no-such-community"}),
        ("post_detail", {"pk": world["post"].pk}, {"pk": _missing_id(Post)}),
        ("attachment_download", {"pk": world["attachment"].pk}, {"pk": _missing_id(Attachment)}),
    ):
        missing_url = reverse(f"communities:{name}", kwargs=missing)
        assert_same_cost(client, "GET", missing_url, reverse(f"communities:{name}", kwargs=hidden))
