"""Certificate screens: verification, printing and revocation."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.urls import reverse

from tests.factories import UserFactory
from tests.training.conftest import complete_everything, viewer_of
from training.certificates.services import certificate_revoke
from training.models import Certificate

pytestmark = pytest.mark.django_db


def test_certificate_pages(client, programme, steps, session, coordinator, learner):
    complete_everything(learner, programme, steps, session, coordinator)
    cert = Certificate.objects.get(user=learner)
    colleague = UserFactory.create()
    client.force_login(colleague)
    page = client.get(reverse("training:certificate_verify", args=[cert.code]))
    body = page.content.decode()
    assert page.status_code == 200 and 'data-status="valid"' in body and learner.display_name in body
    assert programme.title in body and "Printable certificate" not in body
    # Lower-case and the lookup form lead to the same page.
    assert client.get(reverse("training:certificate_verify", args=[cert.code.lower()]))["Location"].endswith(
        f"/{cert.code}/"
    )
    assert client.get(reverse("training:certificate_lookup") + f"?code={cert.code}")["Location"].endswith(
        f"/{cert.code}/"
    )
    unknown = client.get(reverse("training:certificate_verify", args=["AAAAAAAAAAAA"]))
    assert unknown.status_code == 404 and 'id="certificate-lookup"' in unknown.content.decode()
    assert client.get(reverse("training:certificate_print", args=[cert.code])).status_code == 404

    client.force_login(learner)
    printable = client.get(reverse("training:certificate_print", args=[cert.code])).content.decode()
    assert 'id="certificate-sheet"' in printable and cert.code in printable and "data-print" in printable

    assert cert.expires_at is not None
    with time_machine.travel(cert.expires_at + dt.timedelta(days=1)):
        client.force_login(learner)
        assert (
            'data-status="expired"'
            in client.get(reverse("training:certificate_verify", args=[cert.code])).content.decode()
        )

    certificate_revoke(actor=viewer_of(coordinator), certificate=cert, reason="Copied answers")
    revoked = client.get(reverse("training:certificate_verify", args=[cert.code])).content.decode()
    assert 'data-status="revoked"' in revoked and "Copied answers" in revoked


def test_revoke_through_the_page(client, programme, steps, session, coordinator, learner):
    complete_everything(learner, programme, steps, session, coordinator)
    cert = Certificate.objects.get(user=learner)
    client.force_login(coordinator)
    assert client.post(reverse("training:certificate_revoke", args=[cert.code]), {"reason": ""}).status_code == 400
    assert client.post(reverse("training:certificate_revoke", args=[cert.code]), {"reason": "Error"}).status_code == 302
    cert.refresh_from_db()
    assert cert.revoked_at is not None and cert.revoked_by_id == coordinator.pk
