"""The people rulebook: a role x state matrix, and parity between predicates and querysets."""

from __future__ import annotations

from collections.abc import Callable
from typing import cast

import pytest

from intranet.accounts.models import User
from intranet.accounts.permissions import can_edit_profile, can_follow_user, can_view_profile, visible_users
from intranet.core.viewer import Viewer
from tests.factories import UserFactory

# factory_boy's types say a factory returns itself; it returns the model.
make_user = cast("Callable[..., User]", UserFactory)

pytestmark = pytest.mark.django_db

VIEWERS = ["anonymous", "colleague", "self", "staff", "deactivated"]
TARGETS = ["active", "deactivated"]


def _viewer(kind: str, target: User) -> Viewer:
    return {
        "anonymous": lambda: Viewer(None),
        "colleague": lambda: Viewer(make_user()),
        "self": lambda: Viewer(target),
        "staff": lambda: Viewer(make_user(is_staff=True)),
        "deactivated": lambda: Viewer(make_user(is_active=False)),
    }[kind]()


EXPECTED = {
    # (viewer, target): (view, edit, follow)
    ("anonymous", "active"): (False, False, False),
    ("colleague", "active"): (True, False, True),
    ("self", "active"): (True, True, False),
    ("staff", "active"): (True, True, True),
    ("deactivated", "active"): (False, False, False),
    ("anonymous", "deactivated"): (False, False, False),
    ("colleague", "deactivated"): (False, False, False),
    ("staff", "deactivated"): (False, True, False),
}


@pytest.mark.parametrize(("viewer_kind", "target_kind"), list(EXPECTED))
def test_people_rules(viewer_kind, target_kind):
    target = make_user(is_active=target_kind == "active")
    viewer = _viewer(viewer_kind, target)
    view, edit, follow = EXPECTED[(viewer_kind, target_kind)]
    assert can_view_profile(viewer, target) is view
    assert can_edit_profile(viewer, target) is edit
    assert can_follow_user(viewer, target) is follow
    # Parity: the queryset twin agrees with the predicate.
    assert visible_users(viewer, User.objects.filter(pk=target.pk)).exists() is view


def test_predicates_run_no_queries(django_assert_num_queries):
    target, viewer = make_user(), Viewer(make_user(is_staff=True))
    with django_assert_num_queries(0):
        can_view_profile(viewer, target)
        can_edit_profile(viewer, target)
        can_follow_user(viewer, target)
