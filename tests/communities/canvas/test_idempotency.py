"""A coordinator's canvas review comment sent twice is added once."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from communities.models import CanvasComment
from tests.communities.canvas.helpers import make_community, make_user
from tests.support.forms import with_key

pytestmark = pytest.mark.django_db


def test_canvas_comment_sent_twice_is_added_once():
    community = make_community()
    coordinator = make_user("coordinator", community)
    assert coordinator is not None
    client = Client()
    client.force_login(coordinator)
    path = reverse("communities:canvas_comment_create", kwargs={"slug": community.slug})
    data = with_key(text="Please add rituals", theme="")
    answers = [client.post(path, data) for _ in range(2)]
    assert [a.status_code for a in answers] == [302, 302]
    assert CanvasComment.objects.get().text == "Please add rituals"
    assert client.post(path, {"text": "no key"}).status_code == 400
    assert CanvasComment.objects.count() == 1
