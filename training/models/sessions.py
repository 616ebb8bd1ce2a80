"""Kept for migration 0001, which refers to ``training.models.sessions.new_calendar_token``."""

from training.sessions.models import new_calendar_token

__all__ = ["new_calendar_token"]
