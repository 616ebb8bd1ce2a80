"""The moderation-gap actions against every kind of person (issue 6): moderator edits of posts and
comments, hiding and restoring a reported direct message, closing a report on a direct message.

Allowed actions write exactly one audit row with before/after; an author's own edit writes none;
denied ones raise PermissionDenied and change nothing.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from django.contrib.auth.models import Permission
from django.core.exceptions import PermissionDenied

from communities.models import Comment, HiddenMessage, Report
from communities.moderation import services as mod
from communities.posts import services as post_services
from intranet.accounts.models import User
from intranet.core.models import AuditEntry
from intranet.messaging import services as messaging
from intranet.messaging.models import Message
from tests.communities.moderation.test_permission_matrix import KINDS, MODERATORS, World, build_world, make_actor
from tests.communities.moderation.test_permission_matrix import snapshot as world_snapshot
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

#: Everyone of the main matrix, plus the author of the content and an unscoped coordinator (holder
#: of ``communities.coordinate`` without a scope row), who coordinates everything like staff.
GAP_KINDS = [*KINDS, "author", "unscoped"]
EVERYTHING = {"coordinator", "unscoped"}


@dataclass
class GapWorld:
    world: World
    message: Message
    message_report: Report
    hidden: HiddenMessage


def build_gap_world() -> GapWorld:
    world = build_world()
    sender, receiver = UserFactory.create(), UserFactory.create()
    _conversation, message = messaging.conversation_start(actor=sender, recipients=[receiver], body="Buy my stuff")
    report = mod.report_create(actor=receiver, message=message, reason="spam")
    second = UserFactory.create()
    _c2, other = messaging.conversation_start(actor=sender, recipients=[second], body="Rude words")
    other_report = mod.report_create(actor=second, message=other, reason="harassment")
    hidden = mod.message_hide(actor=UserFactory.create(is_staff=True), report=other_report, reason="rude")
    return GapWorld(world, message, report, hidden)


def gap_actor(kind: str, gw: GapWorld) -> User:
    if kind == "author":  # wrote the comment (not the post, not the messages)
        return gw.world.target
    if kind == "unscoped":
        user = UserFactory.create()
        user.user_permissions.add(Permission.objects.get(codename="coordinate", content_type__app_label="communities"))
        return user  # type: ignore[no-any-return]
    return make_actor(kind, gw.world)


Action = Callable[[User, GapWorld], Any]
# name: (allowed kinds, action, audit action, kinds for whom it is their own content: allowed, not audited)
ACTIONS: dict[str, tuple[set[str], Action, str, set[str]]] = {
    "comment_edit": (
        MODERATORS | EVERYTHING,
        lambda a, g: post_services.comment_update(actor=a, comment=g.world.comment, body="Tidied", reason="tone"),
        "comment.edited",
        {"author"},
    ),
    "post_edit": (
        MODERATORS | EVERYTHING,
        lambda a, g: post_services.post_update(actor=a, post=g.world.post, body="Tidied", reason="tone"),
        "post.edited",
        set(),
    ),
    "message_hide": (
        EVERYTHING,
        lambda a, g: mod.message_hide(actor=a, report=g.message_report, reason="spam"),
        "message.hidden",
        set(),
    ),
    "message_restore": (
        EVERYTHING,
        lambda a, g: mod.message_restore(actor=a, hidden=g.hidden),
        "message.restored",
        set(),
    ),
    "message_report_dismiss": (
        EVERYTHING,
        lambda a, g: mod.report_dismiss(actor=a, report=g.message_report),
        "report.dismissed",
        set(),
    ),
}


def snapshot() -> dict[str, Any]:
    return {
        **world_snapshot(),
        "comment_text": list(
            Comment.objects.order_by("pk").values_list("pk", "body_source", "moderator_note", "edited_by_id")
        ),
        "messages": list(Message.objects.order_by("pk").values_list("pk", "body_source")),
        "hidden": list(HiddenMessage.objects.order_by("pk").values_list("pk", "message_id")),
    }


@pytest.mark.parametrize("kind", GAP_KINDS)
@pytest.mark.parametrize("action", list(ACTIONS))
def test_gap_permission_matrix(action, kind, django_capture_on_commit_callbacks):
    allowed, run, audit_action, own = ACTIONS[action]
    gw = build_gap_world()
    actor = gap_actor(kind, gw)
    before = snapshot()
    last_audit = AuditEntry.objects.order_by("-id").values_list("id", flat=True).first()
    if kind in own:
        run(actor, gw)
        assert not AuditEntry.objects.filter(id__gt=last_audit).exists()
    elif kind in allowed:
        run(actor, gw)
        new = list(AuditEntry.objects.filter(id__gt=last_audit))
        assert [e.action for e in new] == [audit_action]
        entry = new[0]
        assert entry.actor_id == actor.pk
        assert entry.before is not None and entry.after is not None and entry.before != entry.after
        expected_scope = "platform" if action.startswith("message") else f"community:{gw.world.community.pk}"
        assert entry.scope == expected_scope
    else:
        with pytest.raises(PermissionDenied):
            run(actor, gw)
        assert snapshot() == before
