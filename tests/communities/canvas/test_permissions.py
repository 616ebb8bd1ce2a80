"""The canvas permission matrix: viewer kinds x visibility x actions, and predicate/twin parity."""

from __future__ import annotations

import pytest

from communities.canvas.permissions import (
    can_edit_canvas,
    can_resolve_canvas_comment,
    can_review_canvas,
    can_view_canvas,
    can_view_canvas_comments,
)
from communities.models import CanvasComment, Community, CommunityCanvas
from tests.communities.canvas.helpers import KINDS, make_community, make_user, viewer_for

pytestmark = pytest.mark.django_db

VISIBILITIES = [Community.Visibility.PUBLIC, Community.Visibility.PRIVATE, Community.Visibility.SECRET]
READERS = {"member", "moderator", "manager", "owner", "coordinator", "scoped_in"}
EDITORS = {"manager", "owner"}
REVIEWERS = {"coordinator", "scoped_in"}
COMMENT_READERS = EDITORS | REVIEWERS


@pytest.mark.parametrize("visibility", VISIBILITIES)
@pytest.mark.parametrize("kind", KINDS)
def test_matrix(kind, visibility):
    community = make_community(visibility)
    viewer = viewer_for(make_user(kind, community))
    assert can_view_canvas(viewer, community) == (kind in READERS)
    assert can_edit_canvas(viewer, community) == (kind in EDITORS)
    assert can_review_canvas(viewer, community) == (kind in REVIEWERS)
    assert can_view_canvas_comments(viewer, community) == (kind in COMMENT_READERS)


@pytest.mark.parametrize("kind", KINDS)
def test_resolve_matrix(kind):
    community = make_community()
    canvas = CommunityCanvas.objects.create(community=community)
    comment = CanvasComment.objects.create(canvas=canvas, text="x")
    viewer = viewer_for(make_user(kind, community))
    assert can_resolve_canvas_comment(viewer, community, comment) == (kind in EDITORS)
    comment.is_resolved = True
    assert not can_resolve_canvas_comment(viewer, community, comment)


def test_archived_community_canvas_is_readable_but_not_editable():
    from django.utils import timezone

    community = make_community(lifecycle="archived", archived_at=timezone.now())
    manager = viewer_for(make_user("manager", community))
    coordinator = viewer_for(make_user("coordinator", community))
    assert can_view_canvas(manager, community) and not can_edit_canvas(manager, community)
    assert can_view_canvas(coordinator, community) and not can_review_canvas(coordinator, community)
