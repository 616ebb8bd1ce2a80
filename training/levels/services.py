"""Writes on career levels: defining levels, requirements, applications, promotion and demotion,
rights as groups.

Rights that the communities app enforces are granted as Django permissions: each level owns an auth
group holding the permissions of its rights and of every lower level's rights, and a person is in
exactly the group of the level they hold. So ``communities.core.permissions`` (which loads the viewer's
model permissions) honours them without importing this app.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

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
from .models import EvidenceKind, Level, LevelApplication, LevelChange, LevelRightGrant, UserLevel
from .permissions import (
    LEVEL_RIGHTS_KEY,
    can_apply_for_level,
    can_change_level_of,
    can_decide_level_application,
    can_manage_levels,
    can_withdraw_level_application,
)
from .rights import RIGHTS, unknown_right_codes

if TYPE_CHECKING:
    from intranet.accounts.models import User
    from training.programmes.models import Programme


class LevelError(Exception):
    """A rule refuses the level change; the message is shown to the coordinator or applicant.

    ``field`` names the form field the message belongs to, when there is one.
    """

    def __init__(self, message: str, *, field: str | None = None) -> None:
        super().__init__(message)
        self.field = field


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


def _right_permission(code: str) -> Permission | None:
    right = RIGHTS.get(code)
    if right is None or right.permission is None:
        return None
    spec = right.permission
    content_type, _created = ContentType.objects.get_or_create(app_label=spec.app_label, model=spec.model)
    permission, _created = Permission.objects.get_or_create(
        content_type=content_type, codename=spec.codename, defaults={"name": spec.name}
    )
    return permission


def level_groups_sync() -> None:
    """Give every level its auth group with the permissions of its cumulative rights.

    Run after levels or their rights change (the level service does).
    """
    with transaction.atomic():
        levels = list(Level.objects.select_for_update().order_by("rank"))
        own: dict[int, set[str]] = {}
        for level_id, code in LevelRightGrant.objects.filter(level__in=levels).values_list("level_id", "right"):
            own.setdefault(level_id, set()).add(code)
        rights: set[str] = set()
        for level in levels:
            rights.update(own.get(level.pk, set()))
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


# Defining levels ---------------------------------------------------------------------------------


def _level_state(level: Level, *, rights: Iterable[str], programme_ids: Iterable[int]) -> dict[str, Any]:
    return {
        "name_en": level.name_en,
        "name_de": level.name_de,
        "description_en": level.description_en,
        "description_de": level.description_de,
        "rank": level.rank,
        "rights": sorted(rights),
        "required_programmes": sorted(programme_ids),
        "min_manager_months": level.min_manager_months,
        "evidence": level.evidence,
        "min_health_score": level.min_health_score,
        "unrecognised_rights": list(level.unrecognised_rights),
    }


def _level_validate(level: Level, rights: list[str]) -> None:
    level.name_en, level.name_de = level.name_en.strip(), level.name_de.strip()
    level.description_en, level.description_de = level.description_en.strip(), level.description_de.strip()
    if not (level.name_en or level.name_de):
        raise LevelError(_("Give the level a name."), field="name_en")
    unknown = unknown_right_codes(rights)
    if unknown:
        raise LevelError(_("These are no rights a level can unlock: %(codes)s") % {"codes": ", ".join(unknown)})
    if level.evidence == EvidenceKind.HEALTH:
        if level.min_health_score is None or not 0 <= level.min_health_score <= 100:
            raise LevelError(
                _("Give the health score (0 to 100) a community must reach for this evidence."),
                field="min_health_score",
            )
    else:
        level.min_health_score = None
    clash = Level.objects.filter(rank=level.rank).exclude(pk=level.pk).first()
    if clash is not None:
        raise LevelError(
            _("Rank %(rank)s is already the rank of the level “%(name)s”. Choose another one.")
            % {"rank": level.rank, "name": clash.name},
            field="rank",
        )


@idempotent("levels.level_create", replay=lambda pk: Level.objects.get(pk=pk))
def level_save(
    *,
    actor: Viewer | User,
    level: Level,
    rights: Iterable[str] | None = None,
    required_programmes: Iterable[Programme] | None = None,
    clear_unrecognised: bool = False,
    idempotency_key: uuid.UUID | None = None,
) -> Level:
    """Create (``level`` unsaved) or edit a level: names and descriptions in both languages, rank,
    requirements and rights (coordinators of everything).

    ``rights`` are codes of the registry (:mod:`training.levels.rights`); others are refused, as are
    a taken rank and a health evidence without its score (:class:`LevelError`, with the field).
    ``None`` keeps the stored rights or programmes. ``clear_unrecognised`` drops the entries the
    rights migration could not read. Re-syncs the rights groups; one audit row with before and
    after. With ``idempotency_key`` (the create form's), sending the form again returns the level.
    """
    viewer = as_viewer(actor)
    require(can_manage_levels(viewer))
    creating = level.pk is None
    before: dict[str, Any] | None = None
    if creating:
        old_rights: list[str] = []
        old_programmes: list[int] = []
    else:
        stored = Level.objects.select_for_update().get(pk=level.pk)
        old_rights = list(LevelRightGrant.objects.filter(level=stored).values_list("right", flat=True))
        old_programmes = list(stored.required_programmes.values_list("pk", flat=True))
        before = _level_state(stored, rights=old_rights, programme_ids=old_programmes)
    new_rights = list(dict.fromkeys(rights)) if rights is not None else old_rights
    programmes = list(required_programmes) if required_programmes is not None else None
    _level_validate(level, new_rights)
    if clear_unrecognised:
        level.unrecognised_rights = []
    try:
        with transaction.atomic():
            level.save()
    except IntegrityError as exc:  # a rank taken meanwhile
        raise LevelError(_("This rank was taken meanwhile. Choose another one."), field="rank") from exc
    if rights is not None:
        LevelRightGrant.objects.filter(level=level).exclude(right__in=new_rights).delete()
        LevelRightGrant.objects.bulk_create(
            [LevelRightGrant(level=level, right=code) for code in new_rights if code not in old_rights]
        )
    if programmes is not None:
        level.required_programmes.set(programmes)
    level_groups_sync()
    level.refresh_from_db(fields=["group"])  # the sync gave a new level its group
    audit_log(
        actor=viewer.user,
        action="training.level_created" if creating else "training.level_changed",
        target=level,
        before=before,
        after=_level_state(
            level,
            rights=new_rights,
            programme_ids=[p.pk for p in programmes] if programmes is not None else old_programmes,
        ),
    )
    return level
