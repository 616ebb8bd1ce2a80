"""The works-council switches (BetrVG §87(1) no. 6): one documented place for what the platform may
record or show about people's behaviour.

Each switch is a Django setting read from the environment (``intranet/settings/base.py``); the
defaults keep today's behaviour. Code that produces the data asks these functions at the data level
(selectors, consumers, serializers, exports), not only in templates, so a switched-off figure is
missing from pages, the API, exports and the websocket alike. The functions read the settings on
every call, so ``override_settings`` and the test ``settings`` fixture take effect at once.

============================ ======================= ==============================================
setting                      default                 effect when changed
============================ ======================= ==============================================
``PRIVACY_PRESENCE``         ``True``                ``False``: nobody is shown as online or typing;
                                                     presence is neither stored nor broadcast.
``PRIVACY_READ_RECEIPTS``    ``True``                ``False``: direct messages record and show no
                                                     "read" state to the sender.
``PRIVACY_PERSON_FIGURES``   ``True``                ``False``: no figure about one named person
                                                     (console, managers' views, training reports of
                                                     others); a person still sees their own.
``PRIVACY_MIN_GROUP_SIZE``   ``5``                   Figures about fewer people are shown as "fewer
                                                     than N" everywhere (``HEALTH_MIN_GROUP_SIZE`` is
                                                     an alias kept for old configuration).
``PRIVACY_AUDIT_READERS``    ``"staff"``             Who may read audit logs: ``staff`` (today:
                                                     community managers their community's log,
                                                     coordinators the platform log),
                                                     ``coordinators`` (coordinators only) or
                                                     ``superusers`` (operators only).
============================ ======================= ==============================================
"""

from __future__ import annotations

from enum import StrEnum
from typing import TYPE_CHECKING

from django.conf import settings

if TYPE_CHECKING:
    from intranet.core.viewer import Viewer


class AuditReaders(StrEnum):
    """Values of ``PRIVACY_AUDIT_READERS``."""

    #: Each log's usual readers: community managers and coordinators.
    STAFF = "staff"
    #: Coordinators only (community managers lose their community's log).
    COORDINATORS = "coordinators"
    #: Superusers only (the operator or the data-protection officer).
    SUPERUSERS = "superusers"


class AuditReaderRole(StrEnum):
    """Why a domain rule lets someone read a log; :func:`may_read_audit_log` checks the role
    against the switch."""

    MANAGER = "manager"
    COORDINATOR = "coordinator"


def presence_allowed() -> bool:
    """Whether presence ("online") and typing indicators may be recorded and shown at all."""
    return bool(getattr(settings, "PRIVACY_PRESENCE", True))


def read_receipts_allowed() -> bool:
    """Whether direct messages may record and show that the recipient has read them."""
    return bool(getattr(settings, "PRIVACY_READ_RECEIPTS", True))


def person_figures_allowed(*, viewer_id: int | None = None, subject_id: int | None = None) -> bool:
    """Whether a figure about one identifiable person (their activity, attendance, scores) may be
    shown or exported.

    With the switch on, always ``True``. With it off, only a person's own figures are allowed:
    pass ``viewer_id`` and ``subject_id`` and the answer is ``viewer_id == subject_id``; without
    them the answer is ``False`` (lists about other people, the console, the managers' views).
    """
    if getattr(settings, "PRIVACY_PERSON_FIGURES", True):
        return True
    return viewer_id is not None and viewer_id == subject_id


def min_group_size() -> int:
    """The smallest number of people a figure about people may be shown for; below it (and above
    zero) pages show "fewer than N". One setting for every figure, health pages included."""
    return int(getattr(settings, "PRIVACY_MIN_GROUP_SIZE", getattr(settings, "HEALTH_MIN_GROUP_SIZE", 5)))


def audit_readers() -> AuditReaders:
    return AuditReaders(str(getattr(settings, "PRIVACY_AUDIT_READERS", AuditReaders.STAFF)))


def may_read_audit_log(viewer: Viewer, *, role: AuditReaderRole | str) -> bool:
    """Whether the switch lets ``viewer`` read an audit log that a domain rule opens to them as
    ``role`` (a community's log to its managers, the platform log to coordinators).

    This is a filter on top of the domain rule, never a grant: call it after the rule said yes. Under
    ``superusers`` only superusers pass, whatever the role.
    """
    readers = audit_readers()
    if readers is AuditReaders.SUPERUSERS:
        return viewer.is_superuser
    if readers is AuditReaders.COORDINATORS:
        return AuditReaderRole(role) is AuditReaderRole.COORDINATOR or viewer.is_superuser
    return True
