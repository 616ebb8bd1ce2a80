"""``make test`` (scripts/dev.py test) cannot pass with its browser journeys lost (issue 17, 15b)."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType

ROOT = Path(__file__).resolve().parents[2]


def _dev() -> ModuleType:
    spec = importlib.util.spec_from_file_location("dev_script", ROOT / "scripts" / "dev.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # its dataclasses look their module up
    spec.loader.exec_module(module)
    return module


def test_the_full_run_fails_when_no_browser_test_is_collected() -> None:
    dev = _dev()
    # pytest's exit code 5 is "no tests collected".
    assert 5 not in dev.browser_ok_codes([])
    assert dev.browser_ok_codes([]) == (0,)
    # A subset chosen with PYTEST_ARGS may hold no browser test at all.
    assert dev.browser_ok_codes(["tests/accounts"]) == (0, 5)
