"""Writes on career levels: requirements, applications, promotion and demotion, rights as groups.

Rights that the communities app enforces are granted as Django permissions: each level owns an auth
group holding the permissions of its rights and of every lower level's rights, and a person is in
exactly the group of the level they hold. So ``communities.core.permissions`` (which loads the viewer's
model permissions) honours them without importing this app.
"""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass
from typing import TYPE_CHECKING

from dateutil.relativedelta import relativedelta  # type: ignore[import-untyped]
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.contrib.contenttypes.models import ContentType
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from communities.api import (
    Membership,
    canvas_completed_community_ids,
    health_for_communities,
    manager_since_for_users,
)
from intranet.core.audit import audit_log
from intranet.core.idempotency import idempotent
from intranet.core.permissions import require
from intranet.core.viewer import Viewer, as_viewer
from training.certificates.selectors import certificates_for_users

from . import events
from .models import EvidenceKind, Level, LevelApplication, LevelChange, LevelRight, UserLevel
from .permissions import (
    LEVEL_RIGHTS_KEY,
    can_apply_for_level,
    can_change_level_of,
    can_decide_level_application,
    can_manage_levels,
    can_withdraw_level_application,
)

if TYPE_CHECKING:
    from intranet.accounts.models import User

#: Level rights that other apps enforce through a Django permission: right -> (app, model, codename, name).
RIGHT_PERMISSIONS: dict[str, tuple[str, str, str, str]] = {
    LevelRight.CREATE_OFFICIAL_COMMUNITIES: (
        "communities",
        "community",
        "create_official_community",
        "Can mark communities they run as official",
    ),
}


class LevelError(Exception):
    """A rule refuses the level change; the message is shown to the coordinator or applicant."""


# Requirements -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Requirement:
    label: str
    met: bool
    detail: str = ""


def level_requirements(*, user_id: int, level: Level, now: dt.datetime | None = None) -> list[Requirement]:
    """Check every requirement of ``level`` for one person (a handful of queries, no writes)."""
    now = now or timezone.now()
    result: list[Requirement] = []
    programmes = list(level.required_programmes.all())
    if programmes:
        held = {c.programme_id for c in certificates_for_users([user_id]).get(user_id, [])}
        for programme in programmes:
            result.append(
                Requirement(
                    label=_("Valid certificate: %(programme)s") % {"programme": programme.title},
                    met=programme.pk in held,
                )
            )
    if level.min_manager_months:
        since = manager_since_for_users([user_id]).get(user_id)
        met = since is not None and since + relativedelta(months=level.min_manager_months) <= now
        detail = (
            _("Community manager since %(date)s") % {"date": since.date().isoformat()}
            if since
            else _("Not a community manager yet")
        )
        result.append(
            Requirement(
                label=_("At least %(months)s months as a community manager") % {"months": level.min_manager_months},
                met=met,
                detail=detail,
            )
        )
    if level.evidence != EvidenceKind.NONE:
        result.append(_evidence_requirement(user_id, level))
    return result


def _managed_community_ids(user_id: int) -> list[int]:
    # communities.api offers no "communities this person runs" look-up; the Membership model it
    # exports answers it in one query.
    return list(
        Membership.objects.filter(
            user_id=user_id,
            state=Membership.State.ACTIVE,
            role__in=(Membership.Role.OWNER, Membership.Role.MANAGER),
        ).values_list("community_id", flat=True)
    )


def _evidence_requirement(user_id: int, level: Level) -> Requirement:
    community_ids = _managed_community_ids(user_id)
    if level.evidence == EvidenceKind.CANVAS:
        met = bool(community_ids) and bool(canvas_completed_community_ids(community_ids))
        return Requirement(label=_("A completed Community Canvas in a community you run"), met=met)
    threshold = level.min_health_score or 0
    scores = [h.score for h in health_for_communities(community_ids).values()] if community_ids else []
    best = max(scores, default=None)
    return Requirement(
        label=_("A community you run with a health score of at least %(score)s") % {"score": threshold},
        met=best is not None and best >= threshold,
        detail=_("Best score: %(score)s") % {"score": best} if best is not None else "",
    )


