"""The register of personal data: what every model records about people, and what happens to it.

Each app declares its models in its own ``privacy.py`` (found by ``autodiscover_modules("privacy")``
when the ``intranet.privacy`` app is ready), so the kernel never imports a feature:

.. code-block:: python

    personal_data(
        Post,
        kind="posts",
        owners=("author",),
        fields={
            "author": PersonalField(export=True, on_erase=OnErase.ANONYMISE, reason=_("...")),
            "body": PersonalField(export=True, on_erase=OnErase.KEEP, reason=_("...")),
        },
        on_erase=OnErase.ANONYMISE,
        retention="RETENTION_POSTS_DAYS",
    )

The register is the single answer to three questions: what goes into a person's export (the
``intranet.privacy`` export builds one JSON file per ``kind`` from the rows reached through
``owners``), what the eraser does with a person's rows and fields, and what the staff page and
``docs/privacy.md`` say is recorded. ``tests/privacy/test_register.py`` walks every installed model
and fails when one that links to a person or stores names, e-mail addresses, free text or IP
addresses is not declared, so a new feature cannot forget it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from django.db.models import Model, Q, QuerySet
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

#: Text shown on the staff page and in docs/privacy.md (lazy: translated when shown).
Text = str | Promise


class OnErase(StrEnum):
    """What the eraser does with a person's rows (an :class:`Entry`) or with one field."""

    #: The rows (or the field's value) are removed.
    DELETE = "delete"
    #: The rows stay, the link to the person becomes "former employee" and identifying values are
    #: blanked; a ``reason`` says why the rows are worth keeping.
    ANONYMISE = "anonymise"
    #: The rows or values stay as they are; a ``reason`` says why that is lawful and holds no identity.
    KEEP = "keep"


@dataclass(frozen=True)
class PersonalField:
    """One field that links to a person or holds something about them."""

    export: bool
    on_erase: OnErase
    #: Required for ``KEEP`` and ``ANONYMISE``: why the value may stay (shown on the staff page).
    reason: Text = ""

    def __post_init__(self) -> None:
        if self.on_erase is not OnErase.DELETE and not str(self.reason):
            raise ValueError(f"A field kept or anonymised on erasure needs a reason ({self.on_erase}).")


#: A custom exporter: ``(user) -> rows`` (JSON-serialisable dicts) for this entry's kind.
Exporter = Callable[[Any], Iterable[Mapping[str, Any]]]
#: A custom file collector: ``(user) -> (name in the ZIP, storage file)`` pairs (attachments, avatar).
FileCollector = Callable[[Any], Iterable[tuple[str, Any]]]


@dataclass(frozen=True)
class Entry:
    """A model that holds personal data, as declared by its app."""

    model: type[Model]
    #: The export file name (``<kind>.json``); several models may share one kind.
    kind: str
    #: Lookup paths from a row to the person (``"author"``, ``"sender"``, ``"user"``; ``"pk"`` for the
    #: user model itself); a row belongs to a person when any of them points at them. Empty only
    #: for entries that are not exported (``exported=False``) and have no column naming the person.
    owners: tuple[str, ...]
    fields: Mapping[str, PersonalField]
    #: What happens to the person's rows as a whole.
    on_erase: OnErase
    #: Human text or the name of a setting (``RETENTION_*``) saying how long rows are kept.
    retention: Text = ""
    exporter: Exporter | None = None
    files: FileCollector | None = None
    #: Why the whole entry is kept or anonymised (required for those), or any note for the docs.
    reason: Text = ""
    #: Optional label of the kind for pages (defaults to ``kind``).
    label: Text = ""
    #: Fields that the register test would suspect (free text, JSON, long strings) but that hold
    #: nothing about a person, each with the reason: counters, derived keys, technical state.
    other_fields: Mapping[str, Text] = field(default_factory=dict)
    #: ``False`` for rows that are personal but never exported (secrets such as sign-in sessions);
    #: ``reason`` then says why.
    exported: bool = True

    @property
    def label_text(self) -> str:
        return str(self.label) if self.label else self.kind

    def owner_filter(self, user_id: int) -> Q:
        """The ``Q`` of the rows that belong to ``user_id`` through any owner path."""
        query = Q()
        for path in self.owners:
            query |= Q(**{path: user_id})
        return query

    def rows_of(self, user_id: int) -> QuerySet[Model]:
        """The person's rows of this model (distinct: several owner paths may match one row)."""
        if not self.owners:
            return self.model._default_manager.none()
        # Two owner paths (sender, recipient) or a many-to-many path may list one row twice.
        return self.model._default_manager.filter(self.owner_filter(user_id)).distinct().order_by("pk")


@dataclass(frozen=True)
class NotPersonal:
    """A model that would look personal to the register test but holds nothing about a person."""

    model: type[Model]
    reason: Text


