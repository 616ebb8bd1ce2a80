"""The organisation and guest forms sent twice add one organisation and one guest (and not "exists
already" for the second); their edit forms need no key."""

from __future__ import annotations

import pytest
from django.urls import reverse

from meetups.models import ExternalPerson, Organisation
from tests.meetups.factories import coordinator
from tests.support.forms import with_key

pytestmark = pytest.mark.django_db


def test_organisation_and_person_forms_sent_twice_add_one_each(client) -> None:
    client.force_login(coordinator())
    data = with_key(name="Hochschule Süd", kind="external")
    answers = [client.post(reverse("meetups:organisation_create"), data) for _ in range(2)]
    assert [a.status_code for a in answers] == [302, 302]
    org = Organisation.objects.get()
    person = with_key(name="Dr. Gast", organisation=org.pk, role="Dean", email="gast@hs-sued.example")
    answers = [client.post(reverse("meetups:person_create"), person) for _ in range(2)]
    assert [a.status_code for a in answers] == [302, 302]
    assert ExternalPerson.objects.count() == 1
    edit = client.post(reverse("meetups:organisation_edit", args=[org.pk]), {"name": "HS Süd", "kind": "external"})
    assert edit.status_code == 302
    org.refresh_from_db()
    assert org.name == "HS Süd"
