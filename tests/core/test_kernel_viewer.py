from __future__ import annotations

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.http import Http404

from intranet.core.permissions import require, require_visible
from intranet.core.viewer import Viewer


def test_anonymous_viewer():
    viewer = Viewer(AnonymousUser())
    assert not viewer.is_authenticated and viewer.user_id is None and not viewer.is_staff


@pytest.mark.django_db
def test_inactive_user_counts_as_anonymous(user):
    user.is_active = False
    assert Viewer(user).user_id is None


def test_remember_computes_once():
    calls: list[int] = []

    def load() -> dict[str, int]:
        calls.append(1)
        return {"a": 1}

    viewer = Viewer(None)
    for _ in range(3):
        assert viewer.remember("roles", load) == {"a": 1}
    assert calls == [1]
    viewer.forget("roles")
    viewer.remember("roles", load)
    assert calls == [1, 1]


def test_require_and_require_visible():
    require(True)
    with pytest.raises(PermissionDenied):
        require(False)
    with pytest.raises(Http404):
        require_visible(False)


@pytest.mark.django_db
def test_request_has_a_lazy_viewer(client, user):
    client.force_login(user)
    response = client.get("/")
    assert response.wsgi_request.viewer.user_id == user.pk
