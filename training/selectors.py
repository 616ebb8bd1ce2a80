"""Transitional: communities' handover still imports ``certificates_for_users`` from here behind a
``try/except ImportError``. Delete this module once communities reads the qualification registry
(which :class:`training.apps.TrainingConfig` fills) instead.
"""

from .certificates.selectors import certificates_for_users

__all__ = ["certificates_for_users"]
