"""Name normalisation for search and mentions (pure functions, no database)."""

from __future__ import annotations

import re

from anyascii import anyascii

_GERMAN = str.maketrans({"ä": "ae", "ö": "oe", "ü": "ue", "ß": "ss", "Ä": "Ae", "Ö": "Oe", "Ü": "Ue"})


def search_name_for(display_name: str) -> str:
    """Lower-case ASCII forms of a name for trigram search.

    Both transliterations are kept, so "Müller" is found by "muller", "mueller" and "muler".
    """
    plain = anyascii(display_name).lower().strip()
    german = anyascii(display_name.translate(_GERMAN)).lower().strip()
    return plain if plain == german else f"{plain} {german}"


def normalise_query(query: str) -> str:
    return anyascii(query).lower().strip()


def query_forms(query: str) -> list[str]:
    """The forms a typed name is searched by: its plain transliteration and, when it has German
    umlauts, the German one too ("Jür" is looked up as "jur" and "juer"), so a query matches
    people whose name is stored either way."""
    plain = normalise_query(query)
    german = anyascii(query.translate(_GERMAN)).lower().strip()
    return [form for form in dict.fromkeys((plain, german)) if form]


def handle_from(email: str) -> str:
    local = anyascii(email.split("@", 1)[0]).lower()
    local = re.sub(r"[^a-z0-9._-]+", "", local).strip("._-")
    return local[:50] or "user"
