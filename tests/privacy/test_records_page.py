"""The staff page "What the platform records about people", generated from the register (item 5)."""

from __future__ import annotations

import pytest
from django.urls import reverse

from intranet.core import privacy
from tests.support.queries import pin_queries

pytestmark = pytest.mark.django_db
RECORDS = reverse("privacy:records")


def test_the_page_lists_every_entry_of_the_register_with_retention_and_switches(client, staff_user, settings):
    settings.RETENTION_DIRECT_MESSAGES_DAYS = 365
    settings.PRIVACY_READ_RECEIPTS = False
    client.force_login(staff_user)
    html = client.get(RECORDS).content.decode()
    for entry in privacy.entries():
        assert f'data-model="{entry.model._meta.label}"' in html
    assert "<code>RETENTION_DIRECT_MESSAGES_DAYS</code> = 365" in html
    assert "not set: kept until erased" in html  # a retention setting the erasure work has not added
    assert 'data-switch="PRIVACY_READ_RECEIPTS"' in html
    receipts_row = html.split('data-switch="PRIVACY_READ_RECEIPTS"', 1)[1].split("</tr>", 1)[0]
    assert ">off<" in receipts_row


def test_the_page_reads_in_german(client, staff_user):
    client.force_login(staff_user)
    html = client.get(RECORDS, HTTP_ACCEPT_LANGUAGE="de").content.decode()
    assert "Was die Plattform über Personen aufzeichnet" in html


def test_the_page_costs_a_fixed_number_of_queries(client, staff_user):
    client.force_login(staff_user)
    client.get(RECORDS)
    with pin_queries(1):  # the viewer; the register is code, not rows
        assert client.get(RECORDS).status_code == 200


def test_the_user_menu_links_the_pages(client, user, staff_user):
    client.force_login(user)
    html = client.get(reverse("privacy:my_data")).content.decode()
    assert 'id="user-menu-my-data"' in html and 'id="user-menu-records"' not in html
    client.force_login(staff_user)
    assert 'id="user-menu-records"' in client.get(reverse("privacy:my_data")).content.decode()
