"""Reads locale/GLOSSARY.md: the forbidden variants, the words with a context and the fixed labels."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from tests.i18n.catalogue import LOCALE

GLOSSARY = LOCALE / "GLOSSARY.md"


@dataclass(frozen=True)
class Variant:
    """A word the catalogue must not use, and the term it stands in for."""

    text: str
    pattern: re.Pattern[str]
    term: str


def _sections(text: str) -> dict[str, list[list[str]]]:
    """Heading -> the rows of the table below it (header and separator left out)."""
    sections: dict[str, list[list[str]]] = {}
    current: list[list[str]] | None = None
    for line in text.splitlines():
        if line.startswith("## "):
            current = sections.setdefault(line[3:].strip(), [])
        elif current is not None and line.startswith("|"):
            cells = [cell.strip().replace("\\|", "|") for cell in re.split(r"(?<!\\)\|", line.strip())[1:-1]]
            current.append(cells)
    return {heading: rows[2:] for heading, rows in sections.items()}


def _pattern(word: str) -> re.Pattern[str]:
    if word.startswith("re:"):
        return re.compile(word[3:])
    # At the start of a word, in every form that begins with it ("Eigentümer" catches "Eigentümerin").
    return re.compile(r"(?<![\w-])" + re.escape(word))


def read_glossary(path: Path = GLOSSARY) -> tuple[list[Variant], list[tuple[str, str, str]], list[tuple[str, str]]]:
    sections = _sections(path.read_text(encoding="utf-8"))
    variants = [
        Variant(word, _pattern(word), row[0]) for row in sections["Terms"] for word in re.findall(r"`([^`]+)`", row[2])
    ]
    contexts = [(row[0], row[1], row[2]) for row in sections["Words with a context"]]
    labels = [(row[0], row[1]) for row in sections["Fixed labels"]]
    return variants, contexts, labels
