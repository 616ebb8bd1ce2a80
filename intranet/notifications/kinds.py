"""The registry of notification kinds and of preference scopes.

Domain apps register their kinds from ``AppConfig.ready()``; the shell knows none of them. A kind's
``message`` turns the stored public ``params`` (and the batch ``count``) into a sentence in the
active language, so the same row reads in German for one person and in English for another.

Scopes let people override a kind's delivery for one place (``"community:12"``). The shell cannot
list communities, so the app owning a scope prefix registers a provider that lists the choices for
one person (one query).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.db import models
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

if TYPE_CHECKING:
    from intranet.accounts.models import User


class Delivery(models.TextChoices):
    """How a notification reaches its recipient (stored on each row and in each preference)."""

    IN_APP = "in_app", _("In the app only")
    IMMEDIATE = "immediate", _("E-mail at once")
    DAILY = "daily", _("Daily digest")
    WEEKLY = "weekly", _("Weekly digest")
    OFF = "off", _("Off")


#: Deliveries that send e-mail, and the digests among them.
EMAIL_DELIVERIES = (Delivery.IMMEDIATE, Delivery.DAILY, Delivery.WEEKLY)
DIGEST_DELIVERIES = (Delivery.DAILY, Delivery.WEEKLY)

Message = Callable[[Mapping[str, Any], int], str]


@dataclass(frozen=True)
class Kind:
    key: str
    label: str | Promise
    default_delivery: str
    message: Message
    #: Whether people may override the delivery per scope (per community).
    scoped: bool = False


_KINDS: dict[str, Kind] = {}


def register_kind(
    key: str,
    label: str | Promise,
    default_delivery: str,
    message: Message,
    *,
    scoped: bool = False,
) -> Kind:
    """Register (or replace, for reloads) the kind ``key``; ``default_delivery`` must not be "off"."""
    if len(key) > 40:
        raise ValueError(f"Notification kind keys have at most 40 characters: {key!r}")
    if default_delivery not in Delivery.values or default_delivery == Delivery.OFF:
        raise ValueError(f"Not a default delivery: {default_delivery!r}")
    kind = Kind(key=key, label=label, default_delivery=default_delivery, message=message, scoped=scoped)
    _KINDS[key] = kind
    return kind


def get_kind(key: str) -> Kind | None:
    return _KINDS.get(key)


def all_kinds() -> list[Kind]:
    """Every registered kind, in registration order."""
    return list(_KINDS.values())


def default_delivery(key: str) -> str:
    kind = _KINDS.get(key)
    return kind.default_delivery if kind else Delivery.IN_APP


def render_message(key: str, params: Mapping[str, Any], count: int) -> str:
    kind = _KINDS.get(key)
    if kind is None:
        return key
    try:
        return str(kind.message(params, count))
    except (KeyError, TypeError, ValueError):
        # Rows written by an older version may lack a parameter; show the kind's name, not a 500.
        return str(kind.label)


# Scopes -------------------------------------------------------------------------------------------

ScopeChoices = Callable[["User"], list[tuple[str, str]]]
_SCOPE_PROVIDERS: dict[str, ScopeChoices] = {}


def register_scope_provider(prefix: str, choices: ScopeChoices) -> None:
    """Let ``choices(user)`` list the ``("<prefix>:<id>", label)`` scopes ``user`` may override."""
    _SCOPE_PROVIDERS[prefix] = choices


def scope_choices(user: User) -> list[tuple[str, str]]:
    """All scopes ``user`` may set preferences for, over every provider (one query each)."""
    result: list[tuple[str, str]] = []
    for provider in _SCOPE_PROVIDERS.values():
        result.extend(provider(user))
    return result
