"""The German catalogue follows locale/GLOSSARY.md (item 20 of issue 18)."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

from tests.i18n.catalogue import CATALOGUE, ROOT, Entry, read_catalogue
from tests.i18n.glossary import read_glossary
from tests.i18n.source_strings import MESSAGE_ARGS, _translation_names, project_files

VARIANTS, CONTEXTS, LABELS = read_glossary()
CONTEXT_WORDS = sorted({msgid for msgid, _context, _german in CONTEXTS})


@pytest.fixture(scope="module")
def catalogue() -> list[Entry]:
    return read_catalogue()


def _where(entry: Entry) -> str:
    context = f"[{entry.msgctxt}] " if entry.msgctxt is not None else ""
    return f"{CATALOGUE.name}:{entry.line} {context}{entry.msgid!r}"


def test_glossary_is_read():
    assert {variant.text for variant in VARIANTS} >= {"Eigentümer", "Verantwortliche", "Moderierende"}
    assert ("Report", "verb", "Melden") in CONTEXTS and ("Owner", "Inhaber") in LABELS


def test_catalogue_uses_no_forbidden_variant(catalogue):
    found = [
        f"{_where(entry)}: '{variant.text}' (glossary: {variant.term}) in {text!r}"
        for entry in catalogue
        for text in entry.msgstrs
        for variant in VARIANTS
        if variant.pattern.search(text)
    ]

    assert not found, "Terms against locale/GLOSSARY.md:\n" + "\n".join(found)


def test_forbidden_variants_match_the_forms_they_name():
    def caught(text: str) -> set[str]:
        return {variant.text for variant in VARIANTS if variant.pattern.search(text)}

    assert caught("Sie sind jetzt Eigentümerin von X") == {"Eigentümer"}
    assert caught("Das Konto des letzten Eigentümers") == {"Eigentümer"}
    assert "Verantwortliche" in caught("keine Verantwortlichen")
    assert caught("An die Koordinator*innen eskalieren") and caught("Ehemalige*r Kolleg*in")
    assert caught("Kolleg:innen")
    assert caught("Ein neuer Post") and not caught("Ihr Posteingang")
    assert not caught("Sie sind jetzt Inhaber von X; die Moderation hat Ihren Beitrag gesperrt.")


@pytest.mark.parametrize(("msgid", "context", "german"), CONTEXTS, ids=[f"{c}:{m}" for m, c, _g in CONTEXTS])
def test_words_with_a_context_are_translated_per_context(catalogue, msgid, context, german):
    entries = [entry for entry in catalogue if entry.msgid == msgid and entry.msgctxt == context]

    assert entries, f"msgid {msgid!r} with context {context!r} is missing: run scripts/i18n.sh"
    assert entries[0].msgstrs == [german] and "fuzzy" not in entries[0].flags


@pytest.mark.parametrize("msgid", CONTEXT_WORDS)
def test_ambiguous_words_never_appear_without_a_context_in_the_catalogue(catalogue, msgid):
    assert not [entry for entry in catalogue if entry.msgid == msgid and entry.msgctxt is None]


def _template_uses_without_context(path: Path) -> list[str]:
    text = path.read_text(encoding="utf-8")
    found = []
    for match in re.finditer(r"\{%\s*(?:translate|trans)\s+(\"[^\"]*\"|'[^']*')([^%]*)%\}", text):
        if ast.literal_eval(match.group(1)) in CONTEXT_WORDS and "context" not in match.group(2):
            line = text.count("\n", 0, match.start()) + 1
            found.append(f"{path.relative_to(ROOT)}:{line}: {match.group(0)}")
    return found


def _python_uses_without_context(path: Path) -> list[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names = _translation_names(tree)
    found = []
    for node in ast.walk(tree):
        if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in names):
            continue
        function = names[node.func.id]
        if function.startswith(("pgettext", "npgettext")):
            continue
        for position in MESSAGE_ARGS[function]:
            argument = node.args[position] if position < len(node.args) else None
            if isinstance(argument, ast.Constant) and argument.value in CONTEXT_WORDS:
                found.append(f"{path.relative_to(ROOT)}:{node.lineno}: {ast.unparse(node)}")
    return found


def test_ambiguous_words_carry_a_context_in_templates_and_code():
    found = [
        use for path in sorted((ROOT / "templates").rglob("*.html")) for use in _template_uses_without_context(path)
    ]
    found += [use for path in project_files() for use in _python_uses_without_context(path)]

    assert not found, "Translate these with their glossary context (locale/GLOSSARY.md):\n" + "\n".join(found)


@pytest.mark.parametrize(("msgid", "german"), LABELS, ids=[m for m, _g in LABELS])
def test_fixed_labels(catalogue, msgid, german):
    entries = [entry for entry in catalogue if entry.msgid == msgid and entry.msgctxt is None]

    assert entries and entries[0].msgstrs == [german]
