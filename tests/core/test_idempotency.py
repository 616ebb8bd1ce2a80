"""The kernel's idempotency keys: the form field, the claim around a service, and the purge."""

from __future__ import annotations

import uuid
from datetime import timedelta

import pytest
from django import forms
from django.core.exceptions import SuspiciousOperation, ValidationError
from django.db import transaction
from django.template import Context, Template
from django.utils import timezone

from intranet.core import idempotency
from intranet.core.models import AuditEntry, IdempotencyKey
from intranet.core.tasks import idempotency_purge_task

pytestmark = pytest.mark.django_db


class NoteForm(idempotency.IdempotentFormMixin, forms.Form):
    text = forms.CharField()


@idempotency.idempotent("tests.note", replay=lambda pk: AuditEntry.objects.get(pk=pk))
def note_create(*, actor, text: str, idempotency_key: uuid.UUID | None = None) -> AuditEntry:
    return AuditEntry.objects.create(actor=actor, action="tests.note", reason=text)


@idempotency.idempotent("tests.unique_note", replay=lambda pk: AuditEntry.objects.get(pk=pk))
def unique_note_create(*, actor, text: str, idempotency_key: uuid.UUID | None = None) -> AuditEntry:
    if AuditEntry.objects.filter(action="tests.unique_note", reason=text).exists():
        raise ValidationError("There is such a note already.")
    return AuditEntry.objects.create(actor=actor, action="tests.unique_note", reason=text)


def test_unbound_forms_get_a_fresh_key_each():
    first, second = NoteForm().as_div(), NoteForm().as_div()
    assert 'type="hidden" name="idempotency_key"' in first and first != second


def test_a_form_without_key_says_so_and_offers_a_fresh_one():
    form = NoteForm(data={"text": "hello"})
    assert not form.is_valid()
    assert form.non_field_errors() == [str(idempotency.EXPIRED_MESSAGE)]
    assert "idempotency_key" not in form.errors
    uuid.UUID(form["idempotency_key"].value())  # shown again with a usable key
    sent = str(uuid.uuid4())
    form = NoteForm(data={"text": "hello", "idempotency_key": sent})
    assert form.is_valid() and form.cleaned_data["idempotency_key"] == uuid.UUID(sent)


def test_the_template_tag_renders_a_new_key_each_time():
    template = Template("{% load idempotency %}{% idempotency_input %}|{% idempotency_input 'k' oob=True %}")
    first, second = template.render(Context()).split("|")
    assert 'name="idempotency_key"' in first and 'id="k" hx-swap-oob="true"' in second
    assert first[-40:] != second[-40:]


def test_a_key_claims_once_and_replays_the_first_result(user, other_user):
    key = uuid.uuid4()
    first = note_create(actor=user, text="one", idempotency_key=key)
    again = note_create(actor=user, text="two", idempotency_key=key)
    assert again == first and AuditEntry.objects.filter(action="tests.note").count() == 1
    claim = IdempotencyKey.objects.get()
    assert (claim.user_id, claim.key, claim.scope, claim.object_pk) == (user.pk, key, "tests.note", str(first.pk))
    assert note_create(actor=other_user, text="three", idempotency_key=key) != first  # keys are per person
    assert note_create(actor=user, text="four") != first  # no key: not idempotent


def test_a_failed_service_releases_its_key(user):
    key = uuid.uuid4()

    @idempotency.idempotent("tests.failing", replay=lambda pk: AuditEntry.objects.get(pk=pk))
    def failing(*, actor, idempotency_key=None):
        raise ValidationError("no")

    with pytest.raises(ValidationError):
        failing(actor=user, idempotency_key=key)
    assert not IdempotencyKey.objects.exists()
    assert note_create(actor=user, text="after", idempotency_key=key).reason == "after"


def test_a_key_of_another_scope_is_refused(user):
    key = uuid.uuid4()
    with transaction.atomic():
        IdempotencyKey.objects.create(user=user, key=key, scope="tests.other", object_pk="1")
    with pytest.raises(ValidationError) as error:
        note_create(actor=user, text="x", idempotency_key=key)
    assert error.value.code == "replayed"
    # Views that do not show a service's refusals answer 400 for it (Django's SuspiciousOperation).
    assert isinstance(error.value, SuspiciousOperation)
    assert not AuditEntry.objects.filter(action="tests.note").exists()


def test_a_repeat_the_service_refuses_itself_still_answers_with_the_first_object(user):
    key = uuid.uuid4()
    first = unique_note_create(actor=user, text="once", idempotency_key=key)
    assert unique_note_create(actor=user, text="once", idempotency_key=key) == first
    with pytest.raises(ValidationError):  # another submission of the same text: the service's refusal
        unique_note_create(actor=user, text="once", idempotency_key=uuid.uuid4())


def test_a_first_submission_costs_one_statement(user, django_assert_num_queries):
    note_create(actor=user, text="warm")  # the content type of the audit row, cached per process
    with django_assert_num_queries(4):  # savepoint, the note, the claim, release
        note_create(actor=user, text="x", idempotency_key=uuid.uuid4())
    with django_assert_num_queries(3):  # savepoint, the note, release
        note_create(actor=user, text="y")


def test_purge_forgets_old_keys_only(user):
    old = IdempotencyKey.objects.create(user=user, key=uuid.uuid4(), scope="s", created_at=timezone.now())
    IdempotencyKey.objects.filter(pk=old.pk).update(created_at=timezone.now() - idempotency.RETENTION - timedelta(1))
    recent = IdempotencyKey.objects.create(user=user, key=uuid.uuid4(), scope="s")
    assert idempotency_purge_task() == 1
    assert list(IdempotencyKey.objects.values_list("pk", flat=True)) == [recent.pk]
