"""Recurrence rules for people: the picker's pattern, the RRULE it stands for, and the rule in words.

The series keeps an iCalendar RRULE (``FREQ=MONTHLY;BYDAY=+2TH``): it is what calendars and
``dateutil`` understand. Coordinators never type it: the series form offers a :class:`Pattern`
(weekly, every N weeks, monthly on the Nth or last weekday, monthly on a day) with an end (never,
until a date, after a number of dates), and :func:`pattern_to_rule` / :func:`rule_to_pattern` turn
one into the other. Everyone else reads :func:`describe_rule`: "monthly on the second Thursday",
"jeden zweiten Donnerstag im Monat". A rule the picker cannot show (written before it existed, or
imported) is kept as it is and still described as far as the words reach.

Pure functions: no queries, no settings; the words follow the active language.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo

from django.db import models
from django.utils.dates import WEEKDAYS
from django.utils.formats import date_format
from django.utils.text import format_lazy
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext, pgettext, pgettext_lazy

#: iCalendar weekday codes in ``datetime.weekday()`` order (Monday is 0).
DAY_CODES = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")
MAX_INTERVAL = 12
MAX_COUNT = 500


class Repeat(models.TextChoices):
    NONE = "none", gettext_lazy("Does not repeat")
    WEEKLY = "weekly", gettext_lazy("Weekly or every few weeks")
    MONTHLY_WEEKDAY = "monthly_weekday", gettext_lazy("Monthly on a weekday")
    MONTHLY_DAY = "monthly_day", gettext_lazy("Monthly on a day of the month")
    CUSTOM = "custom", gettext_lazy("Custom rule (RRULE)")


class Ends(models.TextChoices):
    NEVER = "never", gettext_lazy("Never")
    UNTIL = "until", gettext_lazy("On a date")
    COUNT = "count", gettext_lazy("After a number of dates")


#: The positions a monthly weekday can take: the first to fourth, and the last of the month.
ORDINAL_CHOICES = [
    (1, pgettext_lazy("recurrence picker", "first")),
    (2, pgettext_lazy("recurrence picker", "second")),
    (3, pgettext_lazy("recurrence picker", "third")),
    (4, pgettext_lazy("recurrence picker", "fourth")),
    (-1, pgettext_lazy("recurrence picker", "last")),
]
#: Days of the month the picker offers: 1 to 31 (months without the day are skipped), and the last.
MONTH_DAY_CHOICES = [
    *((day, format_lazy("{}", day)) for day in range(1, 32)),
    (-1, pgettext_lazy("day of the month", "last day")),
]


@dataclass(frozen=True)
class Pattern:
    """What the series form's picker shows; ``weekdays`` are ``datetime.weekday()`` numbers."""

    repeat: str = Repeat.NONE
    interval: int = 1
    weekdays: tuple[int, ...] = ()
    ordinal: int = 1
    month_day: int = 1
    ends: str = Ends.NEVER
    until: dt.date | None = None
    count: int | None = None


@dataclass
class RuleParts:
    """The parts of one RRULE line, parsed without judging them."""

    freq: str = ""
    interval: int = 1
    # (position or None, weekday number)
    by_day: list[tuple[int | None, int]] = field(default_factory=list)
    by_month_day: list[int] = field(default_factory=list)
    by_set_pos: list[int] = field(default_factory=list)
    count: int | None = None
    until: dt.datetime | dt.date | None = None
    other: dict[str, str] = field(default_factory=dict)


_BYDAY = re.compile(r"^([+-]?\d{1,2})?(MO|TU|WE|TH|FR|SA|SU)$")
_KNOWN = {"FREQ", "INTERVAL", "BYDAY", "BYMONTHDAY", "BYSETPOS", "COUNT", "UNTIL", "WKST"}


def _ints(value: str) -> list[int]:
    return [int(v) for v in value.split(",") if v]


def _parse_until(value: str) -> dt.datetime | dt.date:
    if "T" not in value:
        return dt.datetime.strptime(value, "%Y%m%d").date()
    if value.endswith("Z"):
        return dt.datetime.strptime(value, "%Y%m%dT%H%M%SZ").replace(tzinfo=dt.UTC)
    return dt.datetime.strptime(value, "%Y%m%dT%H%M%S")


