"""Each person sees and changes only their own notifications; the predicate and its twin agree."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.auth.models import AnonymousUser

from intranet.core.viewer import Viewer
from intranet.notifications.models import Notification
from intranet.notifications.permissions import can_change_preferences, can_view_notification, visible_notifications
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("who", ["recipient", "other", "staff", "anonymous"])
def test_only_the_recipient_sees_a_notification(who):
    recipient = UserFactory.create()
    notification = Notification.objects.create(recipient=recipient, kind="k", event_key="e", url="/", delivery="in_app")
    user: Any = {
        "recipient": recipient,
        "other": UserFactory.create(),
        "staff": UserFactory.create(is_staff=True, is_superuser=True),
        "anonymous": AnonymousUser(),
    }[who]
    viewer = Viewer(user)
    expected = who == "recipient"
    assert can_view_notification(viewer, notification) is expected
    assert visible_notifications(viewer).filter(pk=notification.pk).exists() is expected
    assert can_change_preferences(viewer) is (who != "anonymous")
