"""Build the ZIP of a person's data from the register (GDPR Art. 15 and 20).

One JSON file per export kind (``posts.json``), each an object with one list of rows per model
(``{"communities.Post": [...]}``), the files the register marks as exported (attachments, the
avatar) under ``files/<kind>/``, a ``manifest.json`` with the row counts and a ``README.txt``.
Rows are read in chunks and written straight into the archive, so a long history never sits in
memory at once; files are copied from storage in blocks.
"""

from __future__ import annotations

import json
import shutil
import zipfile
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import PurePosixPath
from typing import IO, Any

from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from intranet.core import privacy
from intranet.core.privacy import Entry

CHUNK = 500


@dataclass
class ExportResult:
    counts: dict[str, int] = field(default_factory=dict)
    files: int = 0

    @property
    def rows(self) -> int:
        return sum(self.counts.values())


def exported_fields(entry: Entry) -> list[models.Field[Any, Any]]:
    """The columns of ``entry``'s model that go into the export: every concrete column except the
    ones the register marks ``export=False`` (secrets, rendered copies, other people's links)."""
    hidden = {name for name, spec in entry.fields.items() if not spec.export}
    return [f for f in entry.model._meta.concrete_fields if f.name not in hidden]


def _file_fields(entry: Entry) -> list[str]:
    return [
        f.name
        for f in exported_fields(entry)
        if isinstance(f, models.FileField) and f.name in entry.fields and entry.fields[f.name].export
    ]


def rows_of(entry: Entry, user: Any) -> Iterator[dict[str, Any]]:
    """The person's rows of ``entry`` as JSON-ready dicts (custom exporter, or the declared columns)."""
    if entry.exporter is not None:
        yield from (dict(row) for row in entry.exporter(user))
        return
    columns = exported_fields(entry)
    names = [f.attname for f in columns]
    for values in entry.rows_of(user.pk).values_list(*names).iterator(chunk_size=CHUNK):
        yield {f.name if not f.is_relation else f.attname: value for f, value in zip(columns, values, strict=True)}


def _files_of(entry: Entry, user: Any) -> Iterator[tuple[str, Any]]:
    if entry.files is not None:
        yield from entry.files(user)
        return
    names = _file_fields(entry)
    if not names:
        return
    for obj in entry.rows_of(user.pk).only("pk", *names).iterator(chunk_size=CHUNK):
        for name in names:
            fieldfile = getattr(obj, name)
            if fieldfile:
                base = PurePosixPath(fieldfile.name).name
                yield f"{entry.model._meta.model_name}-{obj.pk}-{name}-{base}", fieldfile


def _write_json_stream(out: IO[bytes], groups: Mapping[str, Iterable[dict[str, Any]]], counts: dict[str, int]) -> None:
    """Write ``{"label": [row, ...], ...}`` row by row, counting rows per label."""
    encoder = DjangoJSONEncoder(ensure_ascii=False, indent=None)
    out.write(b"{")
    for index, (label, rows) in enumerate(groups.items()):
        out.write((", " if index else "").encode() + json.dumps(label).encode() + b": [")
        count = 0
        for row in rows:
            out.write((",\n  " if count else "\n  ").encode() + encoder.encode(row).encode())
            count += 1
        out.write(b"\n]" if count else b"]")
        counts[label] = count
    out.write(b"}\n")


def build_archive(user: Any, target: IO[bytes]) -> ExportResult:
    """Write the ZIP of everything the register exports about ``user`` into ``target``."""
    result = ExportResult()
    by_kind: dict[str, list[Entry]] = {}
    for entry in privacy.entries():
        if entry.exported:
            by_kind.setdefault(entry.kind, []).append(entry)
    with zipfile.ZipFile(target, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for kind, kind_entries in sorted(by_kind.items()):
            groups = {e.model._meta.label: rows_of(e, user) for e in kind_entries}
            counts: dict[str, int] = {}
            with archive.open(f"{kind}.json", "w") as out:
                _write_json_stream(out, groups, counts)
            result.counts.update(counts)
            for entry in kind_entries:
                for name, fieldfile in _files_of(entry, user):
                    try:
                        source = fieldfile.open("rb")
                    except (FileNotFoundError, OSError):
                        continue  # a file missing from storage is left out, not the whole export
                    with source, archive.open(f"files/{kind}/{name}", "w") as out:
                        shutil.copyfileobj(source, out, 64 * 1024)
                    result.files += 1
        manifest = {
            "person": user.pk,
            "generated_at": timezone.now().isoformat(),
            "kinds": sorted(by_kind),
            "rows": result.counts,
            "files": result.files,
        }
        archive.writestr("manifest.json", json.dumps(manifest, indent=2, ensure_ascii=False))
        with translation.override(getattr(user, "language", None) or None):
            archive.writestr("README.txt", _readme())
    return result


def _readme() -> str:
    return "\n\n".join(
        [
            _("A copy of the data the intranet holds about you."),
            _(
                "Each .json file holds one kind of data, with a list of rows per table. Numbers ending "
                "in _id point to other rows (a community, a post, a person). The files folder holds "
                "the files you uploaded. manifest.json counts the rows."
            ),
            _("The page “What the platform records about people” explains every kind and how long it is kept."),
        ]
    )
