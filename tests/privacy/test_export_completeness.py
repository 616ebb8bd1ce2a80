"""The export is complete by the register (issue 23, item 2): a person with a row in every exported
model of the register finds every one of those rows in their ZIP."""

from __future__ import annotations

import io
import json
import zipfile

import pytest
from django.core.files.base import ContentFile
from django.db import transaction

from intranet.core import privacy
from intranet.privacy.exporter import build_archive
from tests.factories import UserFactory
from tests.privacy.builders import Builder, png

pytestmark = pytest.mark.django_db


@pytest.fixture
def person_with_everything():
    person = UserFactory.create(display_name="Mara Marker")
    builder = Builder(person, UserFactory(display_name="Someone Else"))
    built, failed = {}, {}
    for entry in privacy.entries():
        if entry.exported:
            try:
                with transaction.atomic():
                    built[entry.model._meta.label] = builder.owned_row(entry)
            except Exception as exc:
                failed[entry.model._meta.label] = f"{type(exc).__name__}: {exc}"[:300]
    assert failed == {}
    person.profile.avatar.save("me.png", ContentFile(png()))
    return person, built


def _archive(person):
    buffer = io.BytesIO()
    result = build_archive(person, buffer)
    return result, zipfile.ZipFile(io.BytesIO(buffer.getvalue()))


def test_every_exported_model_of_the_register_is_in_the_export(person_with_everything):
    person, built = person_with_everything
    result, archive = _archive(person)
    names = set(archive.namelist())

    assert {f"{kind}.json" for kind in privacy.kinds()} <= names
    missing = []
    for entry in privacy.entries():
        if not entry.exported:
            continue
        label = entry.model._meta.label
        rows = json.loads(archive.read(f"{entry.kind}.json"))[label]
        pk = entry.model._meta.pk
        assert pk is not None
        ids = {str(row.get(pk.attname if pk.is_relation else pk.name)) for row in rows}  # UUID keys are strings in JSON
        if str(built[label].pk) not in ids and not (entry.exporter and rows):
            missing.append(label)
    assert missing == []
    assert len(built) == len([e for e in privacy.entries() if e.exported]) >= 70
    assert result.rows >= len(built)
    manifest = json.loads(archive.read("manifest.json"))
    assert manifest["rows"] == result.counts and manifest["person"] == person.pk


def test_export_holds_the_files_the_register_exports(person_with_everything):
    person, _built = person_with_everything
    _result, archive = _archive(person)

    files = [name for name in archive.namelist() if name.startswith("files/")]
    assert any(name.startswith("files/attachments/attachment-") for name in files)
    assert any(name.startswith("files/profile/profile-") and "avatar" in name for name in files)
    assert archive.read(next(n for n in files if n.startswith("files/attachments/"))) == b"M4RK file"


def test_export_leaves_out_secrets_and_other_people(person_with_everything):
    person, _built = person_with_everything
    other = UserFactory(display_name="Otto Other")
    _result, archive = _archive(person)

    profile = json.loads(archive.read("profile.json"))
    [me] = profile["accounts.User"]
    assert me["email"] == person.email and "password" not in me and "search_name" not in me
    assert all(other.email not in archive.read(name).decode(errors="ignore") for name in archive.namelist())
    assert "sessions.json" not in archive.namelist()  # sign-in sessions are secrets, never exported
