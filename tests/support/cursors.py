"""Page cursors an attacker can send, for fuzzing every keyset list (issue 17, item 6)."""

from __future__ import annotations

import base64
import json

from hypothesis import strategies as st

from intranet.core.pagination import encode_cursor


def _b64(raw: str) -> str:
    return base64.urlsafe_b64encode(raw.encode()).decode().rstrip("=")


_scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(2**70), max_value=2**70),
    st.floats(),
    st.text(max_size=20),
    st.sampled_from([{"dt": "2026-02-30T00:00:00"}, {"dt": "x"}, {"d": "2026-01-01"}, {"dec": "NaN"}]),
    st.sampled_from([{"dec": "1e999999"}, {"dec": "-Infinity"}, {"x": 1}]),
)
_values = st.lists(_scalars, max_size=4)
# What an attacker can send: any text, the old unsigned format with any values, and validly signed
# cursors of the people directory (accounts.user by search_name, id) holding any values: they reach
# that list's type checks and are foreign to every other list.
CURSORS = st.one_of(
    st.text(max_size=80),
    _values.map(lambda values: _b64(json.dumps(values))),
    _values.map(lambda values: encode_cursor(values, salt="accounts.user:search_name,id")),
    st.sampled_from(['["x","x"]', _b64('["x","x"]'), _b64("[NaN,NaN]"), _b64("NaN"), "0", "-1", "%", "\x00"]),
)
