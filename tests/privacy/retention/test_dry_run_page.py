"""The retention dry run for staff (issue 23, item 4): every rule with its period and what is past
it now; nothing changes; 404 for everyone else; a fixed number of queries."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone

from intranet.core.retention import retention_rules
from intranet.notifications.models import Notification
from tests.factories import UserFactory
from tests.support.queries import pin_queries

pytestmark = pytest.mark.django_db
PAGE = reverse("privacy:retention")


def _old_notification(days: int) -> int:
    row = Notification.objects.create(
        recipient=UserFactory.create(), kind="k", event_key=f"old{days}", url="/", delivery="in_app"
    )
    Notification.objects.filter(pk=row.pk).update(created_at=timezone.now() - dt.timedelta(days=days))
    return row.pk


def test_staff_see_every_rule_and_what_is_due_and_nothing_changes(client: Any, staff_user: Any, settings: Any) -> None:
    settings.RETENTION_NOTIFICATIONS_DAYS = 30
    old = _old_notification(31)
    _old_notification(29)
    client.force_login(staff_user)
    html = client.get(PAGE).content.decode()
    for rule in retention_rules():
        assert f'data-rule="{rule.key}"' in html
    row = html.split('data-rule="notifications"', 1)[1].split("</tr>", 1)[0]
    assert 'data-due="1"' in row and "30 days" in row
    assert Notification.objects.filter(pk=old).exists()


def test_everyone_else_gets_404(client: Any, user: Any) -> None:
    client.force_login(user)
    assert client.get(PAGE).status_code == 404
    client.logout()
    assert client.get(PAGE).status_code == 302  # the sign-in page first


def test_the_page_reads_in_german(client: Any, staff_user: Any) -> None:
    client.force_login(staff_user)
    html = client.get(PAGE, HTTP_ACCEPT_LANGUAGE="de").content.decode()
    assert "Aufbewahrung" in html


def test_the_page_costs_one_count_per_rule_whatever_the_data(client: Any, staff_user: Any, settings: Any) -> None:
    for rule in retention_rules():  # every period set, so every rule counts (an unset one costs nothing)
        if rule.setting:
            setattr(settings, rule.setting, 30)
    client.force_login(staff_user)
    client.get(PAGE)
    expected = 1 + len(retention_rules())  # the viewer, then one count per rule
    with pin_queries(expected):
        assert client.get(PAGE).status_code == 200
    for days in range(31, 37):
        _old_notification(days)
    with pin_queries(expected):
        assert client.get(PAGE).status_code == 200
