"""The shape of a token secret: a public marker, then 256 random bits.

The marker ``itpat_`` lets a secret scanner (GitHub's, gitleaks, a DLP proxy) find a leaked token
by pattern; the random part is long enough that a plain SHA-256 is a safe way to store it (no salt
or slow hash is needed for a secret nobody chose).
"""

from __future__ import annotations

import hashlib
import re
import secrets

MARKER = "itpat_"
#: What a secret looks like: the marker and 43 URL-safe base64 characters (32 random bytes).
PATTERN = re.compile(r"itpat_[A-Za-z0-9_-]{43}")
PREFIX_LENGTH = 8


def new_secret() -> str:
    return MARKER + secrets.token_urlsafe(32)


def secret_hash(secret: str) -> str | None:
    """The stored form of ``secret``; ``None`` for anything that is not shaped like a secret."""
    if not isinstance(secret, str) or not PATTERN.fullmatch(secret):
        return None
    return hashlib.sha256(secret.encode()).hexdigest()


def display_prefix(secret: str) -> str:
    return secret[len(MARKER) : len(MARKER) + PREFIX_LENGTH]
