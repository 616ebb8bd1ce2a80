"""The loopback topology (deploy/topology/run.py), started once for the tests of this folder and
stopped after them whatever happens. Run with ``make test-topology`` (marker ``topology``)."""

from __future__ import annotations

import importlib.util
import json
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from .client import FIGURES, Browser

ROOT = Path(__file__).resolve().parents[3]


def _load_run_module() -> Any:
    name = "intranet_topology_run"
    if name in sys.modules:
        return sys.modules[name]
    spec = importlib.util.spec_from_file_location(name, ROOT / "deploy" / "topology" / "run.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module  # dataclasses look their module up while the class is built
    spec.loader.exec_module(module)
    return module


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if "/topology/loopback/" in str(item.path):
            item.add_marker(pytest.mark.topology)
            # The first test's set-up starts the topology, and migrates the template database from
            # scratch when the migrations changed (about five minutes on two shared cores).
            item.add_marker(pytest.mark.timeout(900))


@pytest.fixture(scope="session")
def topology() -> Iterator[Any]:
    run = _load_run_module()
    with run.Topology() as started:
        FIGURES["startup"] = {key: round(value, 1) for key, value in started.timings.items()}
        yield started


def pytest_terminal_summary(terminalreporter: Any) -> None:
    if not FIGURES:
        return
    terminalreporter.section("topology figures")
    for name, values in FIGURES.items():
        terminalreporter.write_line(f"{name}: {json.dumps(values)}")
    out = ROOT / "artifacts" / "topology"
    out.mkdir(parents=True, exist_ok=True)
    (out / "figures.json").write_text(json.dumps(FIGURES, indent=2))


@pytest.fixture
def browser(topology: Any) -> Browser:
    return Browser(topology)


@pytest.fixture
def seed(topology: Any) -> dict[str, Any]:
    return topology.seed  # type: ignore[no-any-return]
