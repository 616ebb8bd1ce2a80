"""The daily figures job on a community with known activity: exact figures, idempotent, reruns."""

from __future__ import annotations

import datetime as dt
import zoneinfo
from typing import Any

import pytest
import time_machine
from django.conf import settings

from communities.core import services
from communities.health.figures import FIGURE_COLUMNS, figures_compute_day, figures_prune
from communities.models import Community, CommunityDayFigures, Membership, Post
from communities.posts import services as post_services
from intranet.accounts.models import User
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

DAY = dt.date(2026, 3, 10)


def at(day: dt.date, hour: int, minute: int = 0) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour, minute), tzinfo=zoneinfo.ZoneInfo(settings.TIME_ZONE))


def figures(community: Community, day: dt.date = DAY) -> dict[str, Any]:
    row = CommunityDayFigures.objects.filter(community=community, day=day).values(*FIGURE_COLUMNS).get()
    return dict(row)


class Story:
    """A community with one fully known day ``DAY`` (site-local times)."""

    def __init__(self) -> None:
        before = DAY - dt.timedelta(days=20)
        self.owner = UserFactory.create()
        with time_machine.travel(at(DAY - dt.timedelta(days=40), 9), tick=False):
            self.community = services.community_create(actor=self.owner, name="Beekeepers")
            self.quiet = services.community_create(actor=UserFactory.create(), name="Quiet")
        self.members: list[User] = [UserFactory.create() for _ in range(4)]
        with time_machine.travel(at(before, 9), tick=False):
            for person in self.members:
                services.membership_join(actor=person, community=self.community)
        m1, m2, m3, m4 = self.members
        with time_machine.travel(at(DAY - dt.timedelta(days=10), 12), tick=False):
            post_services.post_create(actor=m3, community=self.community, title="Older", body="Ten days ago")
        # The day itself.
        newcomers = [UserFactory.create(), UserFactory.create()]
        with time_machine.travel(at(DAY, 9), tick=False):
            q1 = post_services.post_create(
                actor=self.owner, community=self.community, kind=Post.Kind.QUESTION, title="Q1", body="?"
            )
        with time_machine.travel(at(DAY, 9, 30), tick=False):
            post_services.comment_create(actor=m1, post=q1, body="First answer")
        with time_machine.travel(at(DAY, 10), tick=False):
            post_services.comment_create(actor=m2, post=q1, body="Second answer")
            for person in newcomers:
                services.membership_join(actor=person, community=self.community)
        with time_machine.travel(at(DAY, 11), tick=False):
            q2 = post_services.post_create(
                actor=m2, community=self.community, kind=Post.Kind.QUESTION, title="Q2", body="?"
            )
        with time_machine.travel(at(DAY, 12), tick=False):
            post_services.comment_create(actor=m2, post=q2, body="Asker adds detail")  # no answer
            discussion = post_services.post_create(
                actor=m1, community=self.community, title="Hello", body="Nobody answers"
            )
        with time_machine.travel(at(DAY, 13), tick=False):
            answer = post_services.comment_create(actor=self.owner, post=q2, body="Owner answers")
        with time_machine.travel(at(DAY, 14), tick=False):
            post_services.reaction_toggle(actor=m2, kind="like", post=discussion)
            post_services.reaction_toggle(actor=m1, kind="like", comment=answer)
            membership_m3 = Membership.objects.get(community=self.community, user=m3)
            services.membership_change_role(actor=self.owner, membership=membership_m3, role=Membership.Role.MANAGER)
        with time_machine.travel(at(DAY, 15), tick=False):
            services.membership_leave(actor=m4, community=self.community)
        # The next day: must not count for DAY.
        with time_machine.travel(at(DAY + dt.timedelta(days=1), 10), tick=False):
            services.membership_join(actor=UserFactory.create(), community=self.community)
            post_services.post_create(actor=m1, community=self.community, title="Tomorrow", body="Later")


EXPECTED = {
    "members": 6,  # owner + 4 + 2 newcomers - 1 leaver (the join of the next day excluded)
    "joins": 2,
    "leaves": 1,
    "active_7d": 3,  # owner, m1, m2
    "active_30d": 4,  # and m3, ten days before
    "posts": 3,
    "comments": 4,
    "reactions": 2,
    "questions": 2,
    "questions_answered": 2,
    "median_first_answer_minutes": 75,  # 30 and 120 minutes
    "no_reply_share": pytest.approx(1 / 3),
    # The owner's question and answer, the owner's logged role change; m3 is a manager now, but
    # wrote nothing that day.
    "manager_actions": 3,
}


@pytest.fixture
def story() -> Story:
    return Story()


def test_figures_of_a_known_day(story: Story) -> None:
    with time_machine.travel(at(DAY + dt.timedelta(days=2), 3), tick=False):
        rows = figures_compute_day(DAY)
    assert rows == 2  # both communities existed
    assert figures(story.community) == EXPECTED
    assert figures(story.quiet) == {
        **dict.fromkeys(FIGURE_COLUMNS, 0),
        "members": 1,
        "median_first_answer_minutes": None,
        "no_reply_share": None,
    }


def test_running_twice_gives_the_same_rows(story: Story) -> None:
    figures_compute_day(DAY)
    first = list(CommunityDayFigures.objects.order_by("community_id", "day").values("id", *FIGURE_COLUMNS))
    figures_compute_day(DAY)
    second = list(CommunityDayFigures.objects.order_by("community_id", "day").values("id", *FIGURE_COLUMNS))
    assert first == second
    assert CommunityDayFigures.objects.count() == 2


def test_rerun_for_a_past_day_and_for_a_day_before_the_community(story: Story) -> None:
    figures_compute_day(DAY)
    earlier = DAY - dt.timedelta(days=20)
    figures_compute_day(earlier)
    assert figures(story.community, earlier) == {
        **dict.fromkeys(FIGURE_COLUMNS, 0),
        "members": 5,
        "joins": 4,
        "median_first_answer_minutes": None,
        "no_reply_share": None,
    }
    # Before the communities existed: no rows.
    assert figures_compute_day(DAY - dt.timedelta(days=60)) == 0
    # The later day is untouched by the rerun of the earlier one.
    assert figures(story.community) == EXPECTED


def test_rerun_picks_up_late_replies(story: Story) -> None:
    figures_compute_day(DAY)
    assert figures(story.community)["no_reply_share"] == pytest.approx(1 / 3)
    discussion = Post.objects.get(title="Hello")
    post_services.comment_create(actor=story.owner, post=discussion, body="Late but there")
    figures_compute_day(DAY)
    assert figures(story.community)["no_reply_share"] == 0.0
    assert figures(story.community)["comments"] == 4  # the late comment belongs to another day


def test_prune_keeps_the_retention_window(story: Story, settings: Any) -> None:
    settings.HEALTH_FIGURES_RETENTION_DAYS = 10
    figures_compute_day(DAY)
    figures_compute_day(DAY - dt.timedelta(days=20))
    assert figures_prune(today=DAY + dt.timedelta(days=1)) == 2
    assert set(CommunityDayFigures.objects.values_list("day", flat=True)) == {DAY}


def test_command_days_and_day(story: Story) -> None:
    import io

    from django.core.management import call_command

    out = io.StringIO()
    call_command("health_figures", "--day", DAY.isoformat(), "--days", "3", stdout=out)
    days = set(CommunityDayFigures.objects.filter(community=story.community).values_list("day", flat=True))
    assert days == {DAY - dt.timedelta(days=2), DAY - dt.timedelta(days=1), DAY}
    assert figures(story.community) == EXPECTED
    assert "health of 2 communities" in out.getvalue()
