"""The daily figures job: one set-based ``INSERT ... SELECT`` per day for every community at once.

A day is a calendar day in the site's time zone (``TIME_ZONE``). The statement only reads rows of
that day (and, for active members, of the 30 days up to it), so a nightly run costs the same on a
young and an old installation, and it upserts on ``(community_id, day)``, so running it again for
the same day (or any past day) rewrites the same rows instead of adding new ones.

Definitions (shown to managers on the "What is measured" page, keep them in sync):

* ``members``: active memberships at the end of the day: today's stored ``member_count`` minus the
  joins plus the leaves recorded after that day (``MembershipEvent``).
* ``joins`` / ``leaves``: membership events of the day; a leave is leaving, a removal or a ban of an
  active member (a withdrawn request or a ban of an outsider is none).
* ``active_7d`` / ``active_30d``: distinct people who posted, commented or reacted in the community
  in the 7 / 30 days up to and including the day.
* ``posts``, ``comments``, ``reactions``, ``questions``: published, not deleted, created that day.
* ``questions_answered``: questions whose first answer (a comment by someone other than the asker)
  was written that day; ``median_first_answer_minutes`` is the median time from question to that
  first answer over those questions.
* ``no_reply_share``: share of the day's posts without a comment by anyone but the author, as of
  the time of computation (a rerun later may find fewer unanswered posts).
* ``manager_actions``: posts and comments of the day by the community's current owners, managers
  and moderators, plus the audit-logged actions they took in the community that day.
"""

from __future__ import annotations

import datetime as dt
import zoneinfo
from dataclasses import dataclass

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone

from communities.health.models import CommunityDayFigures

FIGURE_COLUMNS = (
    "members",
    "joins",
    "leaves",
    "active_7d",
    "active_30d",
    "posts",
    "comments",
    "reactions",
    "questions",
    "questions_answered",
    "median_first_answer_minutes",
    "no_reply_share",
    "manager_actions",
)

# Published and not deleted; the same filter as the community stream.
_VISIBLE = "{t}.status = 'published' AND {t}.deleted_at IS NULL"

