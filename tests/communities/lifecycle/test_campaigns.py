"""Lifecycle campaigns with frozen time: ask, remind, warn, archive; answers stop the clock."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from communities.lifecycle.jobs import lifecycle_campaign_weekly_task, lifecycle_tick_task
from communities.lifecycle.services import campaign_case_answer, campaign_start, lifecycle_tick
from communities.models import CampaignCase, Community, CommunityHealth, LifecycleCampaign, Membership
from intranet.core.models import AuditEntry
from intranet.notifications.models import Notification
from tests.communities.conftest import snapshot
from tests.communities.console.conftest import add_member, community_with, coordinator
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db
Role = Membership.Role
START = dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.UTC)


def owner_of(community: Community):  # type: ignore[no-untyped-def]
    return Membership.objects.get(community=community, role=Role.OWNER).user


def stages(community: Community) -> list[str]:
    owner = owner_of(community)
    return sorted(
        str(n.params.get("stage")) for n in Notification.objects.filter(recipient=owner, kind="community.lifecycle")
    )


def test_full_timeline_ask_remind_warn_archive(staff, django_capture_on_commit_callbacks) -> None:
    with time_machine.travel(START, tick=False):
        dormant = community_with()
        community_with(state=CommunityHealth.State.STEADY)
        with django_capture_on_commit_callbacks(execute=True):
            campaign = campaign_start(actor=staff)
        assert campaign is not None
        case = CampaignCase.objects.get()
        assert case.community_id == dormant.pk
        assert case.deadline == START + dt.timedelta(days=21)
        assert stages(dormant) == ["ask"]
        assert AuditEntry.objects.filter(action="lifecycle.campaign_started").count() == 1

    def tick_at(days: float) -> dict[str, int]:
        with (
            time_machine.travel(START + dt.timedelta(days=days), tick=False),
            django_capture_on_commit_callbacks(execute=True),
        ):
            return lifecycle_tick()

    assert tick_at(6.9) == {"reminded": 0, "warned": 0, "archived": 0}
    assert tick_at(7) == {"reminded": 1, "warned": 0, "archived": 0}
    assert tick_at(8) == {"reminded": 0, "warned": 0, "archived": 0}
    assert tick_at(18) == {"reminded": 0, "warned": 1, "archived": 0}
    assert tick_at(20.9) == {"reminded": 0, "warned": 0, "archived": 0}
    dormant.refresh_from_db()
    assert not dormant.is_archived
    assert tick_at(21) == {"reminded": 0, "warned": 0, "archived": 1}
    dormant.refresh_from_db()
    case.refresh_from_db()
    assert dormant.is_archived and dormant.archived_at == START + dt.timedelta(days=21)
    assert case.outcome == CampaignCase.Outcome.EXPIRED and case.closed_at is not None
    assert case.reminded_at == START + dt.timedelta(days=7)
    assert case.warned_at == START + dt.timedelta(days=18)
    assert stages(dormant) == ["archived", "ask", "remind", "warn"]
    archived = AuditEntry.objects.get(action="community.archived")
    assert archived.actor_id is None and archived.scope == f"community:{dormant.pk}"
    assert tick_at(30) == {"reminded": 0, "warned": 0, "archived": 0}


def test_late_first_tick_warns_without_reminding(staff) -> None:
    with time_machine.travel(START, tick=False):
        community_with()
        campaign_start(actor=staff)
    with time_machine.travel(START + dt.timedelta(days=19), tick=False):
        assert lifecycle_tick() == {"reminded": 0, "warned": 1, "archived": 0}


def test_answer_keep_stops_the_clock(staff) -> None:
    with time_machine.travel(START, tick=False):
        dormant = community_with()
        campaign_start(actor=staff)
    case = CampaignCase.objects.get()
    with time_machine.travel(START + dt.timedelta(days=2), tick=False):
        campaign_case_answer(actor=owner_of(dormant), case=case, answer="keep")
    with time_machine.travel(START + dt.timedelta(days=40), tick=False):
        assert lifecycle_tick() == {"reminded": 0, "warned": 0, "archived": 0}
    dormant.refresh_from_db()
    case.refresh_from_db()
    assert not dormant.is_archived
    assert (case.outcome, case.answer, case.answered_by_id) == ("kept", "keep", owner_of(dormant).pk)
    assert AuditEntry.objects.filter(action="lifecycle.answered").count() == 1


def test_answer_archive_archives_at_once(staff) -> None:
    dormant = community_with()
    campaign_start(actor=staff)
    campaign_case_answer(actor=owner_of(dormant), case=CampaignCase.objects.get(), answer="archive")
    dormant.refresh_from_db()
    assert dormant.is_archived
    assert CampaignCase.objects.get().outcome == "archived"


def test_owner_asking_for_merge_waits_for_a_coordinator(staff) -> None:
    with time_machine.travel(START, tick=False):
        dormant = community_with()
        target = community_with(state=CommunityHealth.State.THRIVING)
        campaign_start(actor=staff)
        case = CampaignCase.objects.get()
        campaign_case_answer(actor=owner_of(dormant), case=case, answer="merge", merge_target=target)
    case.refresh_from_db()
    assert case.outcome == "merge_requested" and case.closed_at is None
    with time_machine.travel(START + dt.timedelta(days=30), tick=False):
        assert lifecycle_tick()["archived"] == 0
    # The coordinator answers for the owners: the merge happens and closes the case.
    campaign_case_answer(actor=staff, case=case, answer="merge", merge_target=target)
    case.refresh_from_db()
    dormant.refresh_from_db()
    assert case.outcome == "merged" and dormant.is_archived


@pytest.mark.parametrize("kind", ["member", "manager", "employee", "scoped_elsewhere"])
def test_answer_denied_without_side_effects(staff, kind: str) -> None:
    dormant = community_with()
    campaign_start(actor=staff)
    case = CampaignCase.objects.get()
    if kind == "employee":
        actor = UserFactory.create()
    elif kind == "scoped_elsewhere":
        actor = coordinator(communities=[community_with(state=None)])
    else:
        actor = add_member(dormant, Role.MANAGER if kind == "manager" else Role.MEMBER)
    before = snapshot()
    with pytest.raises(PermissionDenied):
        campaign_case_answer(actor=actor, case=case, answer="archive")
    assert snapshot() == before
    case.refresh_from_db()
    assert case.answered_at is None


def test_scoped_coordinator_campaign_reaches_only_their_scope() -> None:
    inside = community_with()
    community_with()
    scoped = coordinator(communities=[inside])
    campaign_start(actor=scoped)
    assert list(CampaignCase.objects.values_list("community_id", flat=True)) == [inside.pk]


def test_employee_cannot_start_a_campaign() -> None:
    community_with()
    with pytest.raises(PermissionDenied):
        campaign_start(actor=UserFactory.create())
    assert not LifecycleCampaign.objects.exists()


def test_weekly_job_asks_each_dormant_community_once(django_capture_on_commit_callbacks) -> None:
    first = community_with()
    with django_capture_on_commit_callbacks(execute=True):
        assert lifecycle_campaign_weekly_task.delay().get() is not None
    second = community_with()
    lifecycle_campaign_weekly_task.delay().get()
    assert lifecycle_campaign_weekly_task.delay().get() is None
    assert sorted(CampaignCase.objects.values_list("community_id", flat=True)) == [first.pk, second.pk]
    assert LifecycleCampaign.objects.filter(source="schedule").count() == 2
    assert stages(first) == ["ask"]
    with time_machine.travel(timezone.now() + dt.timedelta(days=7, minutes=1)):
        assert lifecycle_tick_task.delay().get()["reminded"] == 2
