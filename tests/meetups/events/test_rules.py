"""Recurrence rules in words (English and German) and the picker's round trip to the RRULE."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from django.utils import translation

from meetups.events.rules import Ends, Pattern, Repeat, describe_rule, pattern_to_rule, rule_to_pattern

BERLIN = ZoneInfo("Europe/Berlin")
NEW_YORK = ZoneInfo("America/New_York")

WORDS = [
    ("FREQ=MONTHLY;BYDAY=+2TH", "monthly on the second Thursday", "jeden zweiten Donnerstag im Monat"),
    ("RRULE:FREQ=MONTHLY;BYDAY=2TH", "monthly on the second Thursday", "jeden zweiten Donnerstag im Monat"),
    ("FREQ=MONTHLY;BYDAY=-1FR", "monthly on the last Friday", "jeden letzten Freitag im Monat"),
    ("FREQ=MONTHLY;BYDAY=+1MO", "monthly on the first Monday", "jeden ersten Montag im Monat"),
    ("FREQ=MONTHLY;BYDAY=TU;BYSETPOS=3", "monthly on the third Tuesday", "jeden dritten Dienstag im Monat"),
    ("FREQ=MONTHLY;BYDAY=-2WE", "monthly on the second to last Wednesday", "jeden vorletzten Mittwoch im Monat"),
    (
        "FREQ=MONTHLY;INTERVAL=3;BYDAY=+4SA",
        "every 3 months on the fourth Saturday",
        "alle 3 Monate am vierten Samstag",
    ),
    ("FREQ=WEEKLY;BYDAY=TH", "weekly on Thursday", "jeden Donnerstag"),
    ("FREQ=WEEKLY;BYDAY=MO,TH", "weekly on Monday and Thursday", "jeden Montag und Donnerstag"),
    (
        "FREQ=WEEKLY;BYDAY=FR,MO,WE",
        "weekly on Monday, Wednesday and Friday",
        "jeden Montag, Mittwoch und Freitag",
    ),
    ("FREQ=WEEKLY;INTERVAL=2;BYDAY=TH", "every other week on Thursday", "alle zwei Wochen am Donnerstag"),
    ("FREQ=WEEKLY;INTERVAL=4;BYDAY=WE", "every 4 weeks on Wednesday", "alle 4 Wochen am Mittwoch"),
    ("FREQ=WEEKLY", "weekly", "wöchentlich"),
    ("FREQ=WEEKLY;INTERVAL=3", "every 3 weeks", "alle 3 Wochen"),
    ("FREQ=MONTHLY;BYMONTHDAY=15", "monthly on day 15", "monatlich am 15."),
    ("FREQ=MONTHLY;BYMONTHDAY=-1", "monthly on the last day", "monatlich am letzten Tag"),
    ("FREQ=MONTHLY;INTERVAL=2;BYMONTHDAY=1", "every 2 months on day 1", "alle 2 Monate am 1."),
    ("FREQ=MONTHLY", "monthly", "monatlich"),
    ("FREQ=DAILY", "daily", "täglich"),
    ("FREQ=DAILY;INTERVAL=3", "every 3 days", "alle 3 Tage"),
    ("FREQ=YEARLY", "yearly", "jährlich"),
    (
        "FREQ=MONTHLY;BYDAY=+2TH;COUNT=10",
        "monthly on the second Thursday, 10 times",
        "jeden zweiten Donnerstag im Monat, 10-mal",
    ),
    ("FREQ=WEEKLY;BYDAY=FR;COUNT=1", "weekly on Friday, 1 time", "jeden Freitag, 1-mal"),
    (
        "FREQ=MONTHLY;BYDAY=-1FR;UNTIL=20271231T225959Z",
        "monthly on the last Friday, until 31 Dec 2027",
        "jeden letzten Freitag im Monat, bis 31. Dezember 2027",
    ),
    ("FREQ=YEARLY;BYMONTH=3", "custom rule: FREQ=YEARLY;BYMONTH=3", "eigene Regel: FREQ=YEARLY;BYMONTH=3"),
    ("FREQ=SOMETIMES", "custom rule: FREQ=SOMETIMES", "eigene Regel: FREQ=SOMETIMES"),
    ("not a rule at all", "custom rule: not a rule at all", "eigene Regel: not a rule at all"),
]


@pytest.mark.parametrize(("rule", "english", "german"), WORDS, ids=[w[0] for w in WORDS])
def test_rule_in_words_in_both_languages(rule: str, english: str, german: str) -> None:
    with translation.override("en"):
        assert describe_rule(rule, zone=BERLIN) == english
    with translation.override("de"):
        assert describe_rule(rule, zone=BERLIN) == german


def test_end_date_is_the_local_day_of_the_series_zone() -> None:
    # 04:59 UTC on 1 January is still 31 December in New York.
    rule = "FREQ=WEEKLY;BYDAY=MO;UNTIL=20280101T045959Z"
    with translation.override("en"):
        assert describe_rule(rule, zone=NEW_YORK) == "weekly on Monday, until 31 Dec 2027"
    assert rule_to_pattern(rule, zone=NEW_YORK) == Pattern(
        repeat=Repeat.WEEKLY, weekdays=(0,), ends=Ends.UNTIL, until=dt.date(2027, 12, 31)
    )


PATTERNS = [
    (Pattern(repeat=Repeat.NONE), ""),
    (Pattern(repeat=Repeat.WEEKLY, weekdays=(4,)), "FREQ=WEEKLY;BYDAY=FR"),
    (Pattern(repeat=Repeat.WEEKLY, interval=2, weekdays=(0, 3)), "FREQ=WEEKLY;INTERVAL=2;BYDAY=MO,TH"),
    (Pattern(repeat=Repeat.MONTHLY_WEEKDAY, weekdays=(3,), ordinal=2), "FREQ=MONTHLY;BYDAY=+2TH"),
    (Pattern(repeat=Repeat.MONTHLY_WEEKDAY, weekdays=(4,), ordinal=-1), "FREQ=MONTHLY;BYDAY=-1FR"),
    (Pattern(repeat=Repeat.MONTHLY_DAY, month_day=15), "FREQ=MONTHLY;BYMONTHDAY=15"),
    (Pattern(repeat=Repeat.MONTHLY_DAY, month_day=-1), "FREQ=MONTHLY;BYMONTHDAY=-1"),
    (
        Pattern(repeat=Repeat.WEEKLY, weekdays=(2,), ends=Ends.COUNT, count=12),
        "FREQ=WEEKLY;BYDAY=WE;COUNT=12",
    ),
    (
        # Winter in Berlin: the end of 31 December is 22:59:59 UTC.
        Pattern(repeat=Repeat.MONTHLY_WEEKDAY, weekdays=(1,), ordinal=1, ends=Ends.UNTIL, until=dt.date(2027, 12, 31)),
        "FREQ=MONTHLY;BYDAY=+1TU;UNTIL=20271231T225959Z",
    ),
    (
        # Summer time: 21:59:59 UTC.
        Pattern(repeat=Repeat.MONTHLY_DAY, month_day=1, ends=Ends.UNTIL, until=dt.date(2027, 7, 31)),
        "FREQ=MONTHLY;BYMONTHDAY=1;UNTIL=20270731T215959Z",
    ),
]


@pytest.mark.parametrize(("pattern", "rule"), PATTERNS, ids=[p[1] or "none" for p in PATTERNS])
def test_picker_round_trip(pattern: Pattern, rule: str) -> None:
    assert pattern_to_rule(pattern, zone=BERLIN) == rule
    assert rule_to_pattern(rule, zone=BERLIN) == pattern


@pytest.mark.parametrize(
    "rule",
    [
        "FREQ=DAILY",
        "FREQ=YEARLY",
        "FREQ=MONTHLY;BYDAY=+5TH",
        "FREQ=MONTHLY;BYDAY=MO,TU",
        "FREQ=MONTHLY;INTERVAL=2;BYDAY=+1MO",
        "FREQ=WEEKLY;BYDAY=+1MO",
        "FREQ=WEEKLY;INTERVAL=40;BYDAY=MO",
        "FREQ=MONTHLY;BYMONTHDAY=1,15",
        "FREQ=MONTHLY;BYDAY=TH;BYSETPOS=2",
        "FREQ=WEEKLY;BYDAY=MO;BYHOUR=9",
        "FREQ=WEEKLY;BYDAY=XX",
        "garbage",
    ],
)
def test_rules_the_picker_cannot_show_stay_custom(rule: str) -> None:
    assert rule_to_pattern(rule, zone=BERLIN) is None