_SQL = f"""
WITH
day_posts AS (
    SELECT p.id, p.community_id, p.author_id, p.kind
    FROM communities_post p
    WHERE p.created_at >= %(start)s AND p.created_at < %(end)s AND {_VISIBLE.format(t="p")}
),
post_figures AS (
    SELECT dp.community_id,
           count(*) AS posts,
           count(*) FILTER (WHERE dp.kind = 'question') AS questions,
           count(*) FILTER (WHERE NOT EXISTS (
               SELECT 1 FROM communities_comment r
               WHERE r.post_id = dp.id AND r.author_id <> dp.author_id AND {_VISIBLE.format(t="r")}
           )) AS no_reply
    FROM day_posts dp
    GROUP BY dp.community_id
),
day_comments AS (
    SELECT c.id, c.post_id, c.author_id, c.created_at, p.community_id, p.kind,
           p.author_id AS asker_id, p.created_at AS asked_at
    FROM communities_comment c
    JOIN communities_post p ON p.id = c.post_id AND {_VISIBLE.format(t="p")}
    WHERE c.created_at >= %(start)s AND c.created_at < %(end)s AND {_VISIBLE.format(t="c")}
),
comment_figures AS (
    SELECT community_id, count(*) AS comments FROM day_comments GROUP BY community_id
),
first_answers AS (
    SELECT dc.community_id, extract(epoch FROM dc.created_at - dc.asked_at) / 60.0 AS minutes
    FROM day_comments dc
    WHERE dc.kind = 'question' AND dc.author_id <> dc.asker_id
      AND NOT EXISTS (
          SELECT 1 FROM communities_comment e
          WHERE e.post_id = dc.post_id AND e.author_id <> dc.asker_id AND {_VISIBLE.format(t="e")}
            AND (e.created_at, e.id) < (dc.created_at, dc.id)
      )
),
answer_figures AS (
    SELECT community_id, count(*) AS answered,
           round(percentile_cont(0.5) WITHIN GROUP (ORDER BY minutes))::integer AS median_minutes
    FROM first_answers GROUP BY community_id
),
window_reactions AS (
    -- Scalar subqueries: one primary-key lookup per reaction of the window, instead of hashing
    -- every post and comment of the installation.
    SELECT r.user_id, r.created_at,
           CASE WHEN r.post_id IS NOT NULL THEN (
               SELECT p.community_id FROM communities_post p WHERE p.id = r.post_id AND {_VISIBLE.format(t="p")}
           ) ELSE (
               SELECT p.community_id FROM communities_comment c
               JOIN communities_post p ON p.id = c.post_id AND {_VISIBLE.format(t="p")}
               WHERE c.id = r.comment_id AND {_VISIBLE.format(t="c")}
           ) END AS community_id
    FROM communities_reaction r
    WHERE r.created_at >= %(start30)s AND r.created_at < %(end)s
),
reaction_figures AS (
    SELECT community_id, count(*) AS reactions
    FROM window_reactions
    WHERE created_at >= %(start)s AND community_id IS NOT NULL
    GROUP BY community_id
),
activity AS (
    SELECT p.community_id, p.author_id AS user_id, p.created_at
    FROM communities_post p
    WHERE p.created_at >= %(start30)s AND p.created_at < %(end)s AND {_VISIBLE.format(t="p")}
    UNION ALL
    SELECT wc.community_id, wc.author_id, wc.created_at
    FROM (
        SELECT c.author_id, c.created_at, (
            SELECT p.community_id FROM communities_post p WHERE p.id = c.post_id AND {_VISIBLE.format(t="p")}
        ) AS community_id
        FROM communities_comment c
        WHERE c.created_at >= %(start30)s AND c.created_at < %(end)s AND {_VISIBLE.format(t="c")}
    ) wc
    WHERE wc.community_id IS NOT NULL
    UNION ALL
    SELECT community_id, user_id, created_at FROM window_reactions WHERE community_id IS NOT NULL
),
active_figures AS (
    SELECT community_id,
           count(DISTINCT user_id) FILTER (WHERE created_at >= %(start7)s) AS active_7d,
           count(DISTINCT user_id) AS active_30d
    FROM activity GROUP BY community_id
),
event_figures AS (
    SELECT e.community_id,
           count(*) FILTER (WHERE e.kind = 'joined' AND e.created_at < %(end)s) AS joins,
           count(*) FILTER (
               WHERE e.kind IN ('left', 'removed', 'banned') AND e.role <> '' AND e.created_at < %(end)s
           ) AS leaves,
           coalesce(sum(CASE WHEN e.kind = 'joined' THEN 1
                             WHEN e.kind IN ('left', 'removed', 'banned') AND e.role <> '' THEN -1
                             ELSE 0 END) FILTER (WHERE e.created_at >= %(end)s), 0) AS net_after
    FROM communities_membershipevent e
    WHERE e.created_at >= %(start)s
    GROUP BY e.community_id
),
staff AS (
    SELECT m.community_id, m.user_id
    FROM communities_membership m
    WHERE m.state = 'active' AND m.role IN ('owner', 'manager', 'moderator')
),
staff_actions AS (
    SELECT dp.community_id FROM day_posts dp
    JOIN staff s ON s.community_id = dp.community_id AND s.user_id = dp.author_id
    UNION ALL
    SELECT dc.community_id FROM day_comments dc
    JOIN staff s ON s.community_id = dc.community_id AND s.user_id = dc.author_id
    UNION ALL
    SELECT s.community_id FROM core_auditentry a
    JOIN staff s ON a.scope = 'community:' || s.community_id AND s.user_id = a.actor_id
    WHERE a.created_at >= %(start)s AND a.created_at < %(end)s AND a.scope LIKE 'community:%%'
),
manager_figures AS (
    SELECT community_id, count(*) AS manager_actions FROM staff_actions GROUP BY community_id
)
INSERT INTO communities_communitydayfigures (
    community_id, day, {", ".join(FIGURE_COLUMNS)}, computed_at
)
SELECT co.id, %(day)s,
       greatest(co.member_count - coalesce(ef.net_after, 0), 0),
       coalesce(ef.joins, 0), coalesce(ef.leaves, 0),
       coalesce(af.active_7d, 0), coalesce(af.active_30d, 0),
       coalesce(pf.posts, 0), coalesce(cf.comments, 0), coalesce(rf.reactions, 0),
       coalesce(pf.questions, 0), coalesce(qf.answered, 0), qf.median_minutes,
       CASE WHEN coalesce(pf.posts, 0) > 0 THEN pf.no_reply::float / pf.posts END,
       coalesce(mf.manager_actions, 0),
       %(now)s
FROM communities_community co
LEFT JOIN post_figures pf ON pf.community_id = co.id
LEFT JOIN comment_figures cf ON cf.community_id = co.id
LEFT JOIN answer_figures qf ON qf.community_id = co.id
LEFT JOIN reaction_figures rf ON rf.community_id = co.id
LEFT JOIN active_figures af ON af.community_id = co.id
LEFT JOIN event_figures ef ON ef.community_id = co.id
LEFT JOIN manager_figures mf ON mf.community_id = co.id
WHERE co.created_at < %(end)s
ON CONFLICT (community_id, day) DO UPDATE SET
    {", ".join(f"{c} = EXCLUDED.{c}" for c in FIGURE_COLUMNS)},
    computed_at = EXCLUDED.computed_at
"""  # noqa: S608 - column names are constants of this module


