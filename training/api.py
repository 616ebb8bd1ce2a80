"""The public surface of training for other apps (meetups' network directory, integrations).

Other apps import training only from here; everything else in training is private and may move.
"""

from __future__ import annotations

from .certificates.selectors import certificates_for_users
from .levels.selectors import levels_for_users

__all__ = ["certificates_for_users", "levels_for_users"]
