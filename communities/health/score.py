"""The health score and state of every community, computed after the daily figures.

Three set-based queries read what is needed (28-day sums and the 12-week trend from the stored
figures, the presence of owners and managers, the communities), then plain Python ranks each
community against the others of its size class and upserts ``CommunityHealth`` in one statement.

Score (0..100): the mean percentile rank, within the size class, of five components over the last
28 days: activity per member, share of posts without reply (lower is better), median time to a
first answer (lower is better), growth (joins minus leaves per member) and manager actions.

State, first match wins:
* ``orphaned``: no owner or manager who is present: none at all, all deactivated, or none active
  (posted, commented, reacted anywhere or logged in) within ``HEALTH_ORPHAN_INACTIVE_DAYS``;
* ``dormant``: no post, comment or reaction for ``HEALTH_DORMANT_DAYS``;
* ``slowing``: the median week of the last 4 clearly below the median week of the 8 before (at
  most 60 percent of it, with at least 3 activities a week before) and short of the expected
  4-week total by more than two standard deviations (a Poisson test against chance);
* ``thriving``: score of 70 or more; otherwise ``steady``.
"""

from __future__ import annotations

import datetime as dt
import json
from bisect import bisect_left, bisect_right
from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from math import sqrt
from statistics import median
from typing import Any

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone

from communities.health.figures import DayWindow
from communities.health.models import CommunityHealth

State = CommunityHealth.State

#: Size classes by members: (code, lowest member count); a community is in the last class it reaches.
SIZE_CLASSES: tuple[tuple[str, int], ...] = (("xs", 0), ("s", 10), ("m", 50), ("l", 300), ("xl", 1000))
TREND_WEEKS = 12
SCORE_DAYS = 28
THRIVING_SCORE = 70
SLOWING_RATIO = 0.6
SLOWING_MIN_WEEKLY = 3.0
#: Percentile at or above which a component is named as a strength (and at or below 1 - this, a weakness).
STRONG = 0.75


def size_class_for(members: int) -> str:
    code = SIZE_CLASSES[0][0]
    for name, lowest in SIZE_CLASSES:
        if members >= lowest:
            code = name
    return code


_FIGURES_SQL = """
SELECT f.community_id,
       sum(f.posts + f.comments + f.reactions) FILTER (WHERE f.day > %(score_from)s) AS activity,
       sum(f.posts) FILTER (WHERE f.day > %(score_from)s) AS posts,
       sum(f.no_reply_share * f.posts) FILTER (WHERE f.day > %(score_from)s) AS no_reply_posts,
       sum(f.questions) FILTER (WHERE f.day > %(score_from)s) AS questions,
       sum(f.questions_answered) FILTER (WHERE f.day > %(score_from)s) AS answered,
       sum(f.median_first_answer_minutes * f.questions_answered) FILTER (WHERE f.day > %(score_from)s)
           AS answer_minutes_weighted,
       sum(f.joins - f.leaves) FILTER (WHERE f.day > %(score_from)s) AS net_joins,
       sum(f.manager_actions) FILTER (WHERE f.day > %(score_from)s) AS manager_actions,
       max(f.members) FILTER (WHERE f.day = %(day)s) AS members,
       array_agg(ARRAY[(%(day)s - f.day) / 7, f.posts + f.comments + f.reactions]) AS daily
FROM communities_communitydayfigures f
WHERE f.day > %(trend_from)s AND f.day <= %(day)s
GROUP BY f.community_id
"""

_MANAGERS_SQL = """
SELECT m.community_id,
       count(*) AS managers,
       count(*) FILTER (WHERE u.is_active) AS enabled,
       count(*) FILTER (WHERE u.is_active AND (
           u.last_login >= %(cutoff)s
           OR EXISTS (SELECT 1 FROM communities_post p WHERE p.author_id = u.id AND p.created_at >= %(cutoff)s)
           OR EXISTS (SELECT 1 FROM communities_comment c WHERE c.author_id = u.id AND c.created_at >= %(cutoff)s)
           OR EXISTS (SELECT 1 FROM communities_reaction r WHERE r.user_id = u.id AND r.created_at >= %(cutoff)s)
       )) AS present
FROM communities_membership m
JOIN accounts_user u ON u.id = m.user_id
WHERE m.state = 'active' AND m.role IN ('owner', 'manager')
GROUP BY m.community_id
"""

_COMMUNITIES_SQL = """
SELECT id, member_count, last_activity_at FROM communities_community WHERE created_at < %(end)s
"""

_UPSERT_SQL = """
INSERT INTO communities_communityhealth
    (community_id, state, score, size_class, explanation, trend, last_activity_at, computed_at)
SELECT * FROM unnest(
    %(ids)s::bigint[], %(states)s::text[], %(scores)s::smallint[], %(classes)s::text[],
    %(explanations)s::jsonb[], %(trends)s::jsonb[], %(last)s::timestamptz[], %(now)s::timestamptz[]
)
ON CONFLICT (community_id) DO UPDATE SET
    state = EXCLUDED.state, score = EXCLUDED.score, size_class = EXCLUDED.size_class,
    explanation = EXCLUDED.explanation, trend = EXCLUDED.trend,
    last_activity_at = EXCLUDED.last_activity_at, computed_at = EXCLUDED.computed_at
"""