# Rights as groups -------------------------------------------------------------------------------


def _right_permission(right: str) -> Permission | None:
    spec = RIGHT_PERMISSIONS.get(right)
    if spec is None:
        return None
    app_label, model, codename, name = spec
    content_type, _created = ContentType.objects.get_or_create(app_label=app_label, model=model)
    permission, _created = Permission.objects.get_or_create(
        content_type=content_type, codename=codename, defaults={"name": name}
    )
    return permission


def level_groups_sync() -> None:
    """Give every level its auth group with the permissions of its cumulative rights.

    Run after levels or their rights change (the level service and the admin do).
    """
    with transaction.atomic():
        rights: set[str] = set()
        for level in Level.objects.select_for_update().order_by("rank"):
            rights.update(level.rights)
            if level.group_id is None:
                level.group = Group.objects.create(name=f"Training level {level.pk}")
                level.save(update_fields=["group"])
            assert level.group is not None
            permissions = [p for p in (_right_permission(r) for r in sorted(rights)) if p is not None]
            level.group.permissions.set(permissions)


def _set_groups(user_id: int, level: Level | None) -> None:
    through = get_user_model().groups.through
    level_group_ids = list(Level.objects.exclude(group=None).values_list("group_id", flat=True))
    through.objects.filter(user_id=user_id, group_id__in=level_group_ids).delete()
    if level is not None:
        if level.group_id is None:
            level_groups_sync()
            level.refresh_from_db(fields=["group"])
        through.objects.create(user_id=user_id, group_id=level.group_id)


# Changing levels --------------------------------------------------------------------------------


def _change(
    *, viewer: Viewer, user_id: int, level: Level | None, reason: str, action: str, target: object = None
) -> UserLevel | None:
    """Set the person's level (``None``: no level) inside the caller's transaction; audit once."""
    current = UserLevel.objects.select_for_update().select_related("level").filter(user_id=user_id).first()
    before = current.level if current else None
    if (before.pk if before else None) == (level.pk if level else None):
        raise LevelError(_("The person already holds this level."))
    now = timezone.now()
    if level is None:
        assert current is not None
        current.delete()
        result = None
    elif current is None:
        result = UserLevel.objects.create(user_id=user_id, level=level, awarded_at=now, awarded_by_id=viewer.user_id)
    else:
        current.level = level
        current.awarded_at = now
        current.awarded_by_id = viewer.user_id
        current.save(update_fields=["level", "awarded_at", "awarded_by"])
        result = current
    _set_groups(user_id, level)
    change = LevelChange.objects.create(
        user_id=user_id, from_level=before, to_level=level, actor_id=viewer.user_id, reason=reason, created_at=now
    )
    audit_log(
        actor=viewer.user,
        action=action,
        target=target if target is not None else change,  # type: ignore[arg-type]
        reason=reason,
        before={"user": user_id, "level": before.pk if before else None, "level_name": str(before or "")},
        after={"user": user_id, "level": level.pk if level else None, "level_name": str(level or "")},
        scope=f"user:{user_id}",
    )
    if viewer.user_id == user_id:
        viewer.forget(LEVEL_RIGHTS_KEY)
    events.level_changed(change)
    return result


def level_set(
    *, actor: Viewer | User, user: User, level: Level | None, reason: str = "", override: bool = False
) -> UserLevel | None:
    """Promote or demote a person (coordinators of everything; never oneself).

    A promotion to a level whose requirements are not met is refused unless ``override`` is given
    with a reason; a demotion (to a lower level or to none) needs a reason. One audit row.
    """
    viewer = as_viewer(actor)
    require(can_change_level_of(viewer, user.pk))
    reason = reason.strip()
    with transaction.atomic():
        current = UserLevel.objects.select_related("level").filter(user_id=user.pk).first()
        current_rank = current.level.rank if current else -1
        promoting = level is not None and level.rank > current_rank
        if not promoting and not reason:
            raise LevelError(_("Give a reason for the demotion."))
        if promoting and level is not None:
            unmet = [r for r in level_requirements(user_id=user.pk, level=level) if not r.met]
            if unmet and not override:
                raise LevelError(_("Requirements not met: %(list)s") % {"list": "; ".join(str(r.label) for r in unmet)})
            if unmet and not reason:
                raise LevelError(_("Give a reason for promoting despite unmet requirements."))
        action = "training.level_promoted" if promoting else "training.level_demoted"
        return _change(viewer=viewer, user_id=user.pk, level=level, reason=reason, action=action)


