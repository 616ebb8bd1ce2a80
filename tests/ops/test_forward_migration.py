"""The forward-migration check (issue 16, item 2): scripts/check_forward_migration.py.

The check itself is a step of ``make test`` (``scripts/dev.py``), not a test here: it builds its own
database from the last release and runs both trees' ``manage.py`` as child processes, once per run,
which pytest-xdist would otherwise repeat per worker. These tests pin its plumbing.
"""

from __future__ import annotations

import importlib.util
import subprocess
import sys
from pathlib import Path
from types import ModuleType

import pytest

ROOT = Path(__file__).resolve().parents[2]
SCRIPT = ROOT / "scripts" / "check_forward_migration.py"


@pytest.fixture(scope="module")
def fwd() -> ModuleType:
    spec = importlib.util.spec_from_file_location("check_forward_migration", SCRIPT)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_scratch_database_lives_on_the_same_server(fwd):
    url = "postgres://postgres@%2Ftmp%2Fpg:5433/intranet?sslmode=disable"
    assert fwd.with_database(url, "other") == "postgres://postgres@%2Ftmp%2Fpg:5433/other?sslmode=disable"
    assert fwd.scratch_name(url).startswith("intranet_fwdmig_")


def test_the_reference_defaults_to_the_last_release_and_can_be_overridden(fwd, monkeypatch):
    monkeypatch.delenv(fwd.REF_ENV, raising=False)
    assert fwd.reference() == "1211efc"
    monkeypatch.setenv(fwd.REF_ENV, "v0.1")
    assert fwd.reference() == "v0.1"


def test_the_cached_template_is_keyed_by_commit_and_lock_files(fwd):
    name = fwd.template_name("1211efccd66d0123456789")
    assert name.startswith("fwdmig_1211efccd66d_")
    assert len(name) <= 63  # PostgreSQL's identifier limit


def test_an_unknown_reference_is_refused_before_anything_is_created():
    result = subprocess.run(
        [sys.executable, str(SCRIPT), "0000000000000000000000000000000000000000"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
        env={"PATH": "/usr/bin:/bin", "DATABASE_URL": "postgres://nobody@127.0.0.1:1/none"},
    )
    assert result.returncode == 2
    assert "no commit" in result.stdout
