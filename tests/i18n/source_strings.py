"""Find translatable strings that are assembled in a way gettext cannot see or translate whole.

``test_source_strings.py`` runs this over the project's code; ``python -m tests.i18n.source_strings``
prints the findings. It knows the translation functions by their imports (``gettext as _``,
``pgettext_lazy`` ...), so any alias is recognised. What it reports:

- a message built before translation: an f-string, ``%``, ``+`` or ``.format()`` as the message
  argument (xgettext extracts nothing, or the wrong text, and the lookup never matches);
- a translation call inside an f-string (``f"{text} {_('Reason: %(reason)s') % p}"``): xgettext
  does not look inside f-strings, so the message is never extracted, and the sentence is cut in
  pieces whose order a translator cannot change;
- a translated piece glued to other text with ``+`` or into a literal with ``%`` / ``.format()``
  (``_("Owner") + ": " + name``, ``"%s: %s" % (_("Reason"), why)``): word order and punctuation
  belong to the translator, so the whole sentence must be one message with named placeholders.
"""

from __future__ import annotations

import ast
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PACKAGES = ("intranet", "communities", "training", "meetups", "bench", "scripts", "integrations")
SKIPPED_PARTS = {"migrations", "__pycache__"}

# The message arguments (positions) of each function of django.utils.translation.
MESSAGE_ARGS: dict[str, tuple[int, ...]] = {
    "gettext": (0,),
    "gettext_lazy": (0,),
    "gettext_noop": (0,),
    "ngettext": (0, 1),
    "ngettext_lazy": (0, 1),
    "pgettext": (1,),
    "pgettext_lazy": (1,),
    "npgettext": (1, 2),
    "npgettext_lazy": (1, 2),
}
TRANSLATION_MODULE = "django.utils.translation"


@dataclass(frozen=True)
class Finding:
    path: str
    line: int
    message: str

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: {self.message}"


def _translation_names(tree: ast.Module) -> dict[str, str]:
    """Local name -> function of django.utils.translation, from the module's imports."""
    names: dict[str, str] = {}
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module == TRANSLATION_MODULE:
            for alias in node.names:
                if alias.name in MESSAGE_ARGS:
                    names[alias.asname or alias.name] = alias.name
    return names


class _Checker(ast.NodeVisitor):
    def __init__(self, path: str, names: dict[str, str]) -> None:
        self.path = path
        self.names = names
        self.findings: list[Finding] = []
        self._in_fstring = 0

    def _report(self, node: ast.AST, message: str) -> None:
        self.findings.append(Finding(self.path, getattr(node, "lineno", 0), message))

    def _function(self, node: ast.AST) -> str | None:
        """The translation function a call calls, if it is one (``_(...)``, ``translation.gettext(...)``)."""
        if not isinstance(node, ast.Call):
            return None
        func = node.func
        if isinstance(func, ast.Name):
            return self.names.get(func.id)
        if isinstance(func, ast.Attribute) and func.attr in MESSAGE_ARGS:
            value = func.value
            if isinstance(value, ast.Name) and value.id == "translation":
                return func.attr
        return None

    def _is_translated(self, node: ast.AST) -> bool:
        """A translation call, or one already formatted (``_("... %(x)s") % {...}``)."""
        if self._function(node):
            return True
        if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Mod):
            return self._is_translated(node.left)
        return False

    @staticmethod
    def _is_text(node: ast.AST) -> bool:
        return isinstance(node, ast.JoinedStr) or (isinstance(node, ast.Constant) and isinstance(node.value, str))

    def visit_JoinedStr(self, node: ast.JoinedStr) -> None:
        self._in_fstring += 1
        self.generic_visit(node)
        self._in_fstring -= 1

    def visit_Call(self, node: ast.Call) -> None:
        function = self._function(node)
        if function:
            name = ast.unparse(node.func)
            if self._in_fstring:
                self._report(node, f"{name}() inside an f-string: never extracted, and the sentence is cut in pieces")
            for position in MESSAGE_ARGS[function]:
                if position >= len(node.args):
                    continue
                argument = node.args[position]
                if isinstance(argument, ast.JoinedStr):
                    self._report(node, f"{name}() of an f-string: the message is built before translation")
                elif isinstance(argument, ast.BinOp):
                    self._report(
                        node, f"{name}() of a {type(argument.op).__name__} expression: formatted before translation"
                    )
                elif (
                    isinstance(argument, ast.Call)
                    and isinstance(argument.func, ast.Attribute)
                    and argument.func.attr == "format"
                ):
                    self._report(node, f"{name}() of a .format() call: formatted before translation")
        elif (
            isinstance(node.func, ast.Attribute)
            and node.func.attr == "format"
            and self._is_text(node.func.value)
            and any(self._is_translated(arg) for arg in [*node.args, *(k.value for k in node.keywords)])
        ):
            self._report(node, "a translated piece formatted into an untranslated literal with .format()")
        self.generic_visit(node)

    def _add_operands(self, node: ast.AST) -> list[ast.AST]:
        if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add):
            return self._add_operands(node.left) + self._add_operands(node.right)
        return [node]

    def visit_BinOp(self, node: ast.BinOp) -> None:
        if isinstance(node.op, ast.Add):
            # A chain a + b + c is one finding, reported on its outermost node only.
            operands = self._add_operands(node)
            if any(self._is_translated(operand) for operand in operands):
                self._report(node, "a translated piece concatenated with +: make the whole sentence one message")
            for operand in operands:
                self.visit(operand)
            return
        if isinstance(node.op, ast.Mod) and self._is_text(node.left):
            parts: list[ast.expr] = [node.right]
            if isinstance(node.right, ast.Tuple):
                parts = list(node.right.elts)
            elif isinstance(node.right, ast.Dict):
                parts = list(node.right.values)
            if any(self._is_translated(part) for part in parts):
                self._report(node, "a translated piece formatted into an untranslated literal with %")
        self.generic_visit(node)


def check_source(source: str, path: str) -> list[Finding]:
    tree = ast.parse(source, filename=path)
    names = _translation_names(tree)
    if not names and "translation" not in source:
        return []
    checker = _Checker(path, names)
    checker.visit(tree)
    return checker.findings


def project_files(root: Path = ROOT) -> Iterator[Path]:
    for package in PACKAGES:
        for path in sorted((root / package).rglob("*.py")):
            if not SKIPPED_PARTS.intersection(path.relative_to(root).parts):
                yield path


def check_project(root: Path = ROOT) -> list[Finding]:
    findings: list[Finding] = []
    for path in project_files(root):
        findings += check_source(path.read_text(encoding="utf-8"), str(path.relative_to(root)))
    return findings


if __name__ == "__main__":
    found = check_project()
    for finding in found:
        print(finding)  # noqa: T201
    sys.exit(1 if found else 0)