@idempotent("levels.application_submit", replay=lambda pk: LevelApplication.objects.get(pk=pk))
def level_application_submit(
    *,
    actor: Viewer | User,
    level: Level,
    evidence_text: str,
    evidence_links: str = "",
    idempotency_key: uuid.UUID | None = None,
) -> LevelApplication:
    """Apply for a level above one's current one, with evidence text and links. With
    ``idempotency_key`` (the form's), sending the same form again returns the application instead of
    "already applied"."""
    viewer = as_viewer(actor)
    require(can_apply_for_level(viewer))
    user_id = viewer.user_id
    assert user_id is not None
    if not evidence_text.strip():
        raise LevelError(_("Describe your evidence."))
    current = UserLevel.objects.select_related("level").filter(user_id=user_id).first()
    if current is not None and current.level.rank >= level.rank:
        raise LevelError(_("You already hold this level or a higher one."))
    links = "\n".join(line.strip() for line in evidence_links.splitlines() if line.strip())
    for line in links.splitlines():
        if not line.startswith(("https://", "http://", "/")) or line.startswith("//"):
            raise LevelError(_("Links must start with https:// or http://."))
    try:
        with transaction.atomic():
            return LevelApplication.objects.create(
                user_id=user_id, level=level, evidence_text=evidence_text.strip(), evidence_links=links
            )
    except IntegrityError as exc:
        raise LevelError(_("You have already applied for this level.")) from exc


def level_application_withdraw(*, actor: Viewer | User, application: LevelApplication) -> None:
    viewer = as_viewer(actor)
    require(can_withdraw_level_application(viewer, application))
    application.delete()


def level_application_decide(
    *, actor: Viewer | User, application: LevelApplication, approve: bool, note: str = "", override: bool = False
) -> LevelApplication:
    """Approve (awarding the level) or decline an application; one audit row either way.

    Approval checks the requirements like a promotion (``override`` with a note to go past them).
    """
    viewer = as_viewer(actor)
    with transaction.atomic():
        application = LevelApplication.objects.select_for_update().select_related("level").get(pk=application.pk)
        require(can_decide_level_application(viewer, application))
        note = note.strip()
        now = timezone.now()
        application.state = LevelApplication.State.APPROVED if approve else LevelApplication.State.DECLINED
        application.decided_by_id = viewer.user_id
        application.decided_at = now
        application.decision_note = note
        application.save(update_fields=["state", "decided_by", "decided_at", "decision_note"])
        if approve:
            unmet = [r for r in level_requirements(user_id=application.user_id, level=application.level) if not r.met]
            if unmet and not (override and note):
                raise LevelError(_("Requirements not met: %(list)s") % {"list": "; ".join(str(r.label) for r in unmet)})
            _change(
                viewer=viewer,
                user_id=application.user_id,
                level=application.level,
                reason=note,
                action="training.level_application_approved",
                target=application,
            )
        else:
            audit_log(
                actor=viewer.user,
                action="training.level_application_declined",
                target=application,
                reason=note,
                after={"user": application.user_id, "level": application.level_id},
                scope=f"user:{application.user_id}",
            )
    return application


def level_save(*, actor: Viewer | User, level: Level) -> Level:
    """Create or edit a level (coordinators of everything); re-syncs the rights groups."""
    viewer = as_viewer(actor)
    require(can_manage_levels(viewer))
    with transaction.atomic():
        created = level.pk is None
        level.save()
        level_groups_sync()
        audit_log(
            actor=viewer.user,
            action="training.level_created" if created else "training.level_changed",
            target=level,
            after={"name": level.name, "rank": level.rank, "rights": list(level.rights)},
        )
    return level
