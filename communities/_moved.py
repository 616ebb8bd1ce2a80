"""Transitional aliases for the five old module paths that training and meetups still import.

Those apps move to ``communities.api`` in their own branches; until they are merged, importing
``communities.permissions`` (and the four others below) loads the module's new home under the old
name. Delete this file and its import in ``communities/__init__.py`` once nothing outside
communities imports these paths.

(communities-rewrite: skip; this file names the old paths on purpose.)
"""

from __future__ import annotations

import importlib
import importlib.abc
import importlib.machinery
import sys
from types import ModuleType

ALIASES = {
    "communities.permissions": "communities.core.permissions",
    "communities.selectors": "communities.core.selectors",
    "communities.signals": "communities.core.signals",
    "communities.selectors_canvas": "communities.canvas.selectors",
    "communities.selectors_health": "communities.health.selectors",
}


class _AliasLoader(importlib.abc.Loader):
    own_spec: importlib.machinery.ModuleSpec | None = None

    def create_module(self, spec: importlib.machinery.ModuleSpec) -> ModuleType:
        module = importlib.import_module(ALIASES[spec.name])
        self.own_spec = module.__spec__
        return module

    def exec_module(self, module: ModuleType) -> None:
        # importlib stamped the alias spec on the real module; give it back its own.
        module.__spec__ = self.own_spec


class _AliasFinder(importlib.abc.MetaPathFinder):
    def find_spec(
        self, fullname: str, path: object = None, target: object = None
    ) -> importlib.machinery.ModuleSpec | None:
        if fullname in ALIASES:
            return importlib.machinery.ModuleSpec(fullname, _AliasLoader())
        return None


def install() -> None:
    if not any(isinstance(f, _AliasFinder) for f in sys.meta_path):
        sys.meta_path.insert(0, _AliasFinder())
