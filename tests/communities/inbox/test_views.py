"""The inbox pages: rendering, filters, pagination, 404 for items outside one's communities, the
actions through HTTP, the settings page, saved replies and the picker; pinned query counts."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.contrib.auth.models import Permission
from django.urls import reverse
from django.utils import timezone

from communities.core import services
from communities.inbox import services as inbox_services
from communities.inbox.selectors import INBOX_PAGE_SIZE
from communities.models import (
    Community,
    CommunityRules,
    ContentStatus,
    CoordinatorScope,
    InboxItem,
    InboxSettings,
    Membership,
    Post,
)
from intranet.core.models import AuditEntry
from tests.communities.inbox.conftest import add_person, open_for_post, write_post
from tests.factories import UserFactory
from tests.support.forms import with_key
from tests.support.queries import assert_constant_queries, count_queries

Kind = InboxItem.Kind
Status = InboxItem.Status
Role = Membership.Role

pytestmark = pytest.mark.django_db

INBOX = reverse("communities:inbox")
COUNTER = reverse("communities:inbox_counter")


def url(name: str, **kwargs: object) -> str:
    return reverse(f"communities:{name}", kwargs=kwargs)


# The list ---------------------------------------------------------------------------------------


def test_inbox_lists_items_of_all_my_communities(client, manager, community, member, owner) -> None:
    second = services.community_create(actor=owner, name="Second Garden")
    Membership.objects.create(user=manager, community=second, role=Role.MANAGER)
    author = add_person(second)
    one = open_for_post(write_post(member, community, title="Spam in one"))
    two = open_for_post(write_post(author, second, title="Spam in two"))
    client.force_login(manager)
    response = client.get(INBOX)
    html = response.content.decode()
    assert response.status_code == 200
    assert f'id="inbox-item-{one.pk}"' in html and f'id="inbox-item-{two.pk}"' in html
    assert "live:inbox-changed from:body" in html
    response = client.get(INBOX, {"community": second.pk})
    assert f'id="inbox-item-{one.pk}"' not in response.content.decode()


def test_filters_by_type_status_and_assignee(client, moderator, community, member) -> None:
    a = open_for_post(write_post(member, community, title="a"))
    b = open_for_post(write_post(member, community, title="b"), kind=Kind.UNANSWERED_QUESTION)
    inbox_services.inbox_item_claim(actor=moderator, item=a)
    client.force_login(moderator)

    def listed(**params: str) -> set[int]:
        html = client.get(INBOX, params).content.decode()
        return {int(pk) for pk in re.findall(r'id="inbox-item-(\d+)"', html)}

    assert listed() == {a.pk, b.pk}
    assert listed(kind=Kind.UNANSWERED_QUESTION) == {b.pk}
    assert listed(status="claimed") == {a.pk}
    assert listed(assignee="me") == {a.pk}
    assert listed(assignee="none") == {b.pk}
    inbox_services.inbox_item_snooze(actor=moderator, item=b, until=timezone.now() + dt.timedelta(hours=2))
    assert listed() == {a.pk}
    assert listed(status="snoozed") == {b.pk}
    assert listed(status="bogus", kind="bogus", assignee="x") == {a.pk}  # bad filters mean "no filter"


def test_keyset_pagination(client, moderator, community, member) -> None:
    posts = [write_post(member, community, title=f"p{i}") for i in range(INBOX_PAGE_SIZE + 3)]
    for post in posts:
        open_for_post(post)
    client.force_login(moderator)
    html = client.get(INBOX).content.decode()
    assert len(re.findall(r'id="inbox-item-\d+"', html)) == INBOX_PAGE_SIZE
    found = re.search(r'id="inbox-more">\s*<a href="([^"]+)"', html)
    assert found is not None
    next_url = found.group(1).replace("&amp;", "&")
    rest = client.get(next_url, headers={"HX-Request": "true"}).content.decode()
    assert len(re.findall(r'id="inbox-item-\d+"', rest)) == 3
    assert client.get(INBOX, {"cursor": "garbage"}).status_code == 400


def test_empty_states(client, member, moderator) -> None:
    client.force_login(member)
    assert "You do not moderate a community yet" in client.get(INBOX).content.decode()
    client.force_login(moderator)
    assert "Nothing needs your attention right now" in client.get(INBOX).content.decode()


def test_moderator_of_another_community_sees_nothing_and_gets_404(client, other_moderator, community, member):
    item = open_for_post(write_post(member, community))
    client.force_login(other_moderator)
    assert f'inbox-item-{item.pk}"' not in client.get(INBOX).content.decode()
    assert client.get(url("inbox_item", pk=item.pk)).status_code == 404
    assert client.get(url("inbox_item", pk=item.pk + 1000)).status_code == 404
    for name in ("inbox_item_claim", "inbox_item_resolve", "inbox_item_escalate", "inbox_note_add"):
        assert (
            client.post(url(name, pk=item.pk), {"action": "dismissed", "reason": "x", "body": "x"}).status_code == 404
        )
    item.refresh_from_db()
    assert item.status == Status.NEW and not AuditEntry.objects.filter(action__startswith="inbox.").exists()


def test_anonymous_is_sent_to_login(client) -> None:
    assert client.get(INBOX).status_code == 302


# Counter ------------------------------------------------------------------------------------------


def test_counter_variants(client, moderator, member, community) -> None:
    open_for_post(write_post(member, community))
    client.force_login(moderator)
    page = client.get(COUNTER).content.decode()
    assert 'id="inbox-open-count"' in page and "1 open" in page
    header = client.get(COUNTER, {"variant": "header"}).content.decode()
    assert 'id="inbox-header-count">1<' in header and "live:inbox-changed from:body" in header
    client.force_login(member)
    assert "hx-trigger" not in client.get(COUNTER, {"variant": "header"}).content.decode()


def test_header_counter_brings_the_console_link_to_coordinators_who_are_not_staff(
    client, moderator, member, community
) -> None:
    """The user menu renders without a query; the header badge, loaded after the page, swaps the
    console link in for holders of ``communities.coordinate`` (staff have it in the page already)."""
    coordinator = UserFactory.create()
    coordinator.user_permissions.add(
        Permission.objects.get(codename="coordinate", content_type__app_label="communities")
    )
    CoordinatorScope.objects.create(user=coordinator).communities.set([community])
    oob = 'id="user-menu-console" hx-swap-oob="true"'
    client.force_login(coordinator)
    header = client.get(COUNTER, {"variant": "header"}).content.decode()
    assert oob in header and reverse("communities:console_overview") in header
    assert oob not in client.get(COUNTER).content.decode()  # the inbox page's own counter
    home = client.get(reverse("home")).content.decode()
    assert '<li id="user-menu-console" hidden></li>' in home
    client.get(COUNTER, {"variant": "header"})
    # user, role map with permissions, scope, counts
    assert count_queries(lambda: client.get(COUNTER, {"variant": "header"}))[0] == 4
    for person in (moderator, member, UserFactory.create(is_staff=True)):
        client.force_login(person)
        assert oob not in client.get(COUNTER, {"variant": "header"}).content.decode()


# Item page and actions -------------------------------------------------------------------------------


def test_item_page_shows_content_notes_and_timer(client, moderator, manager, member, community) -> None:
    item = open_for_post(write_post(member, community, title="Suspicious"))
    inbox_services.inbox_note_add(actor=manager, item=item, body="Seen <b>before</b>")
    client.force_login(moderator)
    html = client.get(url("inbox_item", pk=item.pk)).content.decode()
    assert "Suspicious" in html and "Seen &lt;b&gt;before&lt;/b&gt;" in html
    assert "first response due in" in html
    # The assignee picker asks the item's own options endpoint: only people who may work it.
    assert f'data-options-url="{url("inbox_item_assignees", pk=item.pk)}"' in html
    assert 'name="assignee"' in html and 'id="assign-person"' in html


def test_claim_resolve_and_note_through_http(client, moderator, member, community) -> None:
    item = open_for_post(write_post(member, community))
    client.force_login(moderator)
    response = client.post(url("inbox_item_claim", pk=item.pk), {"next": INBOX + "?status=claimed"})
    assert response.status_code == 302 and response["Location"] == INBOX + "?status=claimed"
    evil = client.post(url("inbox_item_claim", pk=item.pk), {"next": "https://evil.example/"})
    assert evil["Location"] == item.get_absolute_url()
    client.post(url("inbox_note_add", pk=item.pk), with_key(body="Checked"))
    response = client.post(url("inbox_item_resolve", pk=item.pk), {"action": "hidden", "reason": ""})
    assert response.status_code == 302  # back to the item with an error: a reason is needed
    response = client.post(url("inbox_item_resolve", pk=item.pk), {"action": "hidden", "reason": "Rude"})
    assert response["Location"] == INBOX
    item.refresh_from_db()
    assert (item.status, item.resolution, item.note_count) == (Status.DONE, "hidden", 1)
    assert Post.objects.get(pk=item.post_id or 0).status == ContentStatus.HIDDEN
    done_page = client.get(url("inbox_item", pk=item.pk)).content.decode()
    assert 'id="resolution"' in done_page and 'id="resolve"' not in done_page


def test_assign_status_snooze_escalate_through_http(client, manager, moderator, member, community) -> None:
    item = open_for_post(write_post(member, community))
    client.force_login(manager)
    client.post(url("inbox_item_assign", pk=item.pk), {"assignee": moderator.handle})
    client.post(url("inbox_item_status", pk=item.pk), {"status": "waiting"})
    client.post(url("inbox_item_snooze", pk=item.pk), {"snooze": "4h"})
    item.refresh_from_db()
    assert (item.assignee_id, item.status) == (moderator.pk, Status.WAITING) and item.snoozed_until is not None
    client.post(url("inbox_item_snooze", pk=item.pk), {"wake": "1"})
    client.post(url("inbox_item_escalate", pk=item.pk), {"reason": "Works council"})
    item.refresh_from_db()
    assert item.snoozed_until is None and item.escalation_reason == "Works council"


def test_held_first_post_is_approved_from_the_inbox(client, moderator, member, community) -> None:
    CommunityRules.objects.create(community=community, premoderation="new_members", premoderation_posts=1)
    post = write_post(member, community, title="Hello everyone")
    assert post.status == ContentStatus.PENDING
    item = InboxItem.objects.get(kind=Kind.HELD_POST)
    client.force_login(moderator)
    client.post(url("inbox_item_resolve", pk=item.pk), {"action": "approved"})
    post.refresh_from_db()
    assert post.status == ContentStatus.PUBLISHED


def test_bulk_through_http(client, moderator, member, community, other_community) -> None:
    mine = [open_for_post(write_post(member, community, title=f"m{i}")) for i in range(2)]
    foreign = open_for_post(write_post(add_person(other_community), other_community))
    client.force_login(moderator)
    ids = [mine[0].pk, mine[1].pk, foreign.pk]
    response = client.post(reverse("communities:inbox_bulk"), {"action": "claim", "items": ids})
    assert response.status_code == 302
    assert InboxItem.objects.filter(assignee=moderator).count() == 2
    foreign.refresh_from_db()
    assert foreign.assignee_id is None
    client.post(reverse("communities:inbox_bulk"), {"action": "snooze", "snooze": "1h", "items": ids})
    assert InboxItem.objects.filter(snoozed_until__isnull=False).count() == 2
    client.post(reverse("communities:inbox_bulk"), {"action": "resolve", "items": ids})
    assert InboxItem.objects.filter(status=Status.DONE).count() == 2


# Settings page ------------------------------------------------------------------------------------


def test_inbox_settings_page(client, manager, moderator, community) -> None:
    page = url("inbox_settings", slug=community.slug)
    client.force_login(moderator)
    assert client.get(page).status_code == 403
    client.force_login(manager)
    assert client.get(page).status_code == 200
    data = {
        "time_zone": "America/New_York",
        "service_days": ["0", "1", "2", "3", "4"],
        "service_start_hour": "9",
        "service_end_hour": "17",
        "first_response_minutes": "60",
        "unanswered_after_minutes": "600",
    }
    bad = client.post(page, {**data, "service_start_hour": "18"})
    assert bad.status_code == 200 and "must end after they start" in bad.content.decode()
    assert client.post(page, data).status_code == 302
    config = InboxSettings.objects.get(community=community)
    assert (config.time_zone, config.service_days, config.service_end_hour) == ("America/New_York", [0, 1, 2, 3, 4], 17)
    assert "Inbox settings" in client.get(url("community_settings", slug=community.slug)).content.decode()


# Query counts -------------------------------------------------------------------------------------


def test_inbox_query_count_is_constant_in_items_and_communities(client, owner) -> None:
    manager = UserFactory.create()
    client.force_login(manager)
    client.get(INBOX)  # session warmed

    def add_rows(n: int) -> None:
        for _ in range(n):
            community = services.community_create(actor=owner, name=f"C {Community.objects.count()}")
            Membership.objects.create(user=manager, community=community, role=Role.MANAGER)
            author = add_person(community)
            for kind in (Kind.FLAGGED_POST, Kind.UNANSWERED_QUESTION):
                item = open_for_post(write_post(author, community, title="x"), kind=kind)
                inbox_services.inbox_item_claim(actor=owner, item=item)
            inbox_services.inbox_item_escalate(actor=owner, item=item, reason="x")

    count = assert_constant_queries(add_rows=add_rows, action=lambda: client.get(INBOX), small=1, large=6)
    # user (the session is cached), role map (with the model permissions), items, counters, communities
    # for the filter
    assert count == 5


def test_coordinator_inbox_query_count(client, owner, staff_user) -> None:
    client.force_login(staff_user)

    def add_rows(n: int) -> None:
        for _ in range(n):
            community = services.community_create(actor=owner, name=f"C {Community.objects.count()}")
            item = open_for_post(write_post(owner, community, title="x"))
            inbox_services.inbox_item_escalate(actor=owner, item=item, reason="x")

    count = assert_constant_queries(add_rows=add_rows, action=lambda: client.get(INBOX), small=1, large=5)
    assert count == 4  # user, role map, items, counters: staff need no permission query, own no community


def test_counter_and_item_page_query_counts(client, manager, member, community) -> None:
    item = open_for_post(write_post(member, community))
    client.force_login(manager)
    client.get(COUNTER)
    assert count_queries(lambda: client.get(COUNTER))[0] == 3  # user, role map with permissions, counts

    def add_notes(n: int) -> None:
        for _ in range(n):
            inbox_services.inbox_note_add(actor=manager, item=item, body="note")
            add_person(community, Role.MODERATOR)

    # user, the item with its community, rules, post, people..., role map, notes (the co-managers
    # to assign to are asked for by the picker as one types)
    assert_constant_queries(add_rows=add_notes, action=lambda: client.get(url("inbox_item", pk=item.pk)), expected=4)


def test_snooze_until_is_an_iso_text_input_and_parses_what_it_sends(client, moderator, member, community) -> None:
    """The "until" field shows and takes 2026-12-31 18:30 (no native mm/dd/yyyy picker); the
    moment is read in the site's time zone; anything else answers with the expected shape."""
    item = open_for_post(write_post(member, community))
    client.force_login(moderator)
    page = client.get(url("inbox_item", pk=item.pk)).content.decode()
    field = re.search(r'<input[^>]*name="until"[^>]*>', page)
    assert field is not None
    assert 'id="snooze-until"' in field.group(0) and 'type="text"' in field.group(0)
    assert 'placeholder="YYYY-MM-DD HH:MM"' in field.group(0) and "datetime-local" not in page
    later = timezone.localtime() + dt.timedelta(days=3)
    typed = later.strftime("%Y-%m-%d %H:%M")
    response = client.post(url("inbox_item_snooze", pk=item.pk), {"snooze": "1h", "until": typed})
    assert response.status_code == 302
    item.refresh_from_db()
    assert item.snoozed_until is not None
    assert timezone.localtime(item.snoozed_until).strftime("%Y-%m-%d %H:%M") == typed
    client.post(url("inbox_item_snooze", pk=item.pk), {"wake": "1"})
    client.post(url("inbox_item_snooze", pk=item.pk), {"snooze": "1h", "until": "12/31/2026 06:30 PM"})
    item.refresh_from_db()
    assert item.snoozed_until is None
    page = client.get(url("inbox_item", pk=item.pk)).content.decode()
    assert "Enter the moment as YYYY-MM-DD HH:MM" in page
