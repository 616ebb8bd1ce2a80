"""The curation screens of organisations and people from outside, through the forms."""

from __future__ import annotations

import pytest
from django.urls import reverse

from meetups.models import ExternalPerson, Organisation
from tests.factories import UserFactory
from tests.meetups.factories import coordinator
from tests.support.forms import with_key


@pytest.mark.django_db
def test_coordinators_curate_organisations_and_guests(client) -> None:
    client.force_login(coordinator())
    assert (
        client.post(
            reverse("meetups:organisation_create"),
            with_key(name="Hochschule Süd", kind="external", website="https://hs-sued.example", city="Ulm"),
        ).status_code
        == 302
    )
    org = Organisation.objects.get()
    duplicate = client.post(reverse("meetups:organisation_create"), with_key(name="hochschule süd", kind="external"))
    assert duplicate.status_code == 200 and "exists already" in duplicate.content.decode()
    assert (
        client.post(
            reverse("meetups:person_create"),
            with_key(name="Dr. Gast", organisation=org.pk, role="Dean", email="Gast@HS-Sued.example"),
        ).status_code
        == 302
    )
    assert ExternalPerson.objects.get().email == "gast@hs-sued.example"
    page = client.get(reverse("meetups:organisation_list")).content.decode()
    assert "Hochschule Süd" in page and "gast@hs-sued.example" in page
    client.force_login(UserFactory.create())
    page = client.get(reverse("meetups:organisation_list")).content.decode()
    assert "Dr. Gast" in page and "gast@hs-sued.example" not in page
    assert client.get(reverse("meetups:organisation_create")).status_code == 403
