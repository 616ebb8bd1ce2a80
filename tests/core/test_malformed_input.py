"""NUL characters in any request answer a translated 400 before a view sees them (issue 17, item 7):
PostgreSQL cannot store or compare text holding NUL, so they used to end in 500s."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

import pytest
from django.test import Client
from django.urls import NoReverseMatch, reverse

from communities.core import services as community_services
from communities.models import Post
from intranet.messaging.models import Message
from intranet.messaging.services import conversation_start
from tests.communities.factories import CategoryFactory, write_post
from tests.factories import UserFactory
from tests.support.forms import with_key
from tests.support.url_scan import url_patterns
from tests.training.qualification_helpers import make_exam
from training.exams.services import attempt_start
from training.models import AttemptAnswer

pytestmark = pytest.mark.django_db
NUL = "\x00"


@dataclass
class World:
    client: Client
    slug: str
    post: int
    conversation: int
    attempt: int
    free_text_answer: int
    friend: str


@pytest.fixture
def world() -> World:
    boss = UserFactory.create(is_staff=True, is_superuser=True)
    community = community_services.community_create(actor=boss, name="Solar Garden", category=CategoryFactory.create())
    post = write_post(boss, community, title="Garden news", body="The garden opens.")
    friend = UserFactory.create()
    conversation, _message = conversation_start(actor=boss, recipients=[friend], body="Hello")
    attempt = attempt_start(actor=boss, exam=make_exam(single=1, free_text=1))
    answer = AttemptAnswer.objects.get(attempt=attempt, question__kind="free_text")
    client = Client()
    client.force_login(boss)
    return World(client, community.slug, post.pk, conversation.pk, attempt.pk, answer.pk, friend.handle)


def _assert_refused(response: Any) -> None:
    assert response.status_code == 400
    assert "NUL character" in response.content.decode()


# (method, URL name, URL kwargs from the world, data): the places the probe found 500s.
ENDPOINTS = {
    "search": ("get", "search:results", {}, {"q": f"gar{NUL}den"}),
    "people search": ("get", "accounts:people_list", {}, {"q": f"a{NUL}"}),
    "dm send": ("post", "messaging:message_create", {"pk": "conversation"}, {"body": f"hi{NUL}there"}),
    "dm start": ("post", "messaging:conversation_start", {}, {"to": "friend", "body": f"hi{NUL}"}),
    "dm search": ("get", "messaging:conversation_list", {}, {"q": f"hi{NUL}"}),
    "dm people": ("get", "messaging:people_options", {}, {"q": f"pe{NUL}"}),
    "mention lookup": ("get", "communities:mention_autocomplete", {"slug": "slug"}, {"q": f"pe{NUL}"}),
    "console filter": ("get", "communities:console_community_list", {}, {"q": f"so{NUL}", "state": NUL}),
    "log filter": ("get", "communities:moderation_log", {"slug": "slug"}, {"q": f"x{NUL}"}),
    "platform log filter": ("get", "communities:platform_log", {}, {"q": f"x{NUL}"}),
    "exam answer": ("post", "training:attempt_answer", {"attempt_id": "attempt"}, {"q-{answer}-text": f"a{NUL}b"}),
    "comment": ("post", "communities:comment_create", {"pk": "post"}, {"body": f"a{NUL}b"}),
    "key with NUL": ("get", "communities:community_list", {}, {f"q{NUL}": "x"}),
}


@pytest.mark.parametrize("endpoint", sorted(ENDPOINTS))
def test_nul_in_input_is_refused_on_the_probed_endpoints(world, endpoint):
    method, name, kwargs, data = ENDPOINTS[endpoint]
    url = reverse(name, kwargs={key: getattr(world, value) for key, value in kwargs.items()})
    data = {
        key.format(answer=world.free_text_answer): (world.friend if value == "friend" else value)
        for key, value in data.items()
    }
    messages, posts = Message.objects.count(), Post.objects.count()
    _assert_refused(getattr(world.client, method)(url, data))
    assert (Message.objects.count(), Post.objects.count()) == (messages, posts)
    # Without the NUL the same request is served (so the 400 is about the NUL, not the request).
    clean = {key.replace(NUL, ""): value.replace(NUL, "") for key, value in data.items()}
    if method == "post":
        clean = with_key(clean)  # creating forms carry an idempotency key (item 12)
    assert getattr(world.client, method)(url, clean).status_code < 400


def test_nul_in_the_path_is_refused(world):
    _assert_refused(world.client.get(reverse("messaging:conversation_with", kwargs={"handle": f"a{NUL}b"})))


def test_the_refusal_is_translated(world):
    world.client.cookies["django_language"] = "de"
    response = world.client.get(reverse("search:results"), {"q": NUL}, HTTP_ACCEPT_LANGUAGE="de")
    assert response.status_code == 400 and "NUL-Zeichen" in response.content.decode()


def _fill(route: str, world: World) -> dict[str, Any] | None:
    """Arguments for a route's converters from the world (``None`` for regex routes)."""
    if route.startswith("^") or "(?P<" in route:
        return None
    values: dict[str, Any] = {}
    for converter, name in re.findall(r"<(?:(\w+):)?(\w+)>", route):
        if converter == "slug":
            values[name] = world.slug
        elif converter in ("int", ""):
            values[name] = world.post if converter == "int" else "x"
        else:
            values[name] = "x"
    return values


def test_every_url_refuses_nul_in_query_parameters(world):
    """Every URL pattern, GET with a NUL in a query parameter: 400, whatever the view."""
    answered: dict[str, int] = {}
    for name, route, _view in url_patterns():
        kwargs = _fill(route, world)
        if kwargs is None:
            continue
        try:
            url = reverse(name, kwargs=kwargs)
        except NoReverseMatch:
            continue
        answered[name] = world.client.get(url, {"q": f"a{NUL}b", "next": NUL}).status_code
    assert len(answered) > 300
    # The health probes answer before any middleware and read no input (core/health.py).
    served = {name: code for name, code in answered.items() if code != 400 and not name.startswith("core:health_")}
    assert served == {}


def test_a_forged_cursor_no_view_handles_is_a_friendly_400(world):
    response = world.client.get(reverse("training:exam_list"), {"cursor": '["x","x"]'})
    assert response.status_code == 400
    assert "out of date or incomplete" in response.content.decode()
