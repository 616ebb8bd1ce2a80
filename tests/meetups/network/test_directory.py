"""The managers' network: who is listed, search, opt-out, asking for advice, secret communities."""

from __future__ import annotations

import pytest
from django.urls import reverse

from communities.models import Community, Membership
from intranet.accounts.models import Profile
from intranet.core.models import AuditEntry
from intranet.core.viewer import Viewer
from intranet.messaging.models import Conversation, Message
from meetups.models import NetworkProfile
from meetups.network.selectors import NetworkFilters, manager_list_for_network
from meetups.network.services import network_profile_update
from tests.communities.factories import CategoryFactory, MembershipFactory
from tests.factories import UserFactory
from tests.meetups.tandem_helpers import add_manager, make_community, owner_of
from tests.support.forms import with_key
from training.models import Certificate, Level, Programme, UserLevel

pytestmark = pytest.mark.django_db


def _names(viewer, **filters) -> list[str]:
    _page, cards = manager_list_for_network(viewer=Viewer(viewer), filters=NetworkFilters(**filters))
    return [card.user.display_name for card in cards]


@pytest.fixture
def world():
    category = CategoryFactory.create(name="Engineering", slug="engineering")
    anna = UserFactory.create(display_name="Anna Adler")
    bert = UserFactory.create(display_name="Bert Berg")
    cleo = UserFactory.create(display_name="Cleo Cramer")
    energy = make_community("Energy", owner=anna, category=category, tags=("energy",))
    make_community("Choir", owner=bert)
    secret = make_community("Skunkworks", owner=cleo, visibility=Community.Visibility.SECRET)
    moderator = UserFactory.create(display_name="Mona Moderator")
    MembershipFactory.create(user=moderator, community=energy, role=Membership.Role.MODERATOR)
    member = UserFactory.create(display_name="Max Member")
    MembershipFactory.create(user=member, community=energy)
    Profile.objects.filter(user=anna).update(languages=["German", "Spanish"])
    anna.profile.skills.add("Moderation", "Event planning")
    return {
        "anna": anna,
        "bert": bert,
        "cleo": cleo,
        "energy": energy,
        "secret": secret,
        "moderator": moderator,
        "member": member,
    }


def test_lists_owners_and_managers_of_visible_communities(world):
    names = _names(world["moderator"])
    assert names == ["Anna Adler", "Bert Berg"]  # not Cleo: her only community is secret


def test_secret_community_shown_to_those_who_see_it(world):
    coordinator = UserFactory.create(is_staff=True)
    _page, cards = manager_list_for_network(viewer=Viewer(coordinator), filters=NetworkFilters())
    by_name = {c.user.display_name: c for c in cards}
    assert [c.name for c in by_name["Cleo Cramer"].communities] == ["Skunkworks"]
    # A member of the secret community sees it in Cleo's card, a moderator elsewhere does not.
    MembershipFactory.create(user=world["moderator"], community=world["secret"])
    _page, cards = manager_list_for_network(viewer=Viewer(world["moderator"]), filters=NetworkFilters())
    assert "Cleo Cramer" in [c.user.display_name for c in cards]


def test_search_by_name_skill_language_category_and_topic(world):
    viewer = world["moderator"]
    assert _names(viewer, query="adler") == ["Anna Adler"]
    assert _names(viewer, query="moderation") == ["Anna Adler"]
    assert _names(viewer, skill="event-planning") == ["Anna Adler"]
    assert _names(viewer, language="spanish") == ["Anna Adler"]
    assert _names(viewer, category="engineering") == ["Anna Adler"]
    network_profile_update(actor=world["bert"], opted_out=False, advice_topics="Choirs and singing")
    assert _names(viewer, query="singing") == ["Bert Berg"]


