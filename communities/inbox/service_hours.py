"""Service-level arithmetic: time that counts only within a community's service hours.

Pure functions over aware datetimes, no database and no clock: the caller passes ``now``. Service
hours are one daily window (for example 08:00-24:00) on a set of weekdays, in the community's time
zone. Durations are real elapsed time, so a window on the night clocks change is an hour shorter or
longer; a window bound that falls into a skipped hour is read with the offset before the change.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from zoneinfo import ZoneInfo

MINUTES_PER_DAY = 24 * 60
#: Weekday numbers as ``date.weekday()`` gives them: Monday is 0.
ALL_DAYS = frozenset(range(7))


@dataclass(frozen=True)
class ServiceHours:
    """A daily window ``[start_minute, end_minute)`` after local midnight, on ``days``, in ``tz``.

    ``end_minute`` may be 1440 (the window runs to midnight).
    """

    tz: ZoneInfo
    days: frozenset[int] = ALL_DAYS
    start_minute: int = 8 * 60
    end_minute: int = MINUTES_PER_DAY

    def __post_init__(self) -> None:
        if not 0 <= self.start_minute < self.end_minute <= MINUTES_PER_DAY:
            raise ValueError("Service hours need 0 <= start < end <= 24:00.")
        if not self.days or not self.days <= ALL_DAYS:
            raise ValueError("Service hours need at least one weekday (0 = Monday ... 6 = Sunday).")

    @classmethod
    def build(cls, *, tz: str, days: Iterable[int], start_hour: int, end_hour: int) -> ServiceHours:
        return cls(tz=ZoneInfo(tz), days=frozenset(days), start_minute=start_hour * 60, end_minute=end_hour * 60)

    def window(self, day: dt.date) -> tuple[dt.datetime, dt.datetime] | None:
        """The service window of the local calendar ``day`` as aware UTC datetimes, or ``None``."""
        if day.weekday() not in self.days:
            return None
        midnight = dt.datetime.combine(day, dt.time(0), tzinfo=self.tz)
        return self._at(midnight, self.start_minute), self._at(midnight, self.end_minute)

    def _at(self, midnight: dt.datetime, minute: int) -> dt.datetime:
        # Wall-clock arithmetic on the local date, then to UTC: "08:00" stays 08:00 across a change.
        if minute == MINUTES_PER_DAY:
            local = dt.datetime.combine(midnight.date() + dt.timedelta(days=1), dt.time(0), tzinfo=self.tz)
        else:
            local = midnight.replace(hour=minute // 60, minute=minute % 60)
        return local.astimezone(dt.UTC)

    def windows_from(self, moment: dt.datetime) -> Iterator[tuple[dt.datetime, dt.datetime]]:
        """Windows that end after ``moment``, in order (starting with the one of ``moment``'s day)."""
        day = moment.astimezone(self.tz).date()
        while True:
            window = self.window(day)
            if window is not None and window[1] > moment:
                yield window
            day += dt.timedelta(days=1)


def _require_aware(*moments: dt.datetime) -> None:
    for moment in moments:
        if moment.tzinfo is None or moment.utcoffset() is None:
            raise ValueError("Service-hour arithmetic needs aware datetimes.")


def add_service_time(start: dt.datetime, duration: dt.timedelta, hours: ServiceHours) -> dt.datetime:
    """The moment when ``duration`` of service time has passed, counting from ``start``.

    Time outside the windows does not count: an item opened on Saturday night with a Monday-to-
    Friday window starts its clock on Monday morning. A zero duration gives the next moment that
    lies inside the service hours (``start`` itself when it does). Returns an aware UTC datetime.
    """
    _require_aware(start)
    if duration < dt.timedelta(0):
        raise ValueError("The duration cannot be negative.")
    remaining = duration
    for window_start, window_end in hours.windows_from(start):
        begin = max(window_start, start)
        available = window_end - begin
        if remaining <= available:
            return begin + remaining
        remaining -= available
    raise AssertionError("unreachable: windows_from() never ends")  # pragma: no cover


def service_time_between(start: dt.datetime, end: dt.datetime, hours: ServiceHours) -> dt.timedelta:
    """Service time that lies in ``[start, end)``; negative when ``end`` is before ``start``."""
    _require_aware(start, end)
    if end < start:
        return -service_time_between(end, start, hours)
    total = dt.timedelta(0)
    for window_start, window_end in hours.windows_from(start):
        if window_start >= end:
            break
        total += min(window_end, end) - max(window_start, start)
    return total
