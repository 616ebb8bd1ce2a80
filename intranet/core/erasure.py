"""Extra steps of erasing a person (GDPR Art. 17) that only a domain app knows how to take.

The eraser (``intranet.accounts.erasure``) works through the register of personal data
(``intranet.core.privacy``) generically: delete or anonymise the rows each entry declares. Some work
needs domain knowledge the register cannot express: re-rendering posts that mention the person,
keeping or removing direct messages as the platform is set, deleting uploaded files. An app
registers such a step here (from its ``AppConfig.ready``), so the kernel and accounts never import
a feature. Steps run inside the eraser's transaction, before the generic pass, in ``order``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from django.db import connection, transaction


@dataclass
class ErasureContext:
    """What a step receives: the person, the shared "former employee" account that takes over
    what stays, and a place to count what was done (``counts["communities.Post"]["anonymised"]``)."""

    user: Any
    placeholder: Any
    #: The strings that identify the person (display name, e-mail, handle), longest first.
    identifiers: tuple[str, ...]
    #: What stands where the person's name stood ("Former employee", in the active language).
    label: str = ""
    counts: dict[str, dict[str, int]] = field(default_factory=dict)
    #: Storage files to delete after commit: ``(storage, name)``.
    files: list[tuple[Any, str]] = field(default_factory=list)

    def count(self, label: str, what: str, n: int) -> None:
        if n:
            bucket = self.counts.setdefault(label, {})
            bucket[what] = bucket.get(what, 0) + n

    def delete_file_after_commit(self, file: Any) -> None:
        """Queue a ``FieldFile`` (or ``(storage, name)``) for deletion from its storage."""
        if isinstance(file, tuple):
            self.files.append(file)
        elif file:
            self.files.append((file.storage, file.name))


Step = Callable[[ErasureContext], None]


@dataclass(frozen=True)
class _Registered:
    name: str
    order: int
    step: Step


_steps: dict[str, _Registered] = {}


def register_erasure_step(name: str, step: Step, *, order: int = 100) -> None:
    """Register ``step`` under ``name`` (registering the same name again replaces it)."""
    _steps[name] = _Registered(name=name, order=order, step=step)


def erasure_steps() -> list[tuple[str, Step]]:
    """The registered steps in the order they run."""
    return [(r.name, r.step) for r in sorted(_steps.values(), key=lambda r: (r.order, r.name))]


@contextmanager
def audit_redaction() -> Iterator[None]:
    """Allow redacting and deleting audit rows until the block ends (inside a transaction only).

    The audit log is append-only by a database trigger; erasure and retention are the lawful
    exceptions, and they say so with this transaction-local setting (``SET LOCAL``), so a stray
    ``UPDATE`` anywhere else is still refused.
    """
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("audit_redaction() must run inside a transaction.")
    with connection.cursor() as cursor:
        cursor.execute("SELECT set_config('intranet.audit_redaction', 'on', true)")
    # On an exception the transaction (or savepoint) rolls back, and the setting with it.
    yield
    with connection.cursor() as cursor:
        cursor.execute("SELECT set_config('intranet.audit_redaction', 'off', true)")
