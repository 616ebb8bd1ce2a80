"""Saving versions, conflicts, completeness and the review comment workflow, through the services."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from communities.canvas.services import CanvasConflict, canvas_comment_add, canvas_comment_resolve, canvas_save
from communities.models import CanvasComment, CanvasVersion, CommunityCanvas
from intranet.core.models import AuditEntry
from intranet.core.viewer import Viewer
from tests.communities.canvas.helpers import full_answers, make_community, make_manager, make_user, save

pytestmark = pytest.mark.django_db


def test_three_saves_make_three_immutable_versions():
    community = make_community()
    manager = make_manager(community)
    v1 = save(manager, community, {"purpose": "We share solar know-how."}, base=0)
    v2 = save(manager, community, {"purpose": "We share solar know-how.", "values": "Openness."}, base=1)
    v3 = save(manager, community, {"purpose": "We share solar and wind know-how.", "values": "Openness."}, base=2)

    versions = list(CanvasVersion.objects.filter(canvas_id=community.pk).order_by("number"))
    assert [v.number for v in versions] == [1, 2, 3]
    assert [v.pk for v in versions] == [v1.pk, v2.pk, v3.pk]
    assert versions[0].answers == {"purpose": "We share solar know-how."}
    assert versions[1].changed_themes == ["values"]
    assert versions[2].changed_themes == ["purpose"]
    assert all(v.author_id == manager.pk for v in versions)
    head = CommunityCanvas.objects.get(pk=community.pk)
    assert head.version_number == 3
    assert head.answers == {"purpose": "We share solar and wind know-how.", "values": "Openness."}
    assert head.updated_by_id == manager.pk
    # Saves are versioned, not audited.
    assert AuditEntry.objects.count() == 0


def test_save_on_outdated_version_conflicts_and_changes_nothing():
    community = make_community()
    anna, ben = make_manager(community), make_manager(community)
    save(anna, community, {"purpose": "First"}, base=0)
    save(anna, community, {"purpose": "Second"}, base=1)

    with pytest.raises(CanvasConflict) as caught:
        canvas_save(actor=Viewer(ben), community=community, answers={"purpose": "Ben's text"}, base_version=1)

    assert caught.value.base_version == 1
    assert caught.value.current is not None and caught.value.current.number == 2
    assert caught.value.current.author_id == anna.pk
    assert CanvasVersion.objects.filter(canvas_id=community.pk).count() == 2
    assert CommunityCanvas.objects.get(pk=community.pk).answers == {"purpose": "Second"}


def test_first_save_with_a_nonzero_base_conflicts():
    community = make_community()
    with pytest.raises(CanvasConflict):
        save(make_manager(community), community, {"purpose": "x"}, base=3)
    assert not CanvasVersion.objects.exists()


def test_unchanged_save_is_refused_without_a_version():
    community = make_community()
    manager = make_manager(community)
    save(manager, community, {"purpose": "Same"}, base=0)
    with pytest.raises(ValidationError):
        save(manager, community, {"purpose": "  Same \r\n"}, base=1)
    assert CanvasVersion.objects.count() == 1


def test_over_long_answers_are_refused_per_theme():
    community = make_community()
    with pytest.raises(ValidationError) as caught:
        save(make_manager(community), community, {"rituals": "x" * 5001}, base=0)
    assert "rituals" in caught.value.message_dict
    assert not CommunityCanvas.objects.filter(pk=community.pk, version_number__gt=0).exists()


def test_unknown_theme_keys_are_dropped():
    community = make_community()
    version = save(make_manager(community), community, {"purpose": "Why", "evil": "<script>"}, base=0)
    assert version.answers == {"purpose": "Why"}


def test_completed_at_is_set_when_complete_and_cleared_when_a_theme_empties():
    community = make_community()
    manager = make_manager(community)
    answers = full_answers()
    save(manager, community, {**answers, "data": "too short"}, base=0)
    assert CommunityCanvas.objects.get(pk=community.pk).completed_at is None

    save(manager, community, answers, base=1)
    completed = CommunityCanvas.objects.get(pk=community.pk).completed_at
    assert completed is not None

    save(manager, community, {**answers, "purpose": answers["purpose"] + " More."}, base=2)
    assert CommunityCanvas.objects.get(pk=community.pk).completed_at == completed  # stays the first time

    save(manager, community, {**answers, "brand": ""}, base=3)
    assert CommunityCanvas.objects.get(pk=community.pk).completed_at is None


@pytest.mark.parametrize("kind", ["member", "moderator", "coordinator", "scoped_in", "scoped_out", "employee"])
def test_non_managers_cannot_save(kind):
    community = make_community()
    user = make_user(kind, community)
    with pytest.raises(PermissionDenied):
        canvas_save(actor=Viewer(user), community=community, answers={"purpose": "x"}, base_version=0)
    assert not CommunityCanvas.objects.exists()


def test_archived_community_canvas_is_read_only():
    community = make_community(lifecycle="archived", archived_at=timezone.now())
    with pytest.raises(PermissionDenied):
        save(make_manager(community), community, {"purpose": "x"}, base=0)


def test_comment_workflow_with_audit_rows():
    community = make_community()
    manager = make_manager(community)
    coordinator = make_user("scoped_in", community)
    assert coordinator is not None
    save(manager, community, {"purpose": "Why we exist"}, base=0)

    comment = canvas_comment_add(
        actor=Viewer(coordinator), community=community, text="Who is the audience?", theme="member_identity"
    )
    assert comment.version_number == 1 and not comment.is_resolved
    entry = AuditEntry.objects.get()
    assert entry.action == "community.canvas_comment"
    assert entry.actor_id == coordinator.pk and entry.scope == f"community:{community.pk}"

    resolved = canvas_comment_resolve(actor=Viewer(manager), community=community, comment=comment)
    assert resolved.is_resolved and resolved.resolved_by_id == manager.pk and resolved.resolved_at is not None
    assert list(AuditEntry.objects.order_by("pk").values_list("action", flat=True)) == [
        "community.canvas_comment",
        "community.canvas_comment_resolve",
    ]

    with pytest.raises(PermissionDenied):
        canvas_comment_resolve(actor=Viewer(manager), community=community, comment=resolved)
    assert AuditEntry.objects.count() == 2


def test_coordinator_may_comment_before_the_first_save():
    community = make_community()
    comment = canvas_comment_add(actor=Viewer(make_user("coordinator", community)), community=community, text="Start!")
    assert comment.version_number == 0
    assert CommunityCanvas.objects.get(pk=community.pk).version_number == 0


@pytest.mark.parametrize("kind", ["manager", "owner", "member", "scoped_out", "employee"])
def test_only_coordinators_in_scope_comment(kind):
    community = make_community()
    with pytest.raises(PermissionDenied):
        canvas_comment_add(actor=Viewer(make_user(kind, community)), community=community, text="Hello")
    assert not CanvasComment.objects.exists()
    assert not AuditEntry.objects.exists()


def test_comment_validation():
    community = make_community()
    coordinator = make_user("coordinator", community)
    with pytest.raises(ValidationError):
        canvas_comment_add(actor=Viewer(coordinator), community=community, text="   ")
    with pytest.raises(ValidationError):
        canvas_comment_add(actor=Viewer(coordinator), community=community, text="x", theme="nope")
    assert not CanvasComment.objects.exists()


def test_comment_author_may_resolve_but_other_coordinators_and_members_may_not():
    community = make_community()
    author = make_user("coordinator", community)
    comment = canvas_comment_add(actor=Viewer(author), community=community, text="Check rituals", theme="rituals")
    for kind in ("coordinator", "member", "moderator"):
        with pytest.raises(PermissionDenied):
            canvas_comment_resolve(actor=Viewer(make_user(kind, community)), community=community, comment=comment)
    assert not CanvasComment.objects.get(pk=comment.pk).is_resolved
    canvas_comment_resolve(actor=Viewer(author), community=community, comment=comment)
    assert CanvasComment.objects.get(pk=comment.pk).is_resolved


def test_resolving_a_comment_of_another_community_is_refused():
    community, elsewhere = make_community(), make_community()
    comment = canvas_comment_add(actor=Viewer(make_user("coordinator", elsewhere)), community=elsewhere, text="x")
    with pytest.raises(PermissionDenied):
        canvas_comment_resolve(actor=Viewer(make_manager(community)), community=community, comment=comment)
