"""Comparing whole pages: what changes on every request is taken out first."""

from __future__ import annotations

import re

# The CSP nonce, the masked CSRF token (both random per response) and the language switch's way back
# to the address the person typed.
_PER_REQUEST = re.compile(r'(nonce="|"X-CSRFToken": "|name="csrfmiddlewaretoken" value="|name="next" value=")[^"]*')


def comparable(content: bytes | str) -> str:
    """``content`` with the per-request values blanked, so two answers can be compared whole (a
    secret object's 404 must equal a missing one's, byte for byte apart from these)."""
    text = content.decode() if isinstance(content, bytes) else content
    return _PER_REQUEST.sub(r"\1", text)
