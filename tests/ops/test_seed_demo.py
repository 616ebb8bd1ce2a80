"""``manage.py seed_demo`` loads every app's demo data and is safe to run on every ``make run``."""

from __future__ import annotations

from io import StringIO

import pytest
from django.apps import apps
from django.core.management import call_command

DEMO_LOGINS = ("anna.mueller@demo.intranet.test", "admin@demo.intranet.test")


def _row_counts() -> dict[str, int]:
    return {model._meta.label: model._default_manager.count() for model in apps.get_models()}


def _seed() -> str:
    out = StringIO()
    call_command("seed_demo", stdout=out)
    return out.getvalue()


@pytest.mark.django_db
def test_seed_demo_is_idempotent():
    _seed()
    first = _row_counts()
    _seed()
    second = _row_counts()
    grown = {label: (first[label], second[label]) for label in first if first[label] != second[label]}
    assert grown == {}, f"a second seed_demo changed row counts: {grown}"


@pytest.mark.django_db
def test_seed_demo_creates_the_documented_logins():
    output = _seed()
    assert "Demo data ready" in output
    user_model = apps.get_model("accounts", "User")
    users = {user.email: user for user in user_model.objects.filter(email__in=DEMO_LOGINS)}
    assert set(users) == set(DEMO_LOGINS)
    assert all(user.check_password("demo-password-2026") for user in users.values())
    assert users["admin@demo.intranet.test"].is_superuser