def parse_parts(rule: str) -> RuleParts | None:
    """The parts of ``rule`` (with or without ``RRULE:``); ``None`` if it is not one readable line."""
    text = rule.strip().upper()
    if text.startswith("RRULE:"):
        text = text[len("RRULE:") :]
    if not text or "\n" in text:
        return None
    parts = RuleParts()
    try:
        for item in text.split(";"):
            if not item:
                continue
            key, _sep, value = item.partition("=")
            if key == "FREQ":
                parts.freq = value
            elif key == "INTERVAL":
                parts.interval = int(value)
            elif key == "BYDAY":
                for code in value.split(","):
                    match = _BYDAY.match(code)
                    if match is None:
                        return None
                    position = int(match.group(1)) if match.group(1) else None
                    parts.by_day.append((position, DAY_CODES.index(match.group(2))))
            elif key == "BYMONTHDAY":
                parts.by_month_day = _ints(value)
            elif key == "BYSETPOS":
                parts.by_set_pos = _ints(value)
            elif key == "COUNT":
                parts.count = int(value)
            elif key == "UNTIL":
                parts.until = _parse_until(value)
            elif key != "WKST":
                parts.other[key] = value
    except ValueError:
        return None
    if not parts.freq or parts.interval < 1:
        return None
    return parts


# Pattern <-> rule ---------------------------------------------------------------------------------


def _until_utc(day: dt.date, zone: ZoneInfo) -> str:
    """The end of ``day`` in the series' zone, in UTC as iCalendar wants it with a zoned start."""
    end = dt.datetime.combine(day, dt.time(23, 59, 59), tzinfo=zone).astimezone(dt.UTC)
    return end.strftime("%Y%m%dT%H%M%SZ")


def pattern_to_rule(pattern: Pattern, *, zone: ZoneInfo) -> str:
    """The RRULE of a picker pattern ("" for no repetition). The pattern is assumed valid (the
    form checks ranges); ``zone`` places the end date."""
    if pattern.repeat == Repeat.NONE:
        return ""
    if pattern.repeat == Repeat.WEEKLY:
        items = ["FREQ=WEEKLY"]
        if pattern.interval > 1:
            items.append(f"INTERVAL={pattern.interval}")
        items.append("BYDAY=" + ",".join(DAY_CODES[d] for d in sorted(set(pattern.weekdays))))
    elif pattern.repeat == Repeat.MONTHLY_WEEKDAY:
        (weekday,) = pattern.weekdays[:1] or (0,)
        items = ["FREQ=MONTHLY", f"BYDAY={pattern.ordinal:+d}{DAY_CODES[weekday]}"]
    elif pattern.repeat == Repeat.MONTHLY_DAY:
        items = ["FREQ=MONTHLY", f"BYMONTHDAY={pattern.month_day}"]
    else:
        raise ValueError(f"not a picker pattern: {pattern.repeat}")
    if pattern.ends == Ends.UNTIL and pattern.until:
        items.append(f"UNTIL={_until_utc(pattern.until, zone)}")
    elif pattern.ends == Ends.COUNT and pattern.count:
        items.append(f"COUNT={pattern.count}")
    return ";".join(items)


def _until_day(until: dt.datetime | dt.date, zone: ZoneInfo) -> dt.date:
    if isinstance(until, dt.datetime):
        if until.tzinfo is None:
            return until.date()
        return until.astimezone(zone).date()
    return until


def rule_to_pattern(rule: str, *, zone: ZoneInfo) -> Pattern | None:
    """The picker pattern showing ``rule``, or ``None`` when only the custom rule field can."""
    if not rule.strip():
        return Pattern(repeat=Repeat.NONE)
    parts = parse_parts(rule)
    if parts is None or parts.other or parts.by_set_pos or (parts.count and parts.until):
        return None
    ends: dict[str, object] = {}
    if parts.count:
        ends = {"ends": Ends.COUNT, "count": parts.count}
    elif parts.until:
        ends = {"ends": Ends.UNTIL, "until": _until_day(parts.until, zone)}
    if parts.interval > MAX_INTERVAL or (parts.count or 0) > MAX_COUNT:
        return None
    if parts.freq == "WEEKLY" and parts.by_day and not parts.by_month_day:
        if any(position is not None for position, _day in parts.by_day):
            return None
        days = tuple(sorted({day for _position, day in parts.by_day}))
        return Pattern(repeat=Repeat.WEEKLY, interval=parts.interval, weekdays=days, **ends)  # type: ignore[arg-type]
    if parts.freq != "MONTHLY" or parts.interval != 1:
        return None
    if len(parts.by_day) == 1 and not parts.by_month_day:
        position, day = parts.by_day[0]
        if position not in (1, 2, 3, 4, -1):
            return None
        return Pattern(repeat=Repeat.MONTHLY_WEEKDAY, weekdays=(day,), ordinal=position, **ends)  # type: ignore[arg-type]
    if len(parts.by_month_day) == 1 and not parts.by_day:
        (day,) = parts.by_month_day
        if not (1 <= day <= 31 or day == -1):
            return None
        return Pattern(repeat=Repeat.MONTHLY_DAY, month_day=day, **ends)  # type: ignore[arg-type]
    return None


# Words -------------------------------------------------------------------------------------------


def _weekday(day: int) -> str:
    return str(WEEKDAYS[day])


def _weekday_list(days: list[int]) -> str:
    names = [_weekday(d) for d in sorted(set(days))]
    if len(names) == 1:
        return names[0]
    return _("%(items)s and %(last)s") % {"items": ", ".join(names[:-1]), "last": names[-1]}


