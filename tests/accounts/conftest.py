"""Fixtures for the identity tests: employees whose e-mail address allauth knows as verified."""

from __future__ import annotations

import pytest
from allauth.account.models import EmailAddress

from tests.factories import PASSWORD, UserFactory


def make_employee(email: str, **extra):
    user = UserFactory(email=email, **extra)
    assert EmailAddress.objects.filter(user=user, email=email, verified=True).exists()
    return user


@pytest.fixture
def employee(db):
    return make_employee("anna.schmidt@corp.example", display_name="Anna Schmidt")


def sign_in(client, email: str, password: str = PASSWORD):
    return client.post("/accounts/login/", {"login": email, "password": password})
