"""The kernel's CSV cell encoder, and the rule that every export uses it (issue 17, item 16)."""

from __future__ import annotations

import ast
import csv
import datetime as dt
import io
from decimal import Decimal
from pathlib import Path

import pytest

from intranet.core.csvexport import csv_lines, csv_response, safe_cell

ROOT = Path(__file__).resolve().parents[2]
PRODUCT_PACKAGES = ("intranet", "communities", "training", "meetups")
ENCODER = ROOT / "intranet" / "core" / "csvexport.py"
WRITERS = {"writer", "DictWriter"}


@pytest.mark.parametrize(
    "hostile",
    [
        '=HYPERLINK("http://evil.example","x")',
        "+cmd|' /C calc'!A0",
        "-2+3",
        "@SUM(A1:A2)",
        "\t=1+1",
        "\r=1+1",
        "\n=1+1",
        "\uff1dHYPERLINK(1)",  # fullwidth equals sign
        "\uff0b1",
        "\uff0d1",
        "\uff20SUM(1)",
        "  =1+1",  # leading blanks do not hide a formula
        "\u00a0=1+1",
    ],
)
def test_formula_text_gets_an_apostrophe(hostile):
    assert safe_cell(hostile) == "'" + hostile


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (None, ""),
        ("Solar Garden", "Solar Garden"),
        ("a=b", "a=b"),
        ("", ""),
        (-3, -3),
        (2.5, 2.5),
        (Decimal("-1.5"), Decimal("-1.5")),
        (True, "True"),
        (dt.date(2026, 1, 2), "2026-01-02"),
    ],
)
def test_other_values_pass_unchanged(value, expected):
    assert safe_cell(value) == expected


def test_lines_escape_header_and_rows_and_start_with_a_bom():
    text = "".join(csv_lines(["name", "=bad header"], [["=1+1", 3], ['Grüße, "quoted"', None]]))
    assert text.startswith("\ufeff")
    rows = list(csv.reader(io.StringIO(text.lstrip("\ufeff"))))
    assert rows == [["name", "'=bad header"], ["'=1+1", "3"], ['Grüße, "quoted"', ""]]


def test_response_is_a_private_download():
    response = csv_response("x.csv", ["a"], [["@x"]])
    body = "".join(chunk.decode() for chunk in response).removeprefix("\ufeff")
    assert response["Content-Disposition"] == 'attachment; filename="x.csv"'
    assert response["Cache-Control"] == "private, no-store" and body.splitlines() == ["a", "'@x"]


def _direct_csv_writers(path: Path) -> list[int]:
    """Lines of ``path`` that build a CSV writer themselves (``csv.writer``, ``csv.DictWriter``, or
    those names imported from ``csv``)."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    lines: list[int] = []
    for node in ast.walk(tree):
        direct = (
            isinstance(node, ast.Attribute)
            and node.attr in WRITERS
            and isinstance(node.value, ast.Name)
            and node.value.id == "csv"
        )
        imported = (
            isinstance(node, ast.ImportFrom)
            and node.module == "csv"
            and any(alias.name in WRITERS for alias in node.names)
        )
        if (direct or imported) and isinstance(node, ast.expr | ast.stmt):
            lines.append(node.lineno)
    return lines


def test_no_module_writes_csv_around_the_kernel_encoder():
    """Every CSV export goes through ``intranet.core.csvexport``: a new module that calls
    ``csv.writer`` itself would skip the formula escaping."""
    offenders = []
    for package in PRODUCT_PACKAGES:
        for path in sorted((ROOT / package).rglob("*.py")):
            if path == ENCODER or "migrations" in path.parts:
                continue
            offenders += [f"{path.relative_to(ROOT)}:{line}" for line in _direct_csv_writers(path)]
    assert offenders == [], "Use intranet.core.csvexport.csv_response instead of csv.writer: " + ", ".join(offenders)


def test_the_scan_finds_a_direct_writer(tmp_path):
    sample = tmp_path / "export.py"
    sample.write_text("import csv\nfrom csv import DictWriter\n\nw = csv.writer(None)\n", encoding="utf-8")
    assert _direct_csv_writers(sample) == [2, 4]
    assert _direct_csv_writers(ENCODER)  # the encoder itself is what the scan would catch