def test_card_carries_communities_skills_languages_level_and_certificates(world):
    level = Level.objects.create(name_en="Certified manager", rank=2)
    UserLevel.objects.create(user=world["anna"], level=level)
    programme = Programme.objects.create(title="Community basics")
    Certificate.objects.create(user=world["anna"], programme=programme)
    _page, cards = manager_list_for_network(viewer=Viewer(world["moderator"]), filters=NetworkFilters(query="anna"))
    card = cards[0]
    assert [c.name for c in card.communities] == ["Energy"]
    assert getattr(card.communities[0], "run_role", None) == Membership.Role.OWNER
    assert card.skills == ["Event planning", "Moderation"]
    assert card.languages == ["German", "Spanish"]
    assert card.level.name == "Certified manager"
    assert [c.programme.title for c in card.certificates] == ["Community basics"]
    assert card.can_ask


def test_opt_out_hides_and_blocks_advice(world, client):
    network_profile_update(actor=world["anna"], opted_out=True, advice_topics="")
    assert AuditEntry.objects.filter(action="network.profile_updated").count() == 1
    assert "Anna Adler" not in _names(world["moderator"])
    client.force_login(world["moderator"])
    url = reverse("meetups:network_ask", kwargs={"handle": world["anna"].handle})
    assert client.get(url).status_code == 404
    assert client.post(url, {"body": "Hello?"}).status_code == 404
    assert Message.objects.count() == 0


def test_plain_members_cannot_browse_the_network(world, client):
    client.force_login(world["member"])
    assert client.get(reverse("meetups:network_directory")).status_code == 404
    client.force_login(world["moderator"])
    assert client.get(reverse("meetups:network_directory")).status_code == 200


def test_ask_for_advice_opens_a_prefilled_direct_message(world, client):
    client.force_login(world["moderator"])
    url = reverse("meetups:network_ask", kwargs={"handle": world["anna"].handle})
    response = client.get(url)
    assert response.status_code == 200
    body = response.context["form"].initial["body"]
    assert "Anna" in body and "Energy" in body
    response = client.post(url, with_key(body="How do you run Q&A sessions?"))
    conversation = Conversation.objects.get()
    assert response.status_code == 302 and response.url == reverse(
        "messaging:conversation_detail", kwargs={"pk": conversation.pk}
    )
    assert conversation.kind == Conversation.Kind.DIRECT
    assert Message.objects.get().body_source == "How do you run Q&A sessions?"
    # Asking again continues the same one-to-one conversation; the same form sent twice sends once.
    again = with_key(body="And one more thing.")
    assert client.post(url, again).url == client.post(url, again).url == response.url
    assert Conversation.objects.count() == 1 and Message.objects.count() == 2


def test_nobody_asks_themself(world, client):
    client.force_login(world["anna"])
    assert client.get(reverse("meetups:network_ask", kwargs={"handle": world["anna"].handle})).status_code == 404


def test_network_settings_page(world, client):
    client.force_login(world["anna"])
    url = reverse("meetups:network_profile")
    assert client.get(url).status_code == 200
    response = client.post(url, {"opted_out": "on", "advice_topics": "Growing a community"})
    assert response.status_code == 302
    profile = NetworkProfile.objects.get(user=world["anna"])
    assert profile.opted_out and profile.advice_topics == "Growing a community"
    client.force_login(world["member"])
    assert client.get(url).status_code == 404


def test_directory_page_renders_cards(world, client):
    client.force_login(world["moderator"])
    response = client.get(reverse("meetups:network_directory"), {"q": "anna"})
    html = response.content.decode()
    assert "Anna Adler" in html and "Ask for advice" in html and "Energy" in html
    assert "Skunkworks" not in html


def test_keyset_pages_cover_everyone_once(world):
    energy = world["energy"]
    extra = {add_manager(energy, display_name=f"Zed {i:02d}").display_name for i in range(7)}
    viewer = Viewer(world["moderator"])
    seen: list[str] = []
    cursor = None
    while True:
        page, cards = manager_list_for_network(viewer=viewer, filters=NetworkFilters(), cursor=cursor, page_size=3)
        seen += [c.user.display_name for c in cards]
        if not page.next_cursor:
            break
        cursor = page.next_cursor
    assert sorted(seen) == sorted(["Anna Adler", "Bert Berg", *extra])
    assert owner_of(energy).display_name == "Anna Adler"
