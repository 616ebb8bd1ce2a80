"""Reads of community health: the score rows, their explanation as sentences, the managers' page.

Privacy: every figure that counts people (members, active members, joins, leaves) goes through
:func:`people_count`, which shows small groups (1 to ``PRIVACY_MIN_GROUP_SIZE`` - 1) as "fewer than
N" only, so no figure points at an individual. Figures counting content (posts, comments,
reactions, questions) are shown exactly: the content itself is visible, with its authors, to
everyone who can read the community, so the count reveals nothing more.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from django.db import connection
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from communities.core.models import Community, Membership
from communities.core.permissions import visible_communities
from communities.health.models import CommunityDayFigures, CommunityHealth
from communities.health.permissions import can_view_community_health, can_view_health_measures
from communities.health.score import SIZE_CLASSES
from intranet.core import switches
from intranet.core.permissions import require_visible
from intranet.core.viewer import Viewer

#: Days of daily figures in the managers' table.
TABLE_DAYS = 30
#: A question counts as waiting too long after this many days without any comment.
UNANSWERED_AFTER_DAYS = 3
#: A community without a new post for this many days gets a suggestion to start a conversation.
QUIET_AFTER_DAYS = 14


def health_for_communities(community_ids: Iterable[int]) -> dict[int, CommunityHealth]:
    """The stored health rows of the given communities, by community id (one query)."""
    ids = sorted(set(community_ids))
    if not ids:
        return {}
    return {h.community_id: h for h in CommunityHealth.objects.filter(community_id__in=ids)}


# Privacy ----------------------------------------------------------------------------------------


def min_group_size() -> int:
    """The works-council minimum group size (``PRIVACY_MIN_GROUP_SIZE``), one setting everywhere."""
    return switches.min_group_size()


def people_count(value: int | None, *, short: bool = False) -> str:
    """A count of people as shown: exact from the minimum group size on (and for 0), else
    "fewer than N" (``short``: "< N", for table cells explained by a legend)."""
    if value is None:
        return "\N{EN DASH}"
    limit = min_group_size()
    if 0 < value < limit:
        return f"< {limit}" if short else _("fewer than %(limit)s") % {"limit": limit}
    return str(value)


# Explanations -----------------------------------------------------------------------------------


def size_class_label(code: str) -> str:
    bounds = dict(SIZE_CLASSES)
    codes = [c for c, _low in SIZE_CLASSES]
    if code not in bounds:
        return code
    index = codes.index(code)
    low = bounds[code]
    if index + 1 == len(codes):
        return _("%(low)s or more members") % {"low": low}
    high = SIZE_CLASSES[index + 1][1] - 1
    if low == 0:
        return _("fewer than %(limit)s members") % {"limit": high + 1}
    return _("%(low)s to %(high)s members") % {"low": low, "high": high}


def _sentence_dormant(p: dict[str, Any]) -> str:
    if p.get("days") is None:
        return _("Nothing has been posted, commented or reacted to here yet.")
    return ngettext(
        "No post, comment or reaction for %(days)s day.", "No post, comment or reaction for %(days)s days.", p["days"]
    ) % {"days": p["days"]}


# The score names a component a strength or a weakness by its rank among communities of the same
# size, but the sentence also shows the figure itself: the words must fit the figure, or a
# community where a third of the posts stay unanswered reads "almost every post gets a reply"
# because its peers do worse. So the absolute claim follows these thresholds, and the comparison
# with peers is said as a comparison.

#: Up to this share of posts without reply (percent), "almost every post gets a reply".
NO_REPLY_ALMOST_NONE = 10
#: Below this share of posts without reply (percent), "most posts get a reply"; from it on, they do not.
NO_REPLY_MOST_ANSWERED = 50
#: Up to this median (minutes), a first answer comes "quickly".
ANSWER_QUICK_MINUTES = 4 * 60
#: Up to this median (minutes), a first answer does not "wait long".
ANSWER_SHORT_MINUTES = 60
#: From this many posts, comments and reactions per member in 4 weeks on, activity is "much".
ACTIVITY_MUCH_PER_MEMBER = 1.0


def _sentence_no_reply(p: dict[str, Any], *, better: bool) -> str:
    percent = int(p["percent"])
    if percent <= NO_REPLY_ALMOST_NONE:
        if better:
            return _("Almost every post gets a reply (%(percent)s %% without reply).") % {"percent": percent}
        return _(
            "Almost every post gets a reply (%(percent)s %% without reply), "
            "though comparable communities leave even fewer unanswered."
        ) % {"percent": percent}
    if percent < NO_REPLY_MOST_ANSWERED:
        if better:
            return _(
                "Most posts get a reply: %(percent)s %% stay without one, fewer than in comparable communities."
            ) % {"percent": percent}
        return _(
            "Most posts get a reply, but %(percent)s %% stay without one, more than in comparable communities."
        ) % {"percent": percent}
    if better:
        return _(
            "%(percent)s %% of the posts stay without a reply, though that is fewer than in comparable communities."
        ) % {"percent": percent}
    return _("Many posts stay without a reply (%(percent)s %%).") % {"percent": percent}


def _sentence_answer_time(p: dict[str, Any], *, better: bool) -> str:
    minutes = int(p["minutes"])
    if better:
        if minutes <= ANSWER_QUICK_MINUTES:
            return _("Questions get a first answer quickly (median %(minutes)s minutes).") % {"minutes": minutes}
        return _("Questions get a first answer sooner than in comparable communities (median %(minutes)s minutes).") % {
            "minutes": minutes
        }
    if minutes <= ANSWER_SHORT_MINUTES:
        return _(
            "Questions get a first answer within the hour (median %(minutes)s minutes), "
            "though later than in comparable communities."
        ) % {"minutes": minutes}
    return _("Questions wait long for a first answer (median %(minutes)s minutes).") % {"minutes": minutes}


def _sentence_activity(p: dict[str, Any], *, better: bool) -> str:
    per_member = p["per_member"]
    much = float(per_member) >= ACTIVITY_MUCH_PER_MEMBER
    if better and much:
        return _("Many posts, comments and reactions per member (%(per_member)s in 4 weeks).") % {
            "per_member": per_member
        }
    if better:
        return _(
            "More posts, comments and reactions per member than in comparable communities "
            "(%(per_member)s in 4 weeks), though few in all."
        ) % {"per_member": per_member}
    if much:
        return _(
            "Fewer posts, comments and reactions per member than in comparable communities (%(per_member)s in 4 weeks)."
        ) % {"per_member": per_member}
    return _("Few posts, comments and reactions per member (%(per_member)s in 4 weeks).") % {"per_member": per_member}


_SENTENCES: dict[str, Callable[[dict[str, Any]], str]] = {
    "orphaned_no_manager": lambda p: _("The community has no owner or manager."),
    "orphaned_deactivated": lambda p: _(
        "All owners and managers have left the company (their accounts are deactivated)."
    ),
    "orphaned_inactive": lambda p: (
        ngettext(
            "No owner or manager has been active or signed in for %(days)s day.",
            "No owner or manager has been active or signed in for %(days)s days.",
            p["days"],
        )
        % p
    ),
    "dormant": _sentence_dormant,
    "slowing": lambda p: (
        _(
            "Activity fell by %(percent)s %% over the last 4 weeks: "
            "%(recent)s per week, after %(before)s per week before."
        )
        % p
    ),
    "thriving": lambda p: _("Score %(score)s of 100: among the liveliest communities of its size.") % p,
    "steady": lambda p: _("Score %(score)s of 100: steady compared with communities of its size.") % p,
    "compared": lambda p: (
        ngettext(
            "Compared with %(peers)s community with %(size)s.",
            "Compared with %(peers)s communities with %(size)s.",
            p["peers"],
        )
        % {"peers": p["peers"], "size": size_class_label(p["size_class"])}
    ),
    "activity_high": lambda p: _sentence_activity(p, better=True),
    "activity_low": lambda p: _sentence_activity(p, better=False),
    "no_reply_low": lambda p: _sentence_no_reply(p, better=True),
    "no_reply_high": lambda p: _sentence_no_reply(p, better=False),
    "answers_fast": lambda p: _sentence_answer_time(p, better=True),
    "answers_slow": lambda p: _sentence_answer_time(p, better=False),
    "questions_unanswered": lambda p: (
        ngettext(
            "%(questions)s question in the last 4 weeks got no answer.",
            "%(questions)s questions in the last 4 weeks got no answer.",
            p["questions"],
        )
        % p
    ),
    "growing": lambda p: _("More people joined than left in the last 4 weeks."),
    "shrinking": lambda p: _("More people left than joined in the last 4 weeks."),
    "managers_active": lambda p: _("Owners, managers and moderators take part a lot."),
    "managers_quiet": lambda p: _("Owners, managers and moderators rarely take part."),
}


def explain(health: CommunityHealth) -> list[str]:
    """The stored explanation codes of ``health`` as translated sentences (unknown codes skipped)."""
    sentences = []
    for item in health.explanation or []:
        render = _SENTENCES.get(str(item.get("code")))
        if render is not None:
            try:
                sentences.append(render(dict(item.get("params") or {})))
            except (KeyError, TypeError, ValueError):
                continue
    return sentences


# The managers' page -----------------------------------------------------------------------------


@dataclass(frozen=True)
class DayRow:
    """One day of the table, with people counts already masked for display."""

    day: dt.date
    members: str
    joins: str
    leaves: str
    active_7d: str
    active_30d: str
    posts: int
    comments: int
    reactions: int
    questions: int
    questions_answered: int
    median_first_answer_minutes: int | None
    no_reply_percent: int | None
    manager_actions: int


def day_row(figures: CommunityDayFigures) -> DayRow:
    share = figures.no_reply_share
    return DayRow(
        day=figures.day,
        members=people_count(figures.members, short=True),
        joins=people_count(figures.joins, short=True),
        leaves=people_count(figures.leaves, short=True),
        active_7d=people_count(figures.active_7d, short=True),
        active_30d=people_count(figures.active_30d, short=True),
        posts=figures.posts,
        comments=figures.comments,
        reactions=figures.reactions,
        questions=figures.questions,
        questions_answered=figures.questions_answered,
        median_first_answer_minutes=figures.median_first_answer_minutes,
        no_reply_percent=round(100 * share) if share is not None else None,
        manager_actions=figures.manager_actions,
    )


@dataclass(frozen=True)
class Suggestion:
    code: str
    text: str
    url_name: str = ""


@dataclass(frozen=True)
class HealthPage:
    community: Community
    health: CommunityHealth | None
    explanation: list[str]
    rows: list[DayRow]
    suggestions: list[Suggestion]
    chart: dict[str, Any]


_LIVE_SQL = """
SELECT
    (SELECT count(*) FROM communities_post p
     WHERE p.community_id = %(cid)s AND p.kind = 'question' AND p.accepted_comment_id IS NULL
       AND p.status = 'published' AND p.deleted_at IS NULL
       AND p.comment_count = 0 AND p.created_at < %(unanswered_before)s),
    (SELECT max(p.created_at) FROM communities_post p
     WHERE p.community_id = %(cid)s AND p.status = 'published' AND p.deleted_at IS NULL),
    (SELECT count(*) FROM communities_membership m WHERE m.community_id = %(cid)s AND m.state = 'pending')
