"""Transitional: communities' console still imports ``levels_for_users`` from here behind a
``try/except ImportError``. Delete this module once communities reads the qualification registry
(which :class:`training.apps.TrainingConfig` fills) instead.
"""

from .levels.selectors import levels_for_users

__all__ = ["levels_for_users"]