@dataclass
class Inputs:
    """What the score of one community is computed from (also built directly in tests)."""

    community_id: int
    members: int
    last_activity_at: dt.datetime | None
    activity: int = 0
    posts: int = 0
    no_reply_posts: float = 0.0
    questions: int = 0
    answered: int = 0
    answer_minutes_weighted: float = 0.0
    net_joins: int = 0
    manager_actions: int = 0
    trend: list[int] = field(default_factory=lambda: [0] * TREND_WEEKS)
    managers: int = 0
    managers_enabled: int = 0
    managers_present: int = 0

    @property
    def size_class(self) -> str:
        return size_class_for(self.members)

    # Components; ``None`` means "no basis" and ranks in the middle.
    def activity_per_member(self) -> float:
        return self.activity / max(self.members, 1)

    def no_reply_share(self) -> float | None:
        return self.no_reply_posts / self.posts if self.posts else None

    def answer_minutes(self) -> float | None:
        if self.answered:
            return self.answer_minutes_weighted / self.answered
        return float("inf") if self.questions else None

    def growth(self) -> float:
        return self.net_joins / max(self.members, 1)


@dataclass(frozen=True)
class Component:
    key: str
    value: Callable[[Inputs], float | None]
    higher_is_better: bool


COMPONENTS: tuple[Component, ...] = (
    Component("activity", Inputs.activity_per_member, True),
    Component("no_reply", Inputs.no_reply_share, False),
    Component("answer_time", Inputs.answer_minutes, False),
    Component("growth", Inputs.growth, True),
    Component("managers", lambda i: float(i.manager_actions), True),
)


def _percentile(sorted_values: Sequence[float], value: float) -> float:
    """Mid-rank percentile of ``value`` among ``sorted_values`` (0..1; ties share the middle)."""
    n = len(sorted_values)
    if n <= 1:
        return 0.5
    below = bisect_left(sorted_values, value)
    equal = bisect_right(sorted_values, value) - below
    return (below + 0.5 * equal) / n


@dataclass
class Assessment:
    community_id: int
    state: str
    score: int
    size_class: str
    explanation: list[dict[str, Any]]
    trend: list[int]
    last_activity_at: dt.datetime | None


def assess(inputs: Sequence[Inputs], *, as_of: dt.datetime) -> list[Assessment]:
    """Score and classify every community in ``inputs`` against its size class (pure function)."""
    by_class: dict[str, list[Inputs]] = defaultdict(list)
    for item in inputs:
        by_class[item.size_class].append(item)
    sorted_values: dict[tuple[str, str], list[float]] = {}
    for size, items in by_class.items():
        for component in COMPONENTS:
            values = [v for v in (component.value(i) for i in items) if v is not None]
            sorted_values[(size, component.key)] = sorted(values)
    dormant_before = as_of - dt.timedelta(days=settings.HEALTH_DORMANT_DAYS)
    results = []
    for item in inputs:
        size = item.size_class
        ranks: dict[str, float] = {}
        for component in COMPONENTS:
            value = component.value(item)
            if value is None:
                ranks[component.key] = 0.5
                continue
            rank = _percentile(sorted_values[(size, component.key)], value)
            ranks[component.key] = rank if component.higher_is_better else 1.0 - rank
        score = round(100 * sum(ranks.values()) / len(ranks))
        state, reasons = _state(item, score, dormant_before, as_of)
        reasons.append({"code": "compared", "params": {"size_class": size, "peers": len(by_class[size])}})
        reasons.extend(_component_reasons(item, ranks))
        results.append(
            Assessment(item.community_id, state, score, size, reasons, list(item.trend), item.last_activity_at)
        )
    return results


def _state(
    item: Inputs, score: int, dormant_before: dt.datetime, as_of: dt.datetime
) -> tuple[str, list[dict[str, Any]]]:
    params: dict[str, Any]
    if item.managers_present == 0:
        if item.managers == 0:
            code, params = "orphaned_no_manager", {}
        elif item.managers_enabled == 0:
            code, params = "orphaned_deactivated", {}
        else:
            code, params = "orphaned_inactive", {"days": settings.HEALTH_ORPHAN_INACTIVE_DAYS}
        return State.ORPHANED, [{"code": code, "params": params}]
    if item.last_activity_at is None or item.last_activity_at < dormant_before:
        days = (as_of - item.last_activity_at).days if item.last_activity_at else None
        return State.DORMANT, [{"code": "dormant", "params": {"days": days, "limit": settings.HEALTH_DORMANT_DAYS}}]
    # Medians, not means: one busy week (an announcement, an event) must not make the weeks after
    # it look like a decline.
    before = float(median(item.trend[: TREND_WEEKS - 4]))
    recent = float(median(item.trend[TREND_WEEKS - 4 :]))
    # And beyond chance: small communities have noisy weeks, so the last 4 weeks must also fall
    # more than two standard deviations (Poisson) short of what the 8 weeks before lead to expect.
    expected = 4 * sum(item.trend[: TREND_WEEKS - 4]) / (TREND_WEEKS - 4)
    shortfall = expected - sum(item.trend[TREND_WEEKS - 4 :])
    if before >= SLOWING_MIN_WEEKLY and recent <= SLOWING_RATIO * before and shortfall > 2 * sqrt(expected):
        slowing = {
            "before": round(before, 1),
            "recent": round(recent, 1),
            "percent": round(100 * (1 - recent / before)),
        }
        return State.SLOWING, [{"code": "slowing", "params": slowing}]
    if score >= THRIVING_SCORE:
        return State.THRIVING, [{"code": "thriving", "params": {"score": score}}]
    return State.STEADY, [{"code": "steady", "params": {"score": score}}]