"""


def live_suggestions(community: Community, health: CommunityHealth | None) -> list[Suggestion]:
    """Concrete next steps from the current state (one query, served by the post and membership
    indexes) and from the stored health state."""
    now = timezone.now()
    with connection.cursor() as cursor:
        cursor.execute(
            _LIVE_SQL,
            {"cid": community.pk, "unanswered_before": now - dt.timedelta(days=UNANSWERED_AFTER_DAYS)},
        )
        row = cursor.fetchone()
    unanswered, last_post, pending = (row[0], row[1], row[2]) if row else (0, None, 0)
    out: list[Suggestion] = []
    if health is not None and health.state == CommunityHealth.State.ORPHANED:
        out.append(
            Suggestion("appoint_manager", _("Appoint an active owner or manager, or ask a coordinator for a handover."))
        )
    if unanswered:
        out.append(
            Suggestion(
                "unanswered",
                ngettext(
                    "%(count)s question unanswered for more than %(days)s days.",
                    "%(count)s questions unanswered for more than %(days)s days.",
                    unanswered,
                )
                % {"count": unanswered, "days": UNANSWERED_AFTER_DAYS},
            )
        )
    if last_post is None:
        out.append(Suggestion("no_post", _("No post yet: start with a welcome post and a first question.")))
    elif last_post < now - dt.timedelta(days=QUIET_AFTER_DAYS):
        days = (now - last_post).days
        out.append(
            Suggestion(
                "quiet",
                ngettext(
                    "No post in %(days)s day. A question to the members or a short update often restarts the"
                    " conversation.",
                    "No post in %(days)s days. A question to the members or a short update often restarts the"
                    " conversation.",
                    days,
                )
                % {"days": days},
            )
        )
    if pending:
        out.append(
            Suggestion(
                "requests",
                ngettext("%(count)s join request waiting.", "%(count)s join requests waiting.", pending)
                % {"count": pending},
                url_name="communities:member_list",
            )
        )
    return out


def _chart(health: CommunityHealth | None, last_day: dt.date) -> dict[str, Any]:
    trend = list(health.trend) if health is not None and health.trend else []
    weeks = len(trend)
    labels = [(last_day - dt.timedelta(days=7 * (weeks - 1 - i) + 6)).isoformat() for i in range(weeks)]
    return {
        "type": "line",
        "data": {
            "labels": labels,
            "datasets": [{"label": _("Posts, comments and reactions per week"), "data": trend, "fill": False}],
        },
        "options": {
            "responsive": True,
            "plugins": {"legend": {"display": False}},
            "scales": {"y": {"beginAtZero": True}},
        },
    }


def community_health_get_for_viewer(viewer: Viewer, slug: str) -> HealthPage:
    """The managers' health page of ``slug``: 404 for missing communities and for everyone but
    owners, managers and coordinators in scope. Query count independent of the number of days."""
    # Visibility-filtered lookup first: a secret community's slug costs what a missing one does.
    community = visible_communities(viewer, Community.objects.select_related("category")).filter(slug=slug).first()
    if community is None:
        raise Http404
    require_visible(can_view_community_health(viewer, community))
    health = CommunityHealth.objects.filter(community=community).first()
    since = timezone.localdate() - dt.timedelta(days=TABLE_DAYS)
    figures = list(CommunityDayFigures.objects.filter(community=community, day__gt=since).order_by("-day"))
    last_day = figures[0].day if figures else timezone.localdate() - dt.timedelta(days=1)
    return HealthPage(
        community=community,
        health=health,
        explanation=explain(health) if health is not None else [],
        rows=[day_row(f) for f in figures],
        suggestions=live_suggestions(community, health),
        chart=_chart(health, last_day),
    )


@dataclass(frozen=True)
class MeasuresPage:
    community: Community | None
    managers: list[Membership]
    can_view_figures: bool


def health_measures_get_for_viewer(viewer: Viewer, slug: str | None) -> MeasuresPage:
    """The "What is measured" page, general (``slug=None``) or for one community (who sees it)."""
    if slug is None:
        return MeasuresPage(community=None, managers=[], can_view_figures=False)
    community = visible_communities(viewer).filter(slug=slug).first()
    if community is None:
        raise Http404
    require_visible(can_view_health_measures(viewer, community))
    managers = list(
        Membership.objects.filter(
            community=community,
            state=Membership.State.ACTIVE,
            role__in=[Membership.Role.OWNER, Membership.Role.MANAGER],
        )
        .select_related("user")
        .order_by("role", "user__display_name", "id")[:50]
    )
    return MeasuresPage(
        community=community, managers=managers, can_view_figures=can_view_community_health(viewer, community)
    )


def health_last_computed() -> dt.datetime | None:
    """When the health score was last computed (``None``: never); one query."""
    return CommunityHealth.objects.order_by("-computed_at").values_list("computed_at", flat=True).first()
