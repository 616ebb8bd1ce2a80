"""The restore drill (issue 21, item 4, last bullet; deploy/restore/drill.py): a backup of the
loopback primary, taken while the topology runs, restored into a fresh cluster serves
``/healthz/ready`` with the same row count in every table."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

from .client import record

ROOT = Path(__file__).resolve().parents[3]


def test_a_restored_backup_serves_with_equal_row_counts(topology: Any):
    env = topology.app_env(DATABASE_URL="", DATABASE_REPLICA_URLS="", DATABASE_POOLER="")
    done = subprocess.run(
        [sys.executable, str(ROOT / "deploy" / "restore" / "drill.py"), "--source", topology.pg_url("primary")],
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    report = json.loads(done.stdout)
    record("restore_drill", **{key: value for key, value in report.items() if key != "differences"})
    assert done.returncode == 0, report
    assert report["ok"] is True
    assert report["migrate_check"] == "ok"
    assert report["healthz_ready"] == 200
    assert report["differences"] == {}
    assert report["tables"] > 100
    assert report["rows"] > 12000  # the fan-out community's members at least