@dataclass
class _Register:
    entries: dict[type[Model], Entry] = field(default_factory=dict)
    not_personal: dict[type[Model], NotPersonal] = field(default_factory=dict)


_register = _Register()


def personal_data(
    model: type[Model],
    *,
    kind: str,
    owners: Iterable[str],
    fields: Mapping[str, PersonalField],
    on_erase: OnErase,
    retention: Text = "",
    exporter: Exporter | None = None,
    files: FileCollector | None = None,
    reason: Text = "",
    label: Text = "",
    other_fields: Mapping[str, Text] | None = None,
    exported: bool = True,
) -> Entry:
    """Declare that ``model`` holds personal data. Called once per model at import of an app's
    ``privacy.py``; declaring twice replaces the entry (module reloads in tests)."""
    owners = tuple(owners)
    if not owners and (exported or exporter is not None):
        raise ValueError(f"{model.__name__}: an exported personal-data entry needs at least one owner path.")
    if not exported and not str(reason):
        raise ValueError(f"{model.__name__}: say why personal rows are not exported.")
    if on_erase is not OnErase.DELETE and not str(reason) and not any(str(f.reason) for f in fields.values()):
        raise ValueError(f"{model.__name__}: rows kept or anonymised on erasure need a reason.")
    entry = Entry(
        model=model,
        kind=kind,
        owners=owners,
        fields=dict(fields),
        on_erase=on_erase,
        retention=retention,
        exporter=exporter,
        files=files,
        reason=reason,
        label=label,
        other_fields=dict(other_fields or {}),
        exported=exported,
    )
    _register.not_personal.pop(model, None)
    _register.entries[model] = entry
    return entry


def not_personal(model: type[Model], reason: Text) -> None:
    """Declare explicitly that ``model`` holds nothing about a person, with the reason."""
    if not str(reason):
        raise ValueError(f"{model.__name__}: say why the model holds nothing about a person.")
    _register.entries.pop(model, None)
    _register.not_personal[model] = NotPersonal(model=model, reason=reason)


def entries() -> tuple[Entry, ...]:
    """Every declared entry, in a stable order (app label, model name)."""
    return tuple(sorted(_register.entries.values(), key=lambda e: (e.model._meta.app_label, e.model._meta.model_name)))


def entry_for(model: type[Model]) -> Entry | None:
    return _register.entries.get(model)


def not_personal_models() -> tuple[NotPersonal, ...]:
    return tuple(
        sorted(_register.not_personal.values(), key=lambda n: (n.model._meta.app_label, n.model._meta.model_name))
    )


def is_declared(model: type[Model]) -> bool:
    return model in _register.entries or model in _register.not_personal


def kinds() -> tuple[str, ...]:
    """Every export kind, sorted and without repeats."""
    return tuple(sorted({e.kind for e in _register.entries.values() if e.exported}))


# The words most declarations share --------------------------------------------------------------

#: Why a link to the person who acted (decided, edited, handled) may stay as "former employee".
ACTOR_REASON = _(
    "Records who acted on someone else's content or request; on erasure the link is replaced by "
    "“former employee”, so the record keeps its sense without naming the person."
)
#: Why contributions to a shared conversation stay after erasure.
CONVERSATION_REASON = _(
    "Part of a conversation others took part in; kept so replies keep their sense, shown as written "
    "by “former employee” (the platform setting decides whether it is deleted instead)."
)
#: Why evidence of moderation and administration stays.
EVIDENCE_REASON = _(
    "Evidence of moderation and administration that the company must be able to show; kept "
    "without the person's name for as long as the retention rule says."
)
#: Why editorial or organisational content of the company stays.
COMPANY_CONTENT_REASON = _(
    "Content published for the company (not about the person); kept, the link to its author is removed on erasure."
)


def own(*, export: bool = True) -> PersonalField:
    """A value that belongs to the person and goes with them."""
    return PersonalField(export=export, on_erase=OnErase.DELETE)


def actor(*, export: bool = False, reason: Text = ACTOR_REASON) -> PersonalField:
    """A link to a person who acted on a row that is not theirs; anonymised on erasure."""
    return PersonalField(export=export, on_erase=OnErase.ANONYMISE, reason=reason)


def kept(reason: Text, *, export: bool = True) -> PersonalField:
    """A value that stays on erasure (it holds no identity once the links are anonymised)."""
    return PersonalField(export=export, on_erase=OnErase.KEEP, reason=reason)


def anonymised(reason: Text, *, export: bool = True) -> PersonalField:
    return PersonalField(export=export, on_erase=OnErase.ANONYMISE, reason=reason)


def entries_of_kind(kind: str) -> Iterator[Entry]:
    return (e for e in entries() if e.kind == kind)
