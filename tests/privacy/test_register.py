"""The register of personal data covers every installed model (issue 23, item 1)."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest
from django.apps import apps
from django.core.management import call_command
from django.core.management.base import CommandError

from communities.models import Post
from intranet.accounts.models import User
from intranet.core import privacy
from intranet.core.privacy import OnErase, PersonalField, own, personal_data
from intranet.messaging.models import Message
from intranet.privacy import register, walker

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def scratch_register(monkeypatch):
    """A copy of the register the test may change; the real one is restored afterwards."""
    monkeypatch.setattr(privacy._register, "entries", dict(privacy._register.entries))
    monkeypatch.setattr(privacy._register, "not_personal", dict(privacy._register.not_personal))
    return privacy._register


def test_every_installed_model_is_classified():
    assert walker.problems() == []


def test_every_model_that_links_to_a_person_has_an_entry():
    for model in walker.checked_models():
        if any(walker.links_to_person(f) for f in walker.local_fields(model)):
            assert privacy.entry_for(model) is not None, model._meta.label


def test_walker_reports_a_model_left_out(scratch_register):
    del scratch_register.entries[Post]
    [problem] = walker.problems()
    assert problem.startswith("communities.Post is not in the register (author, edited_by, title, body_source")


def test_walker_reports_a_field_left_out(scratch_register):
    entry = scratch_register.entries[Message]
    scratch_register.entries[Message] = replace(
        entry, fields={k: v for k, v in entry.fields.items() if k != "body_source"}
    )
    assert walker.problems() == ["messaging.Message.body_source is not classified"]


def test_walker_refuses_a_person_link_declared_not_personal(scratch_register):
    privacy.not_personal(Message, "trying to hide it")
    assert walker.problems() == ["messaging.Message links to a person (author) but is declared not personal"]


def test_walker_reports_a_wrong_owner_path(scratch_register):
    entry = scratch_register.entries[Message]
    scratch_register.entries[Message] = replace(entry, owners=("sender",))
    [problem] = walker.problems()
    assert problem.startswith("messaging.Message owner path 'sender' does not resolve")


@pytest.mark.parametrize(
    ("model", "field", "suspect"),
    [
        (User, "email", True),  # an e-mail address
        (User, "display_name", True),  # a name
        (User, "handle", False),  # a slug
        (User, "language", False),  # choices
        (Post, "body_source", True),  # free text
        (Post, "reaction_counts", True),  # JSON may hold anything: declared in other_fields
        ("notifications.Notification", "kind", False),  # a short code
        ("notifications.Notification", "event_key", False),  # a key, however long
        ("communities.Attachment", "file", True),  # a file (its name)
        ("core.AuditEntry", "target_repr", True),  # long text naming a target
    ],
)
def test_suspect_field_rule(model, field, suspect):
    model = apps.get_model(model) if isinstance(model, str) else model
    assert walker.is_suspect(model._meta.get_field(field)) is suspect


def test_declarations_need_reasons():
    with pytest.raises(ValueError, match="reason"):
        PersonalField(export=True, on_erase=OnErase.KEEP)
    with pytest.raises(ValueError, match="reason"):
        personal_data(Post, kind="x", owners=("author",), fields={"author": own()}, on_erase=OnErase.KEEP)
    with pytest.raises(ValueError, match="owner"):
        personal_data(Post, kind="x", owners=(), fields={}, on_erase=OnErase.DELETE)


def test_every_exported_kind_has_an_owner_path_and_a_file_name():
    for entry in privacy.entries():
        if entry.exported:
            assert entry.owners, entry.model
            assert entry.kind.isidentifier(), entry.kind


def test_counts_of_the_register():
    counts = register.counts()
    assert counts["personal_models"] >= 80
    assert counts["not_personal_models"] >= 40
    assert counts["personal_models"] + counts["not_personal_models"] >= len(
        [m for m in walker.checked_models() if walker.needs_declaration(m)]
    )


def test_docs_privacy_md_is_current():
    assert register.is_current(ROOT / "docs" / "privacy.md"), (
        "docs/privacy.md is stale: run python manage.py privacy_register --write docs/privacy.md"
    )


def test_privacy_register_command_writes_and_checks(tmp_path):
    target = tmp_path / "privacy.md"
    target.write_text("# Hand-written\n\nKept.\n")
    with pytest.raises(CommandError, match="stale"):
        call_command("privacy_register", check=str(target))
    call_command("privacy_register", write=str(target))
    call_command("privacy_register", check=str(target))
    text = target.read_text()
    assert text.startswith("# Hand-written\n\nKept.\n")
    assert "`communities.Post` | `posts.json`" in text
