"""The registry of rights a career level can unlock: code, translated label and explanation.

Levels store rights as codes (one :class:`~training.levels.models.LevelRightGrant` row per level and
right); a code is valid only if it is listed here (the database refuses others too, by a check
constraint generated from :class:`LevelRight`). Coordinators choose rights from this list on the
level form, which shows each right's explanation, so nobody has to know the internal codes.

A right either makes the platform allow something (``permission``: the Django permission the level's
auth group receives, which another app checks without knowing this one), or it is a recognition the
coordinators act on (``enforced`` is ``False``): the explanation says which, so no level promises
what the platform does not do.

Adding a right: a member of :class:`LevelRight`, its :data:`RIGHTS` entry (a test fails when one is
missing), and a migration for the changed choices and constraint (``makemigrations --check`` fails
until it exists).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from django.db import models
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _


class LevelRight(models.TextChoices):
    CREATE_OFFICIAL_COMMUNITIES = "create_official_communities", _("Create official communities")
    MENTOR_OTHERS = "mentor_others", _("Mentor other community managers")
    MODERATE_CATEGORY = "moderate_category", _("Moderate a category")


@dataclass(frozen=True)
class RightPermission:
    """The Django permission that carries a right into the app that checks it."""

    app_label: str
    model: str
    codename: str
    name: str


@dataclass(frozen=True)
class Right:
    code: str
    label: str | Promise
    explanation: str | Promise
    permission: RightPermission | None = None

    @property
    def enforced(self) -> bool:
        """Whether the platform itself allows something more (otherwise: a recognition)."""
        return self.permission is not None


RIGHTS: dict[str, Right] = {
    right.code: right
    for right in (
        Right(
            code=LevelRight.CREATE_OFFICIAL_COMMUNITIES,
            label=LevelRight.CREATE_OFFICIAL_COMMUNITIES.label,
            explanation=_(
                "Owners and managers at this level may mark the communities they run as official. "
                "The platform grants this by itself as soon as the level is awarded."
            ),
            permission=RightPermission(
                "communities", "community", "create_official_community", "Can mark communities they run as official"
            ),
        ),
        Right(
            code=LevelRight.MENTOR_OTHERS,
            label=LevelRight.MENTOR_OTHERS.label,
            explanation=_(
                "Shown on the level as a mentor for new community managers; coordinators ask people at this "
                "level to accompany newcomers. A recognition: the platform allows nothing more by itself."
            ),
        ),
        Right(
            code=LevelRight.MODERATE_CATEGORY,
            label=LevelRight.MODERATE_CATEGORY.label,
            explanation=_(
                "Coordinators may entrust people at this level with moderating a whole category of "
                "communities. A recognition: the coordinators give the category, the platform does not."
            ),
        ),
    )
}


def right_get(code: str) -> Right | None:
    return RIGHTS.get(code)


def rights_all() -> list[Right]:
    """Every right in the registry's order (the order of :class:`LevelRight`)."""
    return [RIGHTS[code] for code in LevelRight.values]


def unknown_right_codes(codes: Iterable[str]) -> list[str]:
    """The codes of ``codes`` that are no right of the registry, in their order, once each."""
    unknown: list[str] = []
    for code in codes:
        if code not in RIGHTS and code not in unknown:
            unknown.append(code)
    return unknown
