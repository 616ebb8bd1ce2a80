"""Transitional: meetups (``meetups/selectors_network.py``) still imports from here.

Delete this module once meetups imports :mod:`training.api` instead.
"""

from .api import certificates_for_users

__all__ = ["certificates_for_users"]