@dataclass(frozen=True)
class DayWindow:
    """The instants bounding a site-local day and its 7- and 30-day activity windows."""

    day: dt.date
    start: dt.datetime
    end: dt.datetime
    start7: dt.datetime
    start30: dt.datetime

    @classmethod
    def for_day(cls, day: dt.date) -> DayWindow:
        tz = zoneinfo.ZoneInfo(settings.TIME_ZONE)

        def midnight(d: dt.date) -> dt.datetime:
            return dt.datetime.combine(d, dt.time.min, tzinfo=tz)

        one = dt.timedelta(days=1)
        return cls(
            day=day,
            start=midnight(day),
            end=midnight(day + one),
            start7=midnight(day - 6 * one),
            start30=midnight(day - 29 * one),
        )


def yesterday() -> dt.date:
    return timezone.localdate() - dt.timedelta(days=1)


def figures_compute_day(day: dt.date) -> int:
    """Compute (or recompute) every community's figures for ``day``; returns the rows written.

    One statement, in its own transaction; safe to run again for the same day.
    """
    window = DayWindow.for_day(day)
    params = {
        "day": day,
        "start": window.start,
        "end": window.end,
        "start7": window.start7,
        "start30": window.start30,
        "now": timezone.now(),
    }
    with transaction.atomic(), connection.cursor() as cursor:
        # The statement is large and its cost estimate high, so PostgreSQL would JIT-compile it;
        # that compilation alone took longer than the whole query (12 s against 1 s at scale 0.05).
        cursor.execute("SET LOCAL jit = off")
        cursor.execute(_SQL, params)
        return int(cursor.rowcount)


def figures_prune(*, today: dt.date | None = None) -> int:
    """Delete daily figures older than ``HEALTH_FIGURES_RETENTION_DAYS``; returns the rows deleted."""
    today = today or timezone.localdate()
    cutoff = today - dt.timedelta(days=settings.HEALTH_FIGURES_RETENTION_DAYS)
    deleted, _detail = CommunityDayFigures.objects.filter(day__lt=cutoff).delete()
    return deleted
