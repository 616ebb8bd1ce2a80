"""Pinned query counts of the certificate pages."""

from __future__ import annotations

import pytest
from django.urls import reverse

from tests.support.queries import assert_constant_queries
from tests.training.query_helpers import fetch
from training.models import Certificate

pytestmark = pytest.mark.django_db


def test_certificate_pages(client, me, programme):
    cert = Certificate.objects.create(user=me, programme=programme)
    client.force_login(me)
    for name, url in (
        ("certificate_verify", reverse("training:certificate_verify", args=[cert.code])),
        ("certificate_print", reverse("training:certificate_print", args=[cert.code])),
    ):
        assert_constant_queries(add_rows=lambda n: None, action=fetch(client, url), expected=EXPECTED[name])


#: Queries per page (the signed-in user and session come from the cache after the first request).
EXPECTED: dict[str, int] = {
    "certificate_verify": 3,
    "certificate_print": 4,
}
