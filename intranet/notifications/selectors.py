"""Reads of notifications: the centre's list, the badge count and one person's preferences."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.db.models import Count
from django.shortcuts import get_object_or_404

from intranet.core.pagination import Page, keyset_page
from intranet.core.viewer import Viewer

from .kinds import Kind, all_kinds, scope_choices
from .models import Notification, Preference
from .permissions import visible_notifications

if TYPE_CHECKING:
    from intranet.accounts.models import User

#: The badge counts up to this many unread notifications ("99+" beyond).
UNREAD_CAP = 100
CENTRE_PAGE_SIZE = 20
CENTRE_ORDERING = ("-created_at", "-id")


def notification_list_for_centre(
    viewer: Viewer, *, unread_only: bool = False, cursor: str | None = None, page_size: int = CENTRE_PAGE_SIZE
) -> Page[Notification]:
    """One keyset page of the viewer's notifications, newest first (one query; the actor comes
    along for the avatar). Raises ``InvalidCursor`` for a bad cursor."""
    qs = visible_notifications(viewer).select_related("actor")
    if unread_only:
        qs = qs.filter(read_at__isnull=True)
    return keyset_page(qs, ordering=CENTRE_ORDERING, cursor=cursor, page_size=page_size)


def notification_unread_count(viewer: Viewer) -> int:
    """Unread notifications of the viewer, counted up to ``UNREAD_CAP`` through the partial index
    ``notification_unread`` (one query, bounded whatever the backlog)."""
    if not viewer.is_authenticated:
        return 0
    return visible_notifications(viewer).filter(read_at__isnull=True).order_by()[:UNREAD_CAP].count()


def unread_counts(user_ids: Iterable[int]) -> dict[int, int]:
    """``{user_id: unread}`` (capped at ``UNREAD_CAP``) for people with unread rows (one query)."""
    rows = (
        Notification.objects.filter(recipient_id__in=list(user_ids), read_at__isnull=True)
        .values_list("recipient_id")
        .order_by()
        .annotate(n=Count("id"))
    )
    return {uid: min(n, UNREAD_CAP) for uid, n in rows}


def notification_get_for_viewer(viewer: Viewer, pk: int) -> Notification:
    """The viewer's notification ``pk``; someone else's answers 404 exactly like a missing one."""
    return get_object_or_404(visible_notifications(viewer), pk=pk)


@dataclass
class PreferenceRow:
    kind: Kind
    delivery: str
    is_default: bool


@dataclass
class ScopeOverride:
    scope: str
    scope_label: str
    kind: Kind
    delivery: str


@dataclass
class PreferenceScreen:
    rows: list[PreferenceRow]
    overrides: list[ScopeOverride]
    scopes: list[tuple[str, str]]
    scoped_kinds: list[Kind]


def preference_screen_for_user(user: User) -> PreferenceScreen:
    """Everything the preferences page shows: the effective delivery per kind, the per-community
    overrides (named through the scope providers) and the choices for a new override.
    Two queries plus one per scope provider."""
    stored = list(Preference.objects.filter(user=user).order_by("scope", "kind"))
    general = {p.kind: p.delivery for p in stored if not p.scope}
    kinds = all_kinds()
    rows = [
        PreferenceRow(kind=k, delivery=general.get(k.key, k.default_delivery), is_default=k.key not in general)
        for k in kinds
    ]
    scopes = scope_choices(user)
    labels = dict(scopes)
    by_key = {k.key: k for k in kinds}
    overrides = [
        ScopeOverride(scope=p.scope, scope_label=labels.get(p.scope, p.scope), kind=by_key[p.kind], delivery=p.delivery)
        for p in stored
        if p.scope and p.kind in by_key
    ]
    overrides.sort(key=lambda o: (o.scope_label.lower(), str(o.kind.label)))
    return PreferenceScreen(rows=rows, overrides=overrides, scopes=scopes, scoped_kinds=[k for k in kinds if k.scoped])
