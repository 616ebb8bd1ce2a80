"""Idempotent creating forms: the same submission sent twice creates one object.

Every form that creates something carries a hidden ``idempotency_key``, a fresh UUID on each
rendered form (:class:`IdempotentFormMixin` for Django forms, ``{% idempotency_input %}`` from the
``idempotency`` template library for hand-written ones). The view hands the key to the service,
which is decorated with :func:`idempotent` (in place of ``@transaction.atomic``):

- the service runs in one transaction that ends by claiming ``(user, key)`` for the object it
  created (one ``INSERT ... ON CONFLICT DO NOTHING`` on a unique constraint). If the service fails,
  nothing is claimed and the form can be sent again;
- a retry (double click, resend after a timeout, a second request racing the first) finds the key
  claimed (PostgreSQL makes a racing insert wait for the first transaction): its own work is rolled
  back and it answers with the object the first submission created, so the view answers exactly as
  it did the first time. When the service itself refuses the repeat first (a unique meetup time,
  one application per level), the claim is looked up all the same.

A retry thus repeats the work before it is rolled back; that keeps a first submission at a single
extra statement. Claims are kept for :data:`RETENTION` (a beat job purges older ones). A service
called without a key (demo data, jobs, tests, the edit side of a create-or-edit service) is just
atomic.
"""

from __future__ import annotations

import functools
import uuid
from collections.abc import Callable
from datetime import timedelta
from typing import Any, ParamSpec, TypeVar

from django import forms
from django.core.exceptions import ObjectDoesNotExist, SuspiciousOperation, ValidationError
from django.db import DatabaseError, IntegrityError, connection, models, transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .models import IdempotencyKey
from .viewer import as_viewer

#: The name of the hidden field in every creating form.
FIELD = "idempotency_key"

#: How long a submission is remembered: long enough for any retry a person or a browser makes.
RETENTION = timedelta(days=2)

EXPIRED_MESSAGE = gettext_lazy(
    "This form is out of date or was changed. Reload the page and send it again; nothing was saved."
)

P = ParamSpec("P")
R = TypeVar("R")


# Claiming ---------------------------------------------------------------------------------------

# ON CONFLICT DO NOTHING waits for a concurrent transaction holding the same (user, key) and then
# reports the conflict (no row returned) if that transaction committed. The table name is the
# model's fixed default.
_CLAIM_SQL = (
    "INSERT INTO core_idempotencykey (user_id, key, scope, object_pk, created_at) "
    "VALUES (%s, %s, %s, %s, %s) ON CONFLICT (user_id, key) DO NOTHING RETURNING id"
)


def _claim(*, user_id: int, key: uuid.UUID, scope: str, object_pk: str) -> bool:
    """Claim ``key`` for the object just created; ``False`` when this person already used it."""
    with connection.cursor() as cursor:
        cursor.execute(_CLAIM_SQL, [user_id, key, scope, object_pk, timezone.now()])
        return cursor.fetchone() is not None


class FormAlreadySent(ValidationError, SuspiciousOperation):
    """The key was used for another form, or its object is gone: nothing to answer with.

    A ``ValidationError`` for views that show a service's refusals; a view that does not catch it
    answers 400 (Django's handling of ``SuspiciousOperation``), never 500.
    """


def _already_sent() -> FormAlreadySent:
    return FormAlreadySent(_("This form was already sent. Reload the page to write something new."), code="replayed")


class _Claimed(Exception):
    """The key was claimed meanwhile: raised inside the transaction to roll this attempt back."""


_NOT_CLAIMED = object()


