"""The partner search of the tandem proposal (issue 18, item 5): the options endpoint finds partner
communities by their name or their organisation's (case-, accent- and typo-tolerant, like the
console's merge search), answers 404 to people who may not enter a partner tandem, keeps its query
count flat, and the proposal still accepts only a partner from the list."""

from __future__ import annotations

import pytest
from django.urls import reverse

from meetups.models import Organisation, PartnerCommunity, Tandem
from meetups.tandems.selectors import partner_list_matching
from tests.factories import UserFactory
from tests.meetups.tandem_helpers import make_community, owner_of
from tests.support.forms import with_key
from tests.support.queries import assert_constant_queries

pytestmark = pytest.mark.django_db


def partner(name: str, organisation: str = "Stadtwerke Süd") -> PartnerCommunity:
    org, _ = Organisation.objects.get_or_create(name=organisation, defaults={"kind": Organisation.Kind.EXTERNAL})
    return PartnerCommunity.objects.create(organisation=org, name=name, contact_name="Kim Kontakt")


@pytest.fixture
def home():
    return make_community("Solar home", tags=("solar",), description="Solar panels on roofs")


def names(client, home, query: str) -> list[str]:  # type: ignore[no-untyped-def]
    response = client.get(reverse("meetups:tandem_partner_options", kwargs={"slug": home.slug}), {"q": query})
    assert response.status_code == 200
    html = response.content.decode()
    return [part.split('"', 1)[0] for part in html.split('data-name="')[1:]]


def test_partner_search_by_name_or_organisation_tolerates_accents_and_typos() -> None:
    gruen = partner("Grüne Dächer")
    partner("Radverkehr", organisation="Verkehrsverbund Nord")
    assert [p.pk for p in partner_list_matching(query="grune dacher")] == [gruen.pk]
    assert [p.pk for p in partner_list_matching(query="Grüne Dächr")] == [gruen.pk]
    assert [p.name for p in partner_list_matching(query="verkehrsverbund")] == ["Radverkehr"]
    assert partner_list_matching(query="  ") == []


def test_options_endpoint_lists_matches_for_the_communitys_managers(client, home) -> None:
    gruen = partner("Grüne Dächer")
    client.force_login(owner_of(home))
    assert names(client, home, "grün") == ["Grüne Dächer (Stadtwerke Süd)"]
    html = client.get(reverse("meetups:tandem_partner_options", kwargs={"slug": home.slug}), {"q": "grün"})
    assert f'data-handle="{gruen.pk}"' in html.content.decode() and 'role="listbox"' in html.content.decode()
    assert (
        "No partner community matches this name."
        in client.get(
            reverse("meetups:tandem_partner_options", kwargs={"slug": home.slug}), {"q": "zzzz"}
        ).content.decode()
    )


def test_options_endpoint_is_404_for_people_who_may_not_propose(client, home) -> None:
    partner("Grüne Dächer")
    client.force_login(UserFactory.create())
    url = reverse("meetups:tandem_partner_options", kwargs={"slug": home.slug})
    assert client.get(url, {"q": "grün"}).status_code == 404
    missing = reverse("meetups:tandem_partner_options", kwargs={"slug": "no-such-community"})
    client.force_login(owner_of(home))
    assert client.get(missing, {"q": "grün"}).status_code == 404


def test_options_query_count_is_flat_in_the_number_of_partners(client, home) -> None:
    client.force_login(owner_of(home))
    url = reverse("meetups:tandem_partner_options", kwargs={"slug": home.slug})

    def add(n: int) -> None:
        for i in range(n):
            partner(f"Solar Partner {PartnerCommunity.objects.count()} {i}")

    # user, role map with model permissions, community, the matching partners with their organisation
    assert_constant_queries(add_rows=add, action=lambda: client.get(url, {"q": "solar partner"}), expected=4)


def test_suggestions_page_marks_the_select_for_the_search_and_the_server_checks_the_choice(client, home) -> None:
    gruen = partner("Grüne Dächer")
    client.force_login(owner_of(home))
    page = client.get(reverse("meetups:tandem_suggestions", kwargs={"slug": home.slug})).content.decode()
    options_url = reverse("meetups:tandem_partner_options", kwargs={"slug": home.slug})
    assert f'data-partner-options-url="{options_url}"' in page and "Grüne Dächer (Stadtwerke Süd)" in page
    propose = reverse("meetups:tandem_propose_partner", kwargs={"slug": home.slug})
    assert client.post(propose, with_key(partner=gruen.pk + 999)).status_code == 400
    assert not Tandem.objects.exists()
    assert client.post(propose, with_key(partner=gruen.pk)).status_code == 302
    assert Tandem.objects.get().partner_id == gruen.pk
