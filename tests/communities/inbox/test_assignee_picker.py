"""The inbox's assignee picker (issue 18, item 5): the item's own options endpoint offers, by a
typo- and umlaut-tolerant name search, only the people who may be given the item (404 for items
the viewer cannot work, a flat query count), and the assign action takes the handle the picker
sends, refusing anyone else with a 400 and a clear message."""

from __future__ import annotations

import pytest
from django.urls import reverse

from communities.core import services
from communities.inbox.selectors import assignable_people_for_picker, assignee_get
from communities.models import Community, InboxItem, Membership
from intranet.core.models import AuditEntry
from tests.communities.inbox.conftest import add_person, open_for_post, write_post
from tests.factories import UserFactory
from tests.support.queries import assert_constant_queries

Kind = InboxItem.Kind
Role = Membership.Role

pytestmark = pytest.mark.django_db


def options_url(item: InboxItem) -> str:
    return reverse("communities:inbox_item_assignees", kwargs={"pk": item.pk})


def assign_url(item: InboxItem) -> str:
    return reverse("communities:inbox_item_assign", kwargs={"pk": item.pk})


def offered(client, item: InboxItem, query: str) -> list[str]:  # type: ignore[no-untyped-def]
    response = client.get(options_url(item), {"q": query})
    assert response.status_code == 200
    html = response.content.decode()
    return [part.split('"', 1)[0] for part in html.split('data-handle="')[1:]]


def test_options_offer_only_people_who_may_work_the_item(client, manager, moderator, member, community) -> None:
    item = open_for_post(write_post(member, community))
    juergen = add_person(community, Role.MODERATOR, display_name="Jürgen Groß", handle="juergen.gross")
    add_person(community, display_name="Jürgen Mitglied", handle="juergen.mitglied")  # a plain member
    gone = add_person(community, Role.MODERATOR, display_name="Jürgen Gegangen", handle="juergen.gegangen")
    gone.is_active = False
    gone.save(update_fields=["is_active"])
    UserFactory.create(display_name="Jürgen Fremd", handle="juergen.fremd")  # not in the community
    client.force_login(manager)
    assert offered(client, item, "jürg") == ["juergen.gross"]
    assert offered(client, item, "Jurgen Gros") == ["juergen.gross"]  # umlaut and typo tolerant
    assert offered(client, item, "juergen") == ["juergen.gross"]
    assert set(offered(client, item, "Mo")) >= {moderator.handle}
    assert offered(client, item, "   ") == []
    html = client.get(options_url(item), {"q": "Jürgen Groß"}).content.decode()
    assert 'role="listbox"' in html and f'id="person-option-{juergen.pk}"' in html
    assert 'data-name="Jürgen Groß"' in html


def test_join_requests_offer_only_managers_and_owners(client, owner, manager, moderator, community) -> None:
    Community.objects.filter(pk=community.pk).update(join_policy=Community.JoinPolicy.REQUEST)
    community.refresh_from_db()
    services.membership_request(actor=UserFactory.create(display_name="Anton Antrag"), community=community)
    item = InboxItem.objects.get(kind=Kind.JOIN_REQUEST)
    assert [p.pk for p in assignable_people_for_picker(item=item, query="Mara")] == [manager.pk]
    assert assignable_people_for_picker(item=item, query="Moritz") == []


def test_options_answer_404_for_items_one_cannot_work(
    client, moderator, member, community, other_community, other_moderator
) -> None:
    item = open_for_post(write_post(member, community))
    client.force_login(other_moderator)
    assert client.get(options_url(item), {"q": "Mo"}).status_code == 404
    missing = reverse("communities:inbox_item_assignees", kwargs={"pk": item.pk + 10_000})
    assert client.get(missing, {"q": "Mo"}).status_code == 404
    client.force_login(member)
    assert client.get(options_url(item), {"q": "Mo"}).status_code == 404


def test_options_query_count_is_flat_in_the_number_of_candidates(client, manager, member, community) -> None:
    item = open_for_post(write_post(member, community))
    client.force_login(manager)

    def add_candidates(n: int) -> None:
        for i in range(n):
            add_person(community, Role.MODERATOR, display_name=f"Moritz Nummer {i}")

    # user, the item, role map, the search's settings, the matching people with their profiles
    assert_constant_queries(
        add_rows=add_candidates, action=lambda: client.get(options_url(item), {"q": "Moritz"}), expected=5
    )


def test_assign_takes_the_pickers_handle_and_nobody(client, manager, moderator, member, community) -> None:
    item = open_for_post(write_post(member, community))
    client.force_login(manager)
    response = client.post(assign_url(item), {"assignee": f"@{moderator.handle}"})
    assert response.status_code == 302
    item.refresh_from_db()
    assert item.assignee_id == moderator.pk
    assert AuditEntry.objects.filter(action="inbox.assigned").count() == 1
    page = client.get(item.get_absolute_url()).content.decode()
    assert f'value="{moderator.handle}"' in page and "Moritz Moderator" in page  # the chip of the current one
    client.post(assign_url(item), {"assignee": moderator.email})
    client.post(assign_url(item), {"assignee": ""})
    item.refresh_from_db()
    assert item.assignee_id is None


def test_assign_refuses_anyone_else_with_400(client, manager, member, community, other_moderator) -> None:
    item = open_for_post(write_post(member, community))
    client.force_login(manager)
    for token, text in (
        (member.handle, "cannot work on this item"),
        (other_moderator.handle, "cannot work on this item"),
        ("niemand", "Choose one of the offered people"),
        ("x" * 300, "too long"),
    ):
        response = client.post(assign_url(item), {"assignee": token})
        assert response.status_code == 400, token
        assert text in response.content.decode()
    item.refresh_from_db()
    assert item.assignee_id is None
    assert not AuditEntry.objects.filter(action="inbox.assigned").exists()


def test_assignee_get_names_people_by_handle_address_or_id(moderator) -> None:
    assert assignee_get(moderator.handle.upper()) == moderator
    assert assignee_get(moderator.email) == moderator
    assert assignee_get(str(moderator.pk)) == moderator
