"""A small reader of the German catalogue (locale/de/LC_MESSAGES/django.po) for the i18n tests."""

from __future__ import annotations

import ast
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
LOCALE = ROOT / "locale"
CATALOGUE = LOCALE / "de" / "LC_MESSAGES" / "django.po"


@dataclass
class Entry:
    msgid: str = ""
    msgid_plural: str = ""
    msgctxt: str | None = None
    msgstrs: list[str] = field(default_factory=list)
    locations: list[str] = field(default_factory=list)
    flags: set[str] = field(default_factory=set)
    line: int = 0


def _unquote(text: str) -> str:
    return ast.literal_eval(text) if text else ""


def read_catalogue(path: Path = CATALOGUE) -> list[Entry]:
    """Every entry of a .po file but the header; obsolete (``#~``) entries are left out."""
    entries: list[Entry] = []
    entry = Entry()
    current: str | None = None  # the field that continuation lines ("...") extend
    index = -1

    def finish() -> None:
        nonlocal entry, current
        if entry.msgid:
            entries.append(entry)
        entry = Entry()
        current = None

    for number, raw in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        line = raw.strip()
        if not line:
            continue
        if line.startswith("#~"):
            continue
        if line.startswith("#:"):
            if current and current.startswith("msgstr"):
                finish()
            entry.locations += line[2:].split()
            continue
        if line.startswith("#,"):
            if current and current.startswith("msgstr"):
                finish()
            entry.flags |= {flag.strip() for flag in line[2:].split(",")}
            continue
        if line.startswith("#"):
            if current and current.startswith("msgstr"):
                finish()
            continue
        if line.startswith('"'):
            value = _unquote(line)
            if current == "msgctxt":
                entry.msgctxt = (entry.msgctxt or "") + value
            elif current == "msgid":
                entry.msgid += value
            elif current == "msgid_plural":
                entry.msgid_plural += value
            elif current == "msgstr":
                entry.msgstrs[index] += value
            continue
        keyword, _, value = line.partition(" ")
        if keyword in ("msgctxt", "msgid") and current and current.startswith("msgstr"):
            finish()
        if keyword == "msgctxt":
            entry.msgctxt = _unquote(value)
            entry.line = entry.line or number
            current = "msgctxt"
        elif keyword == "msgid":
            entry.msgid = _unquote(value)
            entry.line = entry.line or number
            current = "msgid"
        elif keyword == "msgid_plural":
            entry.msgid_plural = _unquote(value)
            current = "msgid_plural"
        elif keyword.startswith("msgstr"):
            entry.msgstrs.append(_unquote(value))
            index = len(entry.msgstrs) - 1
            current = "msgstr"
    finish()
    return entries
