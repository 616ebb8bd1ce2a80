"""Reading e-mail addresses that people paste or upload (invitations, bulk membership invites)."""

from __future__ import annotations

import re
from email.utils import parseaddr

from django.core.exceptions import ValidationError
from django.core.validators import validate_email

#: What separates entries on one line of pasted text.
ENTRY_SEPARATORS = re.compile(r"[,;\t]")


def normalise_address(candidate: str) -> str | None:
    """The lower-cased e-mail address in ``candidate`` ("Anna <anna@x.example>" works), or ``None``
    when there is no valid address in it."""
    _name, address = parseaddr(candidate.strip())
    address = address.strip().lower()
    if not address:
        return None
    try:
        validate_email(address)
    except ValidationError:
        return None
    return address


def split_entries(text: str) -> list[tuple[int, str]]:
    """The non-empty entries of pasted text, split at line breaks, commas, semicolons and tabs,
    each with its line number (for reports that point at the line to correct)."""
    entries: list[tuple[int, str]] = []
    for number, line in enumerate(text.splitlines(), start=1):
        entries.extend((number, part.strip()) for part in ENTRY_SEPARATORS.split(line) if part.strip())
    return entries
