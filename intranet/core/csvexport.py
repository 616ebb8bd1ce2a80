"""The one way the platform writes CSV downloads: every cell through :func:`safe_cell`.

Spreadsheet programs run a cell that starts with ``=``, ``+``, ``-`` or ``@`` (and, in some of
them, a tab or carriage return before one, or the fullwidth forms of those signs, which they fold
to ASCII) as a formula: a community named ``=HYPERLINK("http://evil.example","x")`` becomes a link
in the coordinator's spreadsheet. Such text cells get a leading apostrophe, which the programs show
as a plain text cell. Numbers stay numbers (a negative score is data, not a formula).

Every export builds its response with :func:`csv_response` (or its rows with :func:`csv_lines`); a
test fails when a module outside this one calls ``csv.writer`` itself.
"""

from __future__ import annotations

import csv
import datetime as dt
from collections.abc import Iterable, Iterator
from decimal import Decimal
from typing import Any

from django.http import StreamingHttpResponse

#: First characters that make a spreadsheet read a text cell as a formula (or as a DDE command):
#: the ASCII signs, tab and carriage return, and their fullwidth forms (U+FF1D, U+FF0B, U+FF0D,
#: U+FF20), which some programs normalise to ASCII before deciding.
FORMULA_TRIGGERS = frozenset("=+-@\t\r\n\uff1d\uff0b\uff0d\uff20")


def safe_cell(value: Any) -> Any:
    """``value`` as a CSV cell that no spreadsheet program runs: ``None`` is empty, numbers stay
    numbers, dates become ISO text, and text starting with a formula trigger (after any leading
    blanks) gets a leading apostrophe."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, int | float | Decimal):
        return value
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    text = str(value)
    stripped = text.lstrip(" \u00a0\u3000")
    if stripped[:1] in FORMULA_TRIGGERS:
        return "'" + text
    return text


class _Echo:
    """A file-like object whose ``write`` returns the line, so ``csv.writer`` can feed a stream."""

    def write(self, value: str) -> str:
        return value


def csv_lines(header: Iterable[Any], rows: Iterable[Iterable[Any]], *, bom: bool = True) -> Iterator[str]:
    """The CSV text of ``header`` and ``rows``, line by line, every cell through :func:`safe_cell`.

    Starts with a byte-order mark unless ``bom=False``, so spreadsheet programs read UTF-8 names.
    """
    writer = csv.writer(_Echo())
    if bom:
        yield "\ufeff"
    yield writer.writerow([safe_cell(cell) for cell in header])
    for row in rows:
        yield writer.writerow([safe_cell(cell) for cell in row])


def csv_response(
    filename: str, header: Iterable[Any], rows: Iterable[Iterable[Any]], *, bom: bool = True
) -> StreamingHttpResponse:
    """A streamed, private CSV download of ``rows`` (see :func:`csv_lines`)."""
    response = StreamingHttpResponse(csv_lines(header, rows, bom=bom), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response
