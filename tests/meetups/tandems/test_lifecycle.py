"""Tandem lifecycle, the permission matrix (with parity and no side effect on denial), bulk proposal."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from communities.models import Community, Membership
from intranet.core.models import AuditEntry
from intranet.core.viewer import Viewer
from intranet.notifications.models import Notification
from meetups.models import Organisation, Tandem, TandemMeeting, TandemSuggestion
from meetups.tandems import permissions as perms
from meetups.tandems import services
from tests.communities.factories import MembershipFactory
from tests.factories import UserFactory
from tests.meetups.tandem_helpers import add_manager, make_community, owner_of

pytestmark = pytest.mark.django_db


@pytest.fixture
def pair():
    a = make_community("Solar A", tags=("energy",), description="Solar panels")
    b = make_community("Solar B", tags=("energy",), description="Solar roofs")
    return a, b


@pytest.fixture
def coordinator():
    return UserFactory.create(is_staff=True)


def _audit(action: str) -> int:
    return AuditEntry.objects.filter(action=action).count()


def test_full_lifecycle(pair, coordinator, django_capture_on_commit_callbacks):
    a, b = pair
    manager_a, manager_b = owner_of(a), owner_of(b)
    with django_capture_on_commit_callbacks(execute=True):
        tandem = services.tandem_propose(actor=coordinator, community=a, other=b, message="Meet up!")
    assert tandem.state == Tandem.State.PROPOSED
    assert _audit("tandem.proposed") == 1
    proposed = Notification.objects.filter(kind="tandem.proposed")
    assert set(proposed.values_list("recipient_id", flat=True)) == {manager_a.pk, manager_b.pk}

    with django_capture_on_commit_callbacks(execute=True):
        tandem = services.tandem_accept(actor=manager_a, tandem=tandem)
    assert tandem.state == Tandem.State.PROPOSED and tandem.accepted_a_by == manager_a
    with pytest.raises(PermissionDenied):  # one acceptance per side
        services.tandem_accept(actor=manager_a, tandem=tandem)
    with django_capture_on_commit_callbacks(execute=True):
        tandem = services.tandem_accept(actor=manager_b, tandem=tandem)
    assert tandem.state == Tandem.State.ACTIVE and tandem.activated_at is not None
    started = Notification.objects.filter(kind="tandem.update", params__event="started")
    assert set(started.values_list("recipient_id", flat=True)) == {manager_a.pk, coordinator.pk}

    meeting = services.tandem_meeting_log(
        actor=manager_b, tandem=tandem, date=timezone.localdate(), notes="We **met**."
    )
    assert "<strong>met</strong>" in meeting.notes_html
    tandem.refresh_from_db()
    assert tandem.meeting_count == 1

    services.tandem_learnings_save(actor=manager_a, tandem=tandem, learnings="Draft <script>x</script>")
    tandem.refresh_from_db()
    assert tandem.learnings_shared_at is None and "<script>" not in tandem.learnings_html
    member_a = UserFactory.create()
    MembershipFactory.create(user=member_a, community=a)
    assert not perms.can_read_tandem_learnings(Viewer(member_a), tandem)
    services.tandem_learnings_save(actor=manager_a, tandem=tandem, learnings="# What we learned", share=True)
    tandem.refresh_from_db()
    assert tandem.learnings_shared_at is not None
    assert perms.can_read_tandem_learnings(Viewer(member_a), tandem)
    assert perms.can_view_tandem(Viewer(member_a), tandem)
    assert not perms.can_view_tandem_workings(Viewer(member_a), tandem)

    tandem = services.tandem_close(actor=manager_b, tandem=tandem)
    assert tandem.state == Tandem.State.CLOSED
    for action in ("tandem.accepted", "tandem.meeting_logged", "tandem.learnings_saved", "tandem.learnings_shared"):
        assert _audit(action) >= 1
    assert _audit("tandem.closed") == 1


def test_manager_proposal_counts_as_acceptance_of_own_side(pair):
    a, b = pair
    tandem = services.tandem_propose(actor=owner_of(a), community=a, other=b)
    assert tandem.accepted_a_at is not None and tandem.accepted_b_at is None
    tandem = services.tandem_accept(actor=owner_of(b), tandem=tandem)
    assert tandem.state == Tandem.State.ACTIVE


def test_one_open_tandem_per_pair_either_direction(pair):
    a, b = pair
    services.tandem_propose(actor=owner_of(a), community=a, other=b)
    with pytest.raises(ValidationError):
        services.tandem_propose(actor=owner_of(b), community=b, other=a)


def test_declined_pair_can_be_proposed_again(pair):
    a, b = pair
    tandem = services.tandem_propose(actor=owner_of(a), community=a, other=b)
    services.tandem_decline(actor=owner_of(b), tandem=tandem, reason="Not now")
    tandem.refresh_from_db()
    assert tandem.state == Tandem.State.DECLINED and tandem.end_reason == "Not now"
    assert services.tandem_propose(actor=owner_of(a), community=a, other=b).state == Tandem.State.PROPOSED


def test_partner_tandem_is_active_once_the_home_side_proposes(pair):
    a, _b = pair
    organisation = Organisation.objects.create(name="Partner AG", kind=Organisation.Kind.EXTERNAL)
    partner = services.partner_community_create(
        actor=owner_of(a),
        organisation=organisation,
        name="Energy circle",
        contact_name="Eva Extern",
        topics="#energy, solar",
    )
    assert partner.topics == "energy, solar"
    tandem = services.tandem_propose(actor=owner_of(a), community=a, partner=partner)
    assert tandem.state == Tandem.State.ACTIVE and tandem.is_partner
    assert _audit("tandem.partner_created") == 1


def test_meeting_in_the_future_is_refused(pair):
    a, b = pair
    tandem = services.tandem_propose(actor=owner_of(a), community=a, other=b)
    tandem = services.tandem_accept(actor=owner_of(b), tandem=tandem)
    with pytest.raises(ValidationError):
        services.tandem_meeting_log(actor=owner_of(a), tandem=tandem, date=timezone.localdate() + dt.timedelta(days=5))
    assert TandemMeeting.objects.count() == 0


def test_secret_community_only_on_its_own_managers_proposal(coordinator):
    public = make_community("Open energy", tags=("energy",))
    secret = make_community("Hidden energy", tags=("energy",), visibility=Community.Visibility.SECRET)
    assert not perms.can_propose_tandem(Viewer(coordinator), public, secret)
    assert not perms.can_propose_tandem(Viewer(owner_of(public)), public, secret)
    assert perms.can_propose_tandem(Viewer(owner_of(secret)), secret, public)


# Bulk -------------------------------------------------------------------------------------------


def test_bulk_proposal_creates_notifies_and_skips(coordinator, django_capture_on_commit_callbacks):
    a = make_community("Energy one", tags=("energy", "solar"), description="solar energy")
    b = make_community("Energy two", tags=("energy", "solar"), description="solar energy")
    c = make_community("Energy three", tags=("energy", "solar"), description="solar energy")
    services.tandem_suggestions_refresh()
    ab = TandemSuggestion.objects.get(community=a, other=b)
    ac = TandemSuggestion.objects.get(community=a, other=c)
    services.tandem_propose(actor=owner_of(a), community=a, other=c)  # already open: skipped
    with django_capture_on_commit_callbacks(execute=True):
        result = services.tandem_propose_bulk(actor=coordinator, suggestion_ids=[ab.pk, ac.pk], message="Try it")
    assert len(result.created) == 1 and len(result.skipped) == 1
    created = result.created[0]
    assert created.message == "Try it" and created.score == ab.score and created.reasons == ab.reasons
    notified = set(Notification.objects.filter(kind="tandem.proposed").values_list("recipient_id", flat=True))
    assert {owner_of(a).pk, owner_of(b).pk} <= notified


def test_bulk_proposal_is_for_coordinators_only(pair):
    a, _b = pair
    services.tandem_suggestions_refresh()
    ids = list(TandemSuggestion.objects.values_list("pk", flat=True))
    before = (Tandem.objects.count(), AuditEntry.objects.count())
    with pytest.raises(PermissionDenied):
        services.tandem_propose_bulk(actor=owner_of(a), suggestion_ids=ids)
    assert (Tandem.objects.count(), AuditEntry.objects.count()) == before


# Permission matrix ------------------------------------------------------------------------------

KINDS = ["anonymous", "employee", "member_a", "moderator_a", "manager_a", "owner_b", "coordinator", "proposer"]
ACTIONS = ["view", "workings", "accept", "decline", "withdraw", "log", "write", "close"]

EXPECTED: dict[str, dict[str, set[str]]] = {
    "proposed": {
        "anonymous": set(),
        "employee": set(),
        "member_a": set(),
        "moderator_a": set(),
        "manager_a": {"view", "workings", "accept", "decline"},
        "owner_b": {"view", "workings", "accept", "decline"},
        "coordinator": {"view", "workings", "withdraw"},
        "proposer": {"view", "workings", "withdraw"},
    },
    "active": {
        "anonymous": set(),
        "employee": set(),
        "member_a": set(),
        "moderator_a": set(),
        "manager_a": {"view", "workings", "withdraw", "log", "write", "close"},
        "owner_b": {"view", "workings", "withdraw", "log", "write", "close"},
        "coordinator": {"view", "workings", "withdraw"},
        "proposer": {"view", "workings", "withdraw"},
    },
    "closed": {
        "anonymous": set(),
        "employee": set(),
        "member_a": set(),
        "moderator_a": set(),
        "manager_a": {"view", "workings", "write"},
        "owner_b": {"view", "workings", "write"},
        "coordinator": {"view", "workings"},
        "proposer": {"view", "workings"},
    },
}

PREDICATES: dict[str, Any] = {
    "view": perms.can_view_tandem,
    "workings": perms.can_view_tandem_workings,
    "accept": perms.can_accept_tandem,
    "decline": perms.can_decline_tandem,
    "withdraw": perms.can_withdraw_tandem,
    "log": perms.can_log_tandem_meeting,
    "write": perms.can_write_tandem_learnings,
    "close": perms.can_close_tandem,
}


def _setup(state: str) -> tuple[Tandem, dict[str, Any]]:
    a = make_community("Side A", tags=("energy",))
    b = make_community("Side B", tags=("energy",))
    people: dict[str, Any] = {
        "anonymous": AnonymousUser(),
        "employee": UserFactory.create(),
        "member_a": UserFactory.create(),
        "moderator_a": UserFactory.create(),
        "manager_a": add_manager(a),
        "owner_b": owner_of(b),
        "coordinator": UserFactory.create(is_staff=True),
        # A second coordinator, who proposes the tandem.
        "proposer": UserFactory.create(is_staff=True),
    }
    MembershipFactory.create(user=people["member_a"], community=a)
    MembershipFactory.create(user=people["moderator_a"], community=a, role=Membership.Role.MODERATOR)
    tandem = services.tandem_propose(actor=people["proposer"], community=a, other=b)
    if state in ("active", "closed"):
        services.tandem_accept(actor=people["manager_a"], tandem=tandem)
        services.tandem_accept(actor=people["owner_b"], tandem=tandem)
    if state == "closed":
        services.tandem_close(actor=people["manager_a"], tandem=tandem)
    tandem = Tandem.objects.select_related("community", "other_community", "partner").get(pk=tandem.pk)
    return tandem, people


@pytest.mark.parametrize("state", ["proposed", "active", "closed"])
@pytest.mark.parametrize("kind", KINDS)
def test_permission_matrix(state, kind):
    tandem, people = _setup(state)
    viewer = Viewer(people[kind])
    allowed = {action for action, predicate in PREDICATES.items() if predicate(viewer, tandem)}
    assert allowed == EXPECTED[state][kind]
    # Parity of the predicate and its queryset twin.
    assert perms.visible_tandems(Viewer(people[kind])).filter(pk=tandem.pk).exists() == ("view" in allowed)


def _snapshot() -> dict[str, Any]:
    return {
        "tandems": list(Tandem.objects.order_by("pk").values()),
        "meetings": TandemMeeting.objects.count(),
        "audit": AuditEntry.objects.count(),
    }


SERVICE_CALLS: dict[str, Any] = {
    "accept": lambda actor, t: services.tandem_accept(actor=actor, tandem=t),
    "decline": lambda actor, t: services.tandem_decline(actor=actor, tandem=t),
    "withdraw": lambda actor, t: services.tandem_withdraw(actor=actor, tandem=t),
    "log": lambda actor, t: services.tandem_meeting_log(actor=actor, tandem=t, date=timezone.localdate()),
    "write": lambda actor, t: services.tandem_learnings_save(actor=actor, tandem=t, learnings="x", share=True),
    "close": lambda actor, t: services.tandem_close(actor=actor, tandem=t),
}


@pytest.mark.parametrize("state", ["proposed", "active"])
@pytest.mark.parametrize("kind", ["employee", "member_a", "moderator_a", "coordinator"])
def test_denied_services_change_nothing(state, kind):
    tandem, people = _setup(state)
    for action, call in SERVICE_CALLS.items():
        if action in EXPECTED[state][kind]:
            continue
        before = _snapshot()
        with pytest.raises(PermissionDenied):
            call(people[kind], tandem)
        assert _snapshot() == before, action


def test_scoped_coordinator_sees_tandems_of_covered_sides_only():
    from django.contrib.auth.models import Permission

    from communities.models import CoordinatorScope
    from tests.communities.factories import CategoryFactory

    covered, other_category = CategoryFactory.create(), CategoryFactory.create()
    inside = make_community("Inside", tags=("energy",), category=covered)
    outside_a = make_community("Outside A", tags=("energy",), category=other_category)
    outside_b = make_community("Outside B", tags=("energy",), category=other_category)
    seen = services.tandem_propose(actor=owner_of(inside), community=inside, other=outside_a)
    unseen = services.tandem_propose(actor=owner_of(outside_a), community=outside_a, other=outside_b)
    scoped = UserFactory.create()
    scoped.user_permissions.add(Permission.objects.get(codename="coordinate", content_type__app_label="communities"))
    CoordinatorScope.objects.create(user=scoped).categories.set([covered])
    for tandem in (seen, unseen):
        tandem = Tandem.objects.select_related("community", "other_community").get(pk=tandem.pk)
        visible = perms.visible_tandems(Viewer(scoped)).filter(pk=tandem.pk).exists()
        assert perms.can_view_tandem(Viewer(scoped), tandem) == visible == (tandem.pk == seen.pk)
    assert perms.can_propose_tandem(Viewer(scoped), inside, outside_a)
    assert not perms.can_propose_tandem(Viewer(scoped), outside_a, outside_b)
