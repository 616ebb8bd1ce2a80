"""deploy/README.md documents every environment variable the settings read."""

from __future__ import annotations

import re
from pathlib import Path

from intranet.settings.env import Env

README = Path(__file__).resolve().parents[2] / "deploy" / "README.md"


def test_every_environment_variable_has_a_row():
    documented = set(re.findall(r"^\| `([A-Z_]+)` \|", README.read_text(), flags=re.MULTILINE))
    variables = {name.upper() for name in Env.model_fields}
    assert variables - documented == set(), "add these to the table in deploy/README.md"
