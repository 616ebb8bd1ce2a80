"""Kept for migration ``0001_initial``, which refers to ``meetups.models.series.new_feed_token``.

The model code lives in :mod:`meetups.events.models`; migrations are never edited.
"""

from meetups.events.models import new_feed_token

__all__ = ["new_feed_token"]
