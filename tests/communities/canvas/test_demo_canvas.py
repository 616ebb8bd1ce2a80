"""The demo canvases: filled through the services, complete where meant to be, idempotent."""

from __future__ import annotations

import io

import pytest

from communities.canvas.demo import seed_canvases
from communities.canvas.selectors import canvas_is_complete
from communities.core.services import community_create
from communities.models import CanvasComment, CanvasVersion, CommunityCanvas
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_demo_canvases_are_filled_once():
    owner = UserFactory.create()
    UserFactory.create(is_staff=True)
    python = community_create(actor=owner, name="Python Developers", slug="python-developers")
    logistics = community_create(actor=owner, name="Logistik & Supply Chain", slug="logistik-supply-chain")

    out = io.StringIO()
    seed_canvases(stdout=out)
    assert "2 demo canvases filled" in out.getvalue()
    assert CanvasVersion.objects.filter(canvas_id=python.pk).count() == 3
    assert canvas_is_complete(python)
    assert not canvas_is_complete(logistics)
    assert CommunityCanvas.objects.get(pk=logistics.pk).version_number == 1
    assert CanvasComment.objects.filter(canvas_id=python.pk, theme="financing").count() == 1

    seed_canvases(stdout=out)
    assert "0 demo canvases filled" in out.getvalue()
    assert CanvasVersion.objects.count() == 4
