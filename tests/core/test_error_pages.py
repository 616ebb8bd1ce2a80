"""Branded, translated error pages (issue 18, item 17), all with ``DEBUG=False``: 403 (with the reason
a muted member may read), 404 (the same for a secret object as for a missing one), 500 without the
database, the CSRF failure and 429 with ``Retry-After`` wherever the platform rate limits."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import pytest
from django.db import connection
from django.test import Client, RequestFactory
from django.urls import reverse
from django.utils import formats, timezone, translation
from django.utils.module_loading import import_string

from communities.core import services as community_services
from communities.models import Community, Membership
from communities.moderation import services as moderation
from intranet.core import errors, security
from intranet.core.errors import ExplainedPermissionDenied
from intranet.urls import handler500
from tests.communities.factories import add_person, write_post
from tests.factories import UserFactory
from tests.support.forms import with_key
from tests.support.pages import comparable
from tests.support.queries import assert_constant_queries, pin_queries

pytestmark = pytest.mark.django_db

Visibility = Community.Visibility


@pytest.fixture(autouse=True)
def _production(settings):
    settings.DEBUG = False


def _german(client: Client) -> Client:
    client.cookies["django_language"] = "de"
    return client


def _text(response) -> str:
    return response.content.decode()


# 404 ------------------------------------------------------------------------------------------------


def test_404_keeps_the_chrome_and_offers_a_way_on(client, user):
    client.force_login(user)
    response = client.get("/no/such/page/")
    body = _text(response)
    assert response.status_code == 404
    assert 'data-status="404"' in body and 'class="site-header"' in body and 'class="site-footer' in body
    assert "Page not found" in body and f'href="{reverse("communities:community_list")}"' in body
    assert "/no/such/page/" not in _section(body)  # nothing of what was asked for is echoed


def test_404_is_translated_and_offers_sign_in_to_anonymous(client):
    body = _text(_german(client).get("/no/such/page/"))
    assert "Seite nicht gefunden" in body and f'href="{reverse("account_login")}"' in body


def _section(body: str) -> str:
    return body[body.index('id="error-page"') : body.index("</section>")]


def test_404_of_a_secret_community_equals_the_404_of_a_missing_one(client, user):
    owner = UserFactory.create()
    secret = community_services.community_create(actor=owner, name="Project Nightingale", visibility=Visibility.SECRET)
    post = write_post(owner, secret, title="Acquisition of Rival GmbH")
    client.force_login(user)
    for hidden, missing in (
        (reverse("communities:community_detail", args=[secret.slug]), "/communities/no-such-community/"),
        (reverse("communities:post_detail", args=[post.pk]), reverse("communities:post_detail", args=[post.pk + 999])),
    ):
        hidden_response, missing_response = client.get(hidden), client.get(missing)
        assert hidden_response.status_code == missing_response.status_code == 404
        assert comparable(_text(hidden_response)) == comparable(_text(missing_response))
        assert "Nightingale" not in _text(hidden_response) and "Rival" not in _text(hidden_response)


# 403 ------------------------------------------------------------------------------------------------


def test_403_explains_in_general_terms(client, user):
    client.force_login(user)
    response = client.get(reverse("training:manage_index"))
    body = _text(response)
    assert response.status_code == 403
    assert 'data-status="403"' in body and 'class="site-header"' in body
    assert "does not have the rights this page needs" in body
    assert "You are not allowed to do this." not in body  # ``require``'s message is not for the page


def test_403_shows_only_an_explained_refusal_message():
    request = RequestFactory().get("/")
    request.user = UserFactory.create()
    plain = errors.permission_denied(request, PermissionError("internal: secret id 42"))
    assert b"secret id 42" not in plain.content
    explained = errors.permission_denied(
        request, ExplainedPermissionDenied("<b>Not</b> today.", title="Closed", next_url="/x/", next_label="Go on")
    )
    body = explained.content.decode()
    assert explained.status_code == 403
    assert "&lt;b&gt;Not&lt;/b&gt; today." in body and "Closed" in body and 'href="/x/"' in body


def _shown(moment: dt.datetime, language: str) -> str:
    with translation.override(language):
        return formats.date_format(timezone.localtime(moment), "SHORT_DATETIME_FORMAT")


@pytest.fixture
def muted_member():
    owner = UserFactory.create()
    community = community_services.community_create(actor=owner, name="Gardening", visibility=Visibility.PUBLIC)
    member = add_person(community, Membership.Role.MEMBER, language="en")
    post = write_post(owner, community, title="Tomatoes")
    until = timezone.now() + dt.timedelta(days=3)
    moderation.member_mute(
        actor=owner, community=community, user=member, until=until, reason="Repeated <insults> in comments"
    )
    return community, member, post, until


def test_muted_member_opening_the_composer_is_told_until_when_and_why(client, muted_member):
    community, member, _post, until = muted_member
    client.force_login(member)
    response = client.get(reverse("communities:post_create", args=[community.slug]))
    body = _text(response)
    assert response.status_code == 403
    assert 'class="site-header"' in body and 'id="error-reason"' in body
    assert "You are muted in this community" in body and "Gardening" in body
    assert _shown(until, "en") in body
    assert "Repeated &lt;insults&gt; in comments" in body  # the moderator's text, escaped
    assert f'href="{reverse("communities:community_detail", args=[community.slug])}"' in body


def test_muted_member_commenting_is_told_in_german(client, muted_member):
    _community, member, post, until = muted_member
    _german(client).force_login(member)
    response = client.post(reverse("communities:comment_create", args=[post.pk]), with_key({"body": "Hello"}))
    body = _text(response)
    assert response.status_code == 403
    assert "Sie sind in dieser Community stummgeschaltet" in body
    assert _shown(until, "de") in body and "Repeated &lt;insults&gt;" in body


def test_a_member_who_may_not_post_for_another_reason_gets_the_plain_403(client):
    owner = UserFactory.create()
    community = community_services.community_create(actor=owner, name="Archive", visibility=Visibility.PUBLIC)
    reader = UserFactory.create()  # not a member: may read, may not post
    client.force_login(reader)
    body = _text(client.get(reverse("communities:post_create", args=[community.slug])))
    assert "does not have the rights this page needs" in body and "muted" not in body


# 500 ------------------------------------------------------------------------------------------------


def _refuse_queries(execute: Callable, sql: str, params: object, many: bool, context: dict) -> object:
    raise AssertionError(f"the 500 page ran a query: {sql}")


def test_500_handler_renders_without_the_database():
    """``handler500`` while a non-database error is being handled: the static page, no query."""
    request = RequestFactory().get("/")
    request.user = UserFactory.create()
    with connection.execute_wrapper(_refuse_queries), pin_queries(0):
        try:
            raise RuntimeError("a bug")
        except RuntimeError:
            response = import_string(handler500)(request)
    assert response.status_code == 500 and b"Something went wrong" in response.content


@pytest.mark.parametrize("language, text", [("en", "Something went wrong"), ("de", "Etwas ist schiefgelaufen")])
def test_500_page_through_the_stack_is_branded_and_translated(settings, user, language, text):
    settings.ROOT_URLCONF = "tests.core.error_urls"
    client = Client(raise_request_exception=False)
    client.cookies["django_language"] = language
    client.force_login(user)
    response = client.get("/broken/")
    body = _text(response)
    assert response.status_code == 500 and text in body and 'data-status="500"' in body
    assert response["Cache-Control"] == "no-store"
    assert "a bug in a view" not in body and user.email not in body


# CSRF -----------------------------------------------------------------------------------------------


def test_csrf_failure_explains_and_is_translated(user):
    client = Client(enforce_csrf_checks=True)
    client.force_login(user)
    client.get(reverse("home"))  # the CSRF cookie is set
    response = client.post(reverse("accounts:profile_edit"), {"csrfmiddlewaretoken": "x" * 64})
    body = _text(response)
    assert response.status_code == 403 and 'data-status="403-csrf"' in body
    assert "The form was opened in an older session" in body and 'class="site-header"' in body
    german = _german(Client(enforce_csrf_checks=True)).post(reverse("account_login"), {"login": "a@b.example"})
    assert german.status_code == 403 and "Cookie" in _text(german)


# 429 ------------------------------------------------------------------------------------------------


def test_allauth_rate_limit_answers_the_translated_429_with_retry_after(settings):
    settings.ACCOUNT_RATE_LIMITS = {**settings.ACCOUNT_RATE_LIMITS, "login": "2/m/ip"}
    client = _german(Client())
    for _ in range(2):
        assert (
            client.post(reverse("account_login"), {"login": "nobody@corp.example", "password": "x"}).status_code == 200
        )
    response = client.post(reverse("account_login"), {"login": "nobody@corp.example", "password": "x"})
    body = _text(response)
    assert response.status_code == 429 and response["Retry-After"] == str(errors.ACCOUNT_RETRY_AFTER_SECONDS)
    assert "Zu viele Anfragen" in body and 'data-status="429"' in body
    assert "Bitte versuchen Sie es in 1 Minute erneut." in body


def test_csp_report_limit_answers_429_with_retry_after(client):
    report = b'{"csp-report": {"document-uri": "http://x/", "violated-directive": "img-src"}}'
    statuses = []
    for _ in range(security.REPORTS_PER_ADDRESS_PER_MINUTE + 1):
        response = client.post(reverse("core:csp_report"), report, content_type="application/csp-report")
        statuses.append(response.status_code)
    assert statuses[-1] == 429 and statuses.count(204) == security.REPORTS_PER_ADDRESS_PER_MINUTE
    assert 0 < int(response["Retry-After"]) <= 60 and b"Too many requests" in response.content


def test_429_page_says_when_to_try_again(rf):
    with pin_queries(0):
        response = errors.too_many_requests(rf.get("/"), retry_after=125)
    assert response.status_code == 429 and response["Retry-After"] == "125"
    assert b"try again in 3 minutes" in response.content


# Query counts -----------------------------------------------------------------------------------------


def _get(client: Client, url: str, status: int) -> Callable[[], object]:
    def action() -> object:
        response = client.get(url)
        assert response.status_code == status, response.status_code
        return response

    return action


def test_404_and_403_pages_cost_the_same_however_many_communities(client, muted_member):
    """The chrome's reads only (session, person, role map, badges); the mute's reason is the one
    extra query of the refusal, and neither grows with the person's memberships."""
    community, member, _post, _until = muted_member

    def join_more(n: int) -> None:
        for _ in range(n):
            other = community_services.community_create(
                actor=UserFactory.create(), name=f"More {UserFactory.create().pk}", visibility=Visibility.PUBLIC
            )
            Membership.objects.create(community=other, user=member, role=Membership.Role.MEMBER)

    client.force_login(member)
    missing = _get(client, "/communities/no-such-community/", 404)
    refused = _get(client, reverse("communities:post_create", args=[community.slug]), 403)
    assert_constant_queries(add_rows=join_more, action=missing, expected=NOT_FOUND_QUERIES)
    assert_constant_queries(add_rows=join_more, action=refused, expected=REFUSED_QUERIES)


#: user, role map, the community look-up, and on a 404 Wagtail's redirect middleware (site, redirect).
NOT_FOUND_QUERIES = 5
#: user, role map, the community look-up and the mute's reason (no redirect look-up on a 403).
REFUSED_QUERIES = 4