def _ordinal(position: int) -> str | None:
    words = {
        1: pgettext("weekday of the month", "first"),
        2: pgettext("weekday of the month", "second"),
        3: pgettext("weekday of the month", "third"),
        4: pgettext("weekday of the month", "fourth"),
        5: pgettext("weekday of the month", "fifth"),
        -1: pgettext("weekday of the month", "last"),
        -2: pgettext("weekday of the month", "second to last"),
    }
    return words.get(position)


def _daily(parts: RuleParts) -> str | None:
    if parts.by_day or parts.by_month_day:
        return None
    if parts.interval == 1:
        return _("daily")
    return ngettext("every %(n)d day", "every %(n)d days", parts.interval) % {"n": parts.interval}


def _weekly(parts: RuleParts) -> str | None:
    if parts.by_month_day or any(position is not None for position, _day in parts.by_day):
        return None
    n = parts.interval
    if not parts.by_day:
        if n == 1:
            return _("weekly")
        return ngettext("every %(n)d week", "every %(n)d weeks", n) % {"n": n}
    days = _weekday_list([day for _position, day in parts.by_day])
    if n == 1:
        return _("weekly on %(days)s") % {"days": days}
    if n == 2:
        return _("every other week on %(days)s") % {"days": days}
    return ngettext("every %(n)d week on %(days)s", "every %(n)d weeks on %(days)s", n) % {"n": n, "days": days}


def _monthly_weekday(parts: RuleParts) -> str | None:
    if len(parts.by_day) != 1 or parts.by_month_day:
        return None
    position, day = parts.by_day[0]
    if parts.by_set_pos:
        if position is not None or len(parts.by_set_pos) != 1:
            return None
        position = parts.by_set_pos[0]
    if position is None:
        return None
    ordinal = _ordinal(position)
    if ordinal is None:
        return None
    values = {"ordinal": ordinal, "weekday": _weekday(day), "n": parts.interval}
    if parts.interval == 1:
        return _("monthly on the %(ordinal)s %(weekday)s") % values
    return (
        ngettext(
            "every %(n)d month on the %(ordinal)s %(weekday)s",
            "every %(n)d months on the %(ordinal)s %(weekday)s",
            parts.interval,
        )
        % values
    )


def _monthly_day(parts: RuleParts) -> str | None:
    if len(parts.by_month_day) != 1 or parts.by_day or parts.by_set_pos:
        return None
    (day,) = parts.by_month_day
    n = parts.interval
    if day == -1:
        if n == 1:
            return _("monthly on the last day")
        return ngettext("every %(n)d month on the last day", "every %(n)d months on the last day", n) % {"n": n}
    if not 1 <= day <= 31:
        return None
    if n == 1:
        return _("monthly on day %(day)d") % {"day": day}
    return ngettext("every %(n)d month on day %(day)d", "every %(n)d months on day %(day)d", n) % {"n": n, "day": day}


def _monthly(parts: RuleParts) -> str | None:
    if parts.by_day:
        return _monthly_weekday(parts)
    if parts.by_month_day:
        return _monthly_day(parts)
    if parts.by_set_pos:
        return None
    if parts.interval == 1:
        return _("monthly")
    return ngettext("every %(n)d month", "every %(n)d months", parts.interval) % {"n": parts.interval}


def _yearly(parts: RuleParts) -> str | None:
    if parts.by_day or parts.by_month_day or parts.by_set_pos:
        return None
    if parts.interval == 1:
        return _("yearly")
    return ngettext("every %(n)d year", "every %(n)d years", parts.interval) % {"n": parts.interval}


_FREQUENCIES = {"DAILY": _daily, "WEEKLY": _weekly, "MONTHLY": _monthly, "YEARLY": _yearly}


def describe_rule(rule: str, *, zone: ZoneInfo | None = None) -> str:
    """``rule`` in words of the active language, with its end ("…, until 31 Dec 2027", "…, 10 times").

    ``zone`` is the series' time zone (for the end date); a rule beyond the words is shown as
    "custom rule: FREQ=…" rather than guessed at.
    """
    parts = parse_parts(rule)
    words = None
    if parts is not None and not parts.other:
        describe = _FREQUENCIES.get(parts.freq)
        words = describe(parts) if describe else None
    if parts is None or words is None:
        return _("custom rule: %(rule)s") % {"rule": rule.strip()}
    if parts.count:
        return ngettext("%(rule)s, %(count)d time", "%(rule)s, %(count)d times", parts.count) % {
            "rule": words,
            "count": parts.count,
        }
    if parts.until:
        day = _until_day(parts.until, zone or ZoneInfo("UTC"))
        return _("%(rule)s, until %(date)s") % {"rule": words, "date": date_format(day, "DATE_FORMAT")}
    return words
