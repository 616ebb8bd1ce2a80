"""The notification centre, the header badge, click-through and the preferences page."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from communities.core.notify import ANNOUNCEMENT, NEW_POST
from intranet.notifications.models import Notification, Preference
from tests.factories import UserFactory
from tests.support.queries import assert_constant_queries, pin_queries

pytestmark = pytest.mark.django_db

CENTRE = reverse("notifications:centre")
BADGE = reverse("notifications:badge")
PREFERENCES = reverse("notifications:preferences")


def add_notifications(user, n, *, start=0, read=False, actor=None):
    now = timezone.now()
    Notification.objects.bulk_create(
        Notification(
            recipient=user,
            kind=NEW_POST,
            actor=actor,
            event_key=f"post.created:{start + i}",
            scope="community:1",
            url=f"/posts/{start + i}/",
            params={"actor": "Anna", "title": f"Post {start + i}", "community": "Solar"},
            delivery="daily",
            created_at=now - dt.timedelta(minutes=start + i),
            read_at=now if read else None,
        )
        for i in range(n)
    )


def titles(html):
    return re.findall(r"Anna posted “(Post \d+)” in Solar", html)


@pytest.fixture
def person(client):
    user = UserFactory.create(display_name="Pia Person")
    client.force_login(user)
    return user


def test_centre_needs_sign_in(client):
    response = client.get(CENTRE)
    assert response.status_code == 302 and "login" in response["Location"]


def test_centre_lists_newest_first_and_pages_by_keyset(client, person):
    add_notifications(person, 45, actor=UserFactory.create())
    add_notifications(UserFactory.create(), 3, start=100)  # someone else's
    seen, url = [], CENTRE
    while url:
        response = client.get(url, headers={"HX-Request": "true"} if "cursor" in url else {})
        html = response.content.decode()
        seen += titles(html)
        match = re.search(r'hx-get="([^"]+)"[^>]*>Show older', html)
        url = match.group(1).replace("&amp;", "&") if match else ""
    assert seen == [f"Post {i}" for i in range(45)]


def test_centre_filters_unread_and_shows_empty_states(client, person):
    html = client.get(CENTRE).content.decode()
    assert "No notifications yet." in html
    add_notifications(person, 2, read=True)
    add_notifications(person, 1, start=10)
    assert titles(client.get(CENTRE).content.decode()) == ["Post 0", "Post 1", "Post 10"]
    html = client.get(CENTRE, {"filter": "unread"}).content.decode()
    assert titles(html) == ["Post 10"]
    client.post(reverse("notifications:mark_all_read"), {"filter": "unread"})
    html = client.get(CENTRE, {"filter": "unread"}).content.decode()
    assert "You are all caught up." in html and titles(html) == []


def test_bad_cursor_is_a_friendly_400(client, person):
    add_notifications(person, 2)
    response = client.get(CENTRE, {"cursor": "garbage!"})
    assert response.status_code == 400 and "out of date or incomplete" in response.content.decode()


def test_centre_query_count_is_pinned_and_constant(client, person):
    actors = UserFactory.create_batch(3)
    state = {"n": 0}

    def add_rows(n):
        for _ in range(n):
            add_notifications(person, 1, start=state["n"], actor=actors[state["n"] % 3])
            state["n"] += 1

    # user (the session is cached), the page (actors joined), the capped unread count
    assert_constant_queries(add_rows=add_rows, action=lambda: client.get(CENTRE), small=1, large=25, expected=3)


def test_mark_all_read(client, person):
    add_notifications(person, 3)
    other = UserFactory.create()
    add_notifications(other, 1)
    response = client.post(reverse("notifications:mark_all_read"))
    assert response.status_code == 302
    assert not Notification.objects.filter(recipient=person, read_at__isnull=True).exists()
    assert Notification.objects.filter(recipient=other, read_at__isnull=True).count() == 1
    assert client.get(reverse("notifications:mark_all_read")).status_code == 405


def test_click_through_marks_read_and_redirects(client, person):
    add_notifications(person, 1)
    notification = Notification.objects.get()
    response = client.get(reverse("notifications:open", kwargs={"pk": notification.pk}))
    assert response.status_code == 302 and response["Location"] == "/posts/0/"
    notification.refresh_from_db()
    assert notification.read_at is not None


def test_click_through_on_someone_elses_is_404_and_external_urls_are_refused(client, person):
    other = UserFactory.create()
    add_notifications(other, 1)
    theirs = Notification.objects.get()
    assert client.get(reverse("notifications:open", kwargs={"pk": theirs.pk})).status_code == 404
    assert client.get(reverse("notifications:open", kwargs={"pk": 999999})).status_code == 404
    mine = Notification.objects.create(recipient=person, kind=NEW_POST, event_key="x", url="https://evil.example/")
    response = client.get(reverse("notifications:open", kwargs={"pk": mine.pk}))
    assert response["Location"] == CENTRE


def test_badge_shows_the_unread_count(client, person):
    html = client.get(BADGE).content.decode()
    assert "notification-count" not in html
    add_notifications(person, 3)
    add_notifications(person, 2, start=10, read=True)
    with pin_queries(2):  # user (the session is cached), the capped count
        html = client.get(BADGE).content.decode()
    assert 'data-unread="3"' in html and ">3<" in html
    add_notifications(person, 120, start=100)
    assert "99+" in client.get(BADGE).content.decode()


def test_header_loads_the_badge_without_a_query(client, person):
    html = client.get(CENTRE).content.decode()
    assert f'hx-get="{BADGE}"' in html
    assert 'hx-trigger="load, live:notifications-changed from:body"' in html


def test_preferences_page_shows_defaults_and_saves(client, person):
    with pin_queries(3):  # user (the session is cached), preferences, the communities (scope choices)
        html = client.get(PREFERENCES).content.decode()
    assert "Announcements in my communities" in html and "Join a community to set exceptions" in html
    response = client.post(PREFERENCES, {"action": "general", f"delivery-{ANNOUNCEMENT}": "weekly"})
    assert response.status_code == 302
    assert list(Preference.objects.values_list("user_id", "kind", "scope", "delivery")) == [
        (person.pk, ANNOUNCEMENT, "", "weekly")
    ]
    response = client.post(PREFERENCES, {"action": "general", f"delivery-{ANNOUNCEMENT}": "hourly"})
    assert response.status_code == 400
    assert "Choose one of the offered ways to be notified." in response.content.decode()


def test_preferences_page_per_community_exceptions(client, person):
    from communities.core.services import community_create

    community = community_create(actor=person, name="Solar Garden")
    scope = f"community:{community.pk}"
    html = client.get(PREFERENCES).content.decode()
    assert "Solar Garden" in html and "No exceptions yet" in html
    response = client.post(
        PREFERENCES,
        {"action": "add", "override-scope": scope, "override-kind": NEW_POST, "override-delivery": "immediate"},
    )
    assert response.status_code == 302
    assert Preference.objects.get(scope=scope).delivery == "immediate"
    html = client.get(PREFERENCES).content.decode()
    assert 'id="override-list"' in html and "Solar Garden" in html
    foreign = community_create(actor=UserFactory.create(), name="Elsewhere")
    response = client.post(
        PREFERENCES,
        {
            "action": "add",
            "override-scope": f"community:{foreign.pk}",
            "override-kind": NEW_POST,
            "override-delivery": "off",
        },
    )
    assert response.status_code == 400 and not Preference.objects.filter(scope=f"community:{foreign.pk}").exists()
    client.post(PREFERENCES, {"action": "remove", "scope": scope, "kind": NEW_POST})
    assert not Preference.objects.exists()


def test_preferences_page_query_count_is_constant(client, person):
    from communities.core.services import community_create

    kinds = [NEW_POST, ANNOUNCEMENT]

    def add_rows(n):
        for _ in range(n):
            community = community_create(actor=person, name="C")
            Preference.objects.create(user=person, kind=kinds[0], scope=f"community:{community.pk}", delivery="off")

    assert_constant_queries(add_rows=add_rows, action=lambda: client.get(PREFERENCES), small=1, large=6, expected=3)
