"""The shape of communities: one package per feature, no feature-suffixed modules, and core
importing no feature above it (those reach core through the outbox, signals and registries)."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import communities
from intranet.core import outbox

ROOT = Path(communities.__file__).parent
FEATURES = ("core", "posts", "moderation", "inbox", "canvas", "health", "console", "lifecycle")
KINDS = "models|permissions|selectors|services|events|tasks|notify|jobs|forms|views|urls|demo"
SUFFIXED = re.compile(rf"^({KINDS})_\w+\.py$|^\w+_({'|'.join(FEATURES)}|community)\.py$")
#: Not part of the product layout (the benchmark's generator moves to bench/ separately).
IGNORED = {"scale_data.py", "scale_load.py"}


def _modules() -> list[Path]:
    return [p for p in ROOT.rglob("*.py") if "migrations" not in p.parts and p.name not in IGNORED]


def _imports(path: Path) -> set[str]:
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module and not node.level:
            names.add(node.module)
        elif isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
    return names


def test_every_feature_is_a_package():
    for feature in FEATURES:
        assert (ROOT / feature / "__init__.py").exists(), feature


def test_no_module_carries_a_feature_in_its_name():
    offenders = sorted(str(p.relative_to(ROOT)) for p in _modules() if SUFFIXED.match(p.name))
    assert offenders == []


def test_core_imports_no_feature_above_it():
    higher = tuple(f"communities.{feature}" for feature in FEATURES if feature != "core")
    offenders = sorted(
        f"{path.relative_to(ROOT)}: {name}"
        for path in (ROOT / "core").rglob("*.py")
        for name in _imports(path)
        if name.startswith(higher)
    )
    assert offenders == []


def test_posts_reach_moderation_and_inbox_only_through_events():
    """Posts may use screening (moderation's lower half) and moderation's read rules; never the
    moderation or inbox services."""
    offenders = sorted(
        f"{path.relative_to(ROOT)}: {name}"
        for path in (ROOT / "posts").rglob("*.py")
        for name in _imports(path)
        if name.startswith(("communities.inbox", "communities.moderation.services"))
    )
    assert offenders == []


def test_every_recorded_event_has_a_declared_name():
    declared = set(outbox.known_events())
    for name in ("post.created", "comment.created", "membership.requested", "report.opened", "handover.completed"):
        assert name in declared
        assert outbox.subscribers_of(name), name


def test_only_the_composition_root_imports_the_inbox():
    """Memberships, posts, moderation and handovers reach the inbox through outbox events; only the
    console, which reads every feature below it, and the inbox's template tag read the inbox."""
    root = {"apps.py", "urls.py", "__init__.py"}
    above = {"console", "templatetags"}
    offenders = sorted(
        f"{path.relative_to(ROOT)}: {name}"
        for path in _modules()
        if "inbox" not in path.relative_to(ROOT).parts[:1]
        and path.relative_to(ROOT).parts[0] not in above
        and not (path.parent == ROOT and path.name in root)
        and path.relative_to(ROOT).parts[:1] != ("models",)
        for name in _imports(path)
        if name.startswith("communities.inbox")
    )
    assert offenders == []
