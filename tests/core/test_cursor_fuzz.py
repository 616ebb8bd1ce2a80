"""Every keyset list page survives any cursor: fuzzed ``?cursor=`` (and the other cursor
parameters) answer 200 (the first page again) or 400, never 500 (issue 17, item 6).

The pages are found by reading the views (:mod:`tests.support.url_scan`): a new list that reads a
cursor parameter fails :func:`test_every_cursor_page_is_fuzzed` until it is added to ``PAGES``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

import pytest
from django.contrib.auth.models import Permission
from django.test import Client
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from communities.core import services as community_services
from intranet.messaging.services import conversation_start
from tests.communities.factories import CategoryFactory, write_post
from tests.factories import UserFactory
from tests.support.cursors import CURSORS
from tests.support.url_scan import views_reading
from tests.training.factories import ProgrammeFactory

CURSOR_PARAMS = ("cursor", "since", "after", "holders")


@dataclass
class World:
    """One of everything a list page needs, seen by a superuser who owns the community."""

    client: Client
    slug: str
    post: int
    conversation: int
    programme: int


def _no_kwargs(name: str) -> Callable[[World], str]:
    return lambda world: reverse(name)


# URL name -> how to build its URL for the world.
PAGES: dict[str, Callable[[World], str]] = {
    **{
        name: _no_kwargs(name)
        for name in (
            "home",
            "account_invitations",
            "accounts:people_list",
            "search:results",
            "notifications:centre",
            "messaging:conversation_list",
            "communities:community_list",
            "communities:feed_newer",
            "communities:inbox",
            "communities:inbox_messages",
            "communities:console_community_list",
            "communities:console_portfolio",
            "communities:platform_log",
            "training:index",
            "training:manage_index",
            "training:certified",
            "training:expiring",
            "training:stuck",
            "training:exam_list",
            "training:grading_queue",
            "training:level_application_queue",
            "training:circle_list",
            "meetups:meetup_list",
            "meetups:network_directory",
            "meetups:tandem_list",
            "meetups:tandem_bulk",
            "privacy:my_data",
            "privacy:staff_exports",
            "account_erasures",
        )
    },
    "messaging:conversation_detail": lambda w: reverse("messaging:conversation_detail", kwargs={"pk": w.conversation}),
    "communities:member_list": lambda w: reverse("communities:member_list", kwargs={"slug": w.slug}),
    "communities:post_stream": lambda w: reverse("communities:post_stream", kwargs={"slug": w.slug}),
    "communities:post_stream_newer": lambda w: reverse("communities:post_stream_newer", kwargs={"slug": w.slug}),
    "communities:moderation_log": lambda w: reverse("communities:moderation_log", kwargs={"slug": w.slug}),
    "communities:canvas_history": lambda w: reverse("communities:canvas_history", kwargs={"slug": w.slug}),
    "communities:post_detail": lambda w: reverse("communities:post_detail", kwargs={"pk": w.post}),
    "communities:comment_list_newer": lambda w: reverse("communities:comment_list_newer", kwargs={"pk": w.post}),
    "training:manage_programme": lambda w: reverse("training:manage_programme", kwargs={"programme_id": w.programme}),
}

# Extra query parameters a page needs to reach its cursor (the search page pages only with a query).
EXTRA: dict[str, dict[str, str]] = {"search:results": {"q": "garden", "type": "posts"}}


# POST-only views that answer a form error with a list page: the cursor they read is that list's
# own (fuzzed above under the list's name); a GET of them is a 405.
RE_RENDERING_LIST: frozenset[str] = frozenset({"communities:membership_invite"})


def test_every_cursor_page_is_fuzzed():
    scanned = {name: params for name, params in views_reading(CURSOR_PARAMS).items() if name not in RE_RENDERING_LIST}
    assert set(scanned) - set(PAGES) == set(), "a list page reads a cursor: add it to PAGES"
    assert set(PAGES) - set(scanned) == set(), "PAGES names a page that reads no cursor any more"


@pytest.fixture
def world(db) -> World:
    boss = UserFactory.create(is_staff=True, is_superuser=True)
    boss.user_permissions.add(Permission.objects.get(codename="coordinate", content_type__app_label="communities"))
    community = community_services.community_create(actor=boss, name="Solar Garden", category=CategoryFactory.create())
    post = write_post(boss, community, title="Garden news", body="The garden opens.")
    conversation, _message = conversation_start(actor=boss, recipients=[UserFactory.create()], body="Hello")
    client = Client()
    client.force_login(boss)
    return World(client, community.slug, post.pk, conversation.pk, ProgrammeFactory.create().pk)


def _get(world: World, name: str, params: dict[str, str]) -> Any:
    return world.client.get(f"{PAGES[name](world)}?{urlencode({**EXTRA.get(name, {}), **params})}")


@pytest.mark.parametrize("name", sorted(PAGES))
def test_fuzzed_cursors_never_break_a_list(world, name):
    # The page itself opens for the world's superuser, so the fuzzing reaches its cursor handling.
    assert _get(world, name, {}).status_code == 200
    params = sorted(views_reading(CURSOR_PARAMS)[name])

    @settings(max_examples=15, deadline=None, suppress_health_check=list(HealthCheck), database=None)
    @given(param=st.sampled_from(params), cursor=CURSORS)
    def probe(param: str, cursor: str) -> None:
        response = _get(world, name, {param: cursor})
        assert response.status_code in (200, 400), (name, param, cursor, response.status_code)

    probe()