def _component_reasons(item: Inputs, ranks: dict[str, float]) -> list[dict[str, Any]]:
    reasons: list[dict[str, Any]] = []

    def add(key: str, good: str, bad: str, params: dict[str, Any]) -> None:
        if ranks[key] >= STRONG:
            reasons.append({"code": good, "params": params})
        elif ranks[key] <= 1 - STRONG:
            reasons.append({"code": bad, "params": params})

    add("activity", "activity_high", "activity_low", {"per_member": round(item.activity_per_member(), 1)})
    share = item.no_reply_share()
    if share is not None:
        add("no_reply", "no_reply_low", "no_reply_high", {"percent": round(100 * share)})
    minutes = item.answer_minutes()
    if minutes is not None:
        if minutes == float("inf"):
            if ranks["answer_time"] <= 1 - STRONG:
                reasons.append({"code": "questions_unanswered", "params": {"questions": item.questions}})
        else:
            add("answer_time", "answers_fast", "answers_slow", {"minutes": round(minutes)})
    # Joins and leaves are counts of people: only their direction goes into the explanation.
    add("growth", "growing", "shrinking", {})
    add("managers", "managers_active", "managers_quiet", {"actions": item.manager_actions})
    return reasons


def collect_inputs(day: dt.date) -> list[Inputs]:
    """Read the inputs of every community existing at the end of ``day`` (three queries)."""
    window = DayWindow.for_day(day)
    params: dict[str, Any] = {
        "day": day,
        "score_from": day - dt.timedelta(days=SCORE_DAYS),
        "trend_from": day - dt.timedelta(days=7 * TREND_WEEKS),
        "end": window.end,
        "cutoff": window.end - dt.timedelta(days=settings.HEALTH_ORPHAN_INACTIVE_DAYS),
    }
    with transaction.atomic(), connection.cursor() as cursor:
        # High cost estimates would make PostgreSQL JIT-compile these; that takes seconds, the
        # queries themselves well under one (see ``figures``).
        cursor.execute("SET LOCAL jit = off")
        cursor.execute(_COMMUNITIES_SQL, params)
        inputs = {cid: Inputs(cid, members, last) for cid, members, last in cursor.fetchall()}
        cursor.execute(_FIGURES_SQL, params)
        for row in cursor.fetchall():
            item = inputs.get(row[0])
            if item is None:
                continue
            (_cid, activity, posts, no_reply, questions, answered, weighted, net, manager, members, daily) = row
            item.activity, item.posts = int(activity or 0), int(posts or 0)
            item.no_reply_posts, item.questions = float(no_reply or 0), int(questions or 0)
            item.answered, item.answer_minutes_weighted = int(answered or 0), float(weighted or 0)
            item.net_joins, item.manager_actions = int(net or 0), int(manager or 0)
            if members is not None:
                item.members = int(members)
            trend = [0] * TREND_WEEKS
            for weeks_ago, amount in daily:
                if 0 <= weeks_ago < TREND_WEEKS:
                    trend[TREND_WEEKS - 1 - weeks_ago] += int(amount)
            item.trend = trend
        cursor.execute(_MANAGERS_SQL, params)
        for cid, managers, enabled, present in cursor.fetchall():
            if cid in inputs:
                inputs[cid].managers, inputs[cid].managers_enabled, inputs[cid].managers_present = (
                    managers,
                    enabled,
                    present,
                )
    return list(inputs.values())


def health_compute(day: dt.date) -> int:
    """Recompute ``CommunityHealth`` for every community as of the end of ``day``; returns rows."""
    as_of = min(DayWindow.for_day(day).end, timezone.now())
    results = assess(collect_inputs(day), as_of=as_of)
    if not results:
        return 0
    now = timezone.now()
    params: dict[str, Any] = {
        "ids": [r.community_id for r in results],
        "states": [r.state for r in results],
        "scores": [r.score for r in results],
        "classes": [r.size_class for r in results],
        "explanations": [json.dumps(r.explanation) for r in results],
        "trends": [json.dumps(r.trend) for r in results],
        "last": [r.last_activity_at for r in results],
        "now": [now] * len(results),
    }
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(_UPSERT_SQL, params)
    return len(results)
