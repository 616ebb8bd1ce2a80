from __future__ import annotations

import pytest
from django.db import DatabaseError, transaction

from intranet.core.audit import audit_log
from intranet.core.models import AuditEntry


@pytest.mark.django_db
def test_audit_log_records_actor_target_and_diff(user, other_user):
    with transaction.atomic():
        entry = audit_log(
            actor=user,
            action="accounts.user.deactivate",
            target=other_user,
            reason="left the company",
            before={"is_active": True},
            after={"is_active": False},
            scope="platform",
        )
    entry.refresh_from_db()
    assert entry.actor == user
    assert entry.target_id == str(other_user.pk)
    assert entry.target_type is not None and entry.target_type.model == "user"
    assert entry.before == {"is_active": True} and entry.after == {"is_active": False}


@pytest.mark.django_db
def test_audit_log_refuses_to_run_outside_a_transaction(user):
    # pytest-django wraps tests in a transaction; leave it to simulate autocommit code.
    connection = transaction.get_connection()
    saved = connection.in_atomic_block
    connection.in_atomic_block = False
    try:
        with pytest.raises(RuntimeError, match="inside the transaction"):
            audit_log(actor=user, action="x.y")
    finally:
        connection.in_atomic_block = saved


@pytest.mark.django_db
def test_audit_log_is_append_only(user):
    with transaction.atomic():
        entry = audit_log(actor=user, action="accounts.invitation.create")
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        AuditEntry.objects.filter(pk=entry.pk).update(reason="rewritten")
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        AuditEntry.objects.filter(pk=entry.pk).delete()
    assert AuditEntry.objects.get(pk=entry.pk).reason == ""


@pytest.mark.django_db
def test_system_actions_have_no_actor():
    with transaction.atomic():
        entry = audit_log(actor=None, action="health.figures.compute")
    assert entry.actor_id is None
