"""The audit log stays append-only, with one lawful exception: erasure (GDPR Art. 17) and the
retention job may redact or delete audit rows inside a transaction that says so explicitly
(``intranet.core.erasure.audit_redaction``, a transaction-local setting). Everything else is refused
as before. Lives in accounts (the erasure's app) because the core app's migrations are not the
erasure's to write; it only replaces the trigger function core's first migration created."""

from django.db import migrations

REDACTABLE = """
CREATE OR REPLACE FUNCTION core_auditentry_append_only() RETURNS trigger AS $$
BEGIN
    IF current_setting('intranet.audit_redaction', true) = 'on' THEN
        IF TG_OP = 'DELETE' THEN
            RETURN OLD;
        END IF;
        RETURN NEW;
    END IF;
    RAISE EXCEPTION 'the audit log is append-only (% refused)', TG_OP;
END;
$$ LANGUAGE plpgsql;
"""

APPEND_ONLY = """
CREATE OR REPLACE FUNCTION core_auditentry_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'the audit log is append-only (% refused)', TG_OP;
END;
$$ LANGUAGE plpgsql;
"""


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0003_erasure_request"),
        ("core", "0001_initial"),
    ]

    operations = [migrations.RunSQL(REDACTABLE, APPEND_ONLY)]