def idempotent(
    scope: str,
    *,
    replay: Callable[[str], R],
    created: Callable[[R], models.Model] | None = None,
    actor_arg: str = "actor",
) -> Callable[[Callable[P, R]], Callable[P, R]]:
    """Make a creating service atomic, and idempotent by its keyword argument ``idempotency_key``.

    Use it instead of ``@transaction.atomic``. The service takes ``actor`` (a viewer or user;
    ``actor_arg`` names another keyword) and ``idempotency_key: uuid.UUID | None = None``.
    ``created(result)`` is the model instance the service created (the result itself by default);
    ``replay(pk)`` rebuilds the service's result from that instance's primary key. A key already
    used for another scope, or whose object is gone, raises :class:`FormAlreadySent`. Costs one
    statement on a first submission; a failing one (or a retry) looks the claim up once more.
    """

    def decorate(service: Callable[P, R]) -> Callable[P, R]:
        plain = transaction.atomic(service)

        @transaction.atomic
        def claimed(user_id: int, key: uuid.UUID, args: Any, kwargs: Any) -> R:
            result = service(*args, **kwargs)
            obj = created(result) if created else result
            if not isinstance(obj, models.Model) or obj.pk is None:
                raise TypeError(f"@idempotent({scope!r}): the service returned no saved object.")
            if not _claim(user_id=user_id, key=key, scope=scope, object_pk=str(obj.pk)):
                raise _Claimed
            return result

        @functools.wraps(service)
        def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
            raw = kwargs.get(FIELD)
            user_id = as_viewer(kwargs[actor_arg]).user_id if raw is not None else None  # type: ignore[arg-type]
            if raw is None or user_id is None:  # no key, or an anonymous actor the service refuses
                return plain(*args, **kwargs)
            key = raw if isinstance(raw, uuid.UUID) else uuid.UUID(str(raw))
            try:
                return claimed(user_id, key, args, kwargs)
            except Exception as error:
                if isinstance(error, DatabaseError) and not isinstance(error, IntegrityError):
                    raise  # the database is unwell: no look-up on top
                # Rolled back. A repeat of a submission that succeeded answers with its object,
                # whether the claim or the service's own duplicate check noticed it first.
                answer = _replay(user_id=user_id, key=key, scope=scope, replay=replay)
                if answer is _NOT_CLAIMED:
                    raise
                return answer  # type: ignore[return-value]

        return wrapper

    return decorate


def _replay(*, user_id: int, key: uuid.UUID, scope: str, replay: Callable[[str], R]) -> R | object:
    row = IdempotencyKey.objects.filter(user_id=user_id, key=key).values_list("scope", "object_pk").first()
    if row is None:
        return _NOT_CLAIMED
    if row[0] != scope:
        raise _already_sent()
    try:
        return replay(row[1])
    except ObjectDoesNotExist:
        raise _already_sent() from None


def purge(*, older_than: timedelta = RETENTION, batch: int = 5000) -> int:
    """Delete claims older than ``older_than`` in batches; returns how many."""
    cutoff = timezone.now() - older_than
    deleted = 0
    while True:
        ids = list(IdempotencyKey.objects.filter(created_at__lt=cutoff).values_list("pk", flat=True)[:batch])
        if not ids:
            return deleted
        IdempotencyKey.objects.filter(pk__in=ids).delete()
        deleted += len(ids)


# Forms and views --------------------------------------------------------------------------------


def new_key() -> uuid.UUID:
    return uuid.uuid4()


def key_field() -> forms.UUIDField:
    """The hidden field: a fresh key on each rendered unbound form, the sent one on a bound form."""
    return forms.UUIDField(
        widget=forms.HiddenInput,
        initial=new_key,
        error_messages={"required": EXPIRED_MESSAGE, "invalid": EXPIRED_MESSAGE},
    )


class IdempotentFormMixin:
    """Adds the hidden ``idempotency_key`` field to a creating form (list it before ``forms.Form``).

    A missing or malformed key makes the form invalid with :data:`EXPIRED_MESSAGE` as a form-wide
    error (a hidden field's own error would show nowhere). ``cleaned_data["idempotency_key"]`` goes
    to the service. A form that both creates and edits passes ``idempotent=False`` when editing.
    """

    fields: dict[str, forms.Field]
    data: Any

    def __init__(self, *args: Any, idempotent: bool = True, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if idempotent:
            self.fields[FIELD] = key_field()

    def full_clean(self) -> None:
        super().full_clean()  # type: ignore[misc]
        errors = getattr(self, "_errors", None)
        if errors and FIELD in errors:
            del errors[FIELD]
            self.add_error(None, EXPIRED_MESSAGE)  # type: ignore[attr-defined]
            # The form is shown again: with a usable key this time, so sending it again works.
            data = self.data.copy()
            data[FIELD] = str(new_key())
            self.data = data


def key_from_post(request: HttpRequest) -> uuid.UUID | None:
    """The key of a hand-written form's POST, or ``None`` when it is missing or malformed (answer
    :func:`expired_response` then)."""
    try:
        return uuid.UUID(str(request.POST.get(FIELD, "")))
    except ValueError:
        return None


def expired_response(request: HttpRequest) -> HttpResponse:
    """400 for a creating form sent without a valid key: say so, and that nothing was saved."""
    return render(request, "core/form_expired.html", {"message": EXPIRED_MESSAGE}, status=400)
