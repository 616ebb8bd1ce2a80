"""Levels: requirements, the rights they unlock (via the permissions modules), applications,
promotion and demotion with audit rows, and the contract selector."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils import timezone

from communities.core.permissions import can_set_official
from communities.models import CommunityCanvas, CommunityHealth, Membership
from intranet.core.models import AuditEntry
from intranet.core.viewer import Viewer
from tests.communities.factories import CommunityFactory, MembershipFactory
from tests.factories import UserFactory
from training.levels.permissions import has_level_right
from training.levels.selectors import levels_for_users
from training.levels.services import (
    LevelError,
    level_application_decide,
    level_application_submit,
    level_requirements,
    level_save,
    level_set,
)
from training.models import Certificate, EvidenceKind, Level, LevelApplication, LevelChange, LevelRight, UserLevel

pytestmark = pytest.mark.django_db


def _level(coordinator, rank: int, rights: list[str] | None = None, **fields) -> Level:
    fields.setdefault("name", f"Level {rank}")
    return level_save(actor=coordinator, level=Level(rank=rank, **fields), rights=rights)


def _manager_since(user, months: int):
    community = CommunityFactory.create()
    membership = MembershipFactory.create(user=user, community=community, role=Membership.Role.OWNER)
    Membership.objects.filter(pk=membership.pk).update(created_at=timezone.now() - dt.timedelta(days=31 * months))
    return community


def test_levels_for_users_is_one_query(coordinator, django_assert_num_queries):
    level = _level(coordinator, 1)
    people = UserFactory.create_batch(3)
    for person in people[:2]:
        level_set(actor=coordinator, user=person, level=level)
    with django_assert_num_queries(1):
        result = levels_for_users([p.pk for p in people])
    assert {k: v.pk for k, v in result.items()} == {people[0].pk: level.pk, people[1].pk: level.pk}
    with django_assert_num_queries(0):
        assert levels_for_users([]) == {}


def test_requirements_certificate_months_and_canvas(coordinator, programme):
    level = _level(coordinator, 2, min_manager_months=6, evidence=EvidenceKind.CANVAS)
    level.required_programmes.add(programme)
    person = UserFactory.create()
    assert [r.met for r in level_requirements(user_id=person.pk, level=level)] == [False, False, False]
    Certificate.objects.create(user=person, programme=programme)
    community = _manager_since(person, 7)
    CommunityCanvas.objects.create(community=community, completed_at=timezone.now())
    assert [r.met for r in level_requirements(user_id=person.pk, level=level)] == [True, True, True]


def test_requirement_months_counts_only_manager_roles(coordinator):
    level = _level(coordinator, 1, min_manager_months=3)
    person = UserFactory.create()
    membership = MembershipFactory.create(user=person, role=Membership.Role.MEMBER)
    Membership.objects.filter(pk=membership.pk).update(created_at=timezone.now() - dt.timedelta(days=400))
    assert not level_requirements(user_id=person.pk, level=level)[0].met
    _manager_since(person, 2)
    assert not level_requirements(user_id=person.pk, level=level)[0].met
    _manager_since(person, 4)
    assert level_requirements(user_id=person.pk, level=level)[0].met


def test_requirement_health_score(coordinator):
    level = _level(coordinator, 1, evidence=EvidenceKind.HEALTH, min_health_score=60)
    person = UserFactory.create()
    community = _manager_since(person, 1)
    CommunityHealth.objects.create(community=community, score=59)
    assert not level_requirements(user_id=person.pk, level=level)[0].met
    CommunityHealth.objects.filter(community=community).update(score=60)
    assert level_requirements(user_id=person.pk, level=level)[0].met


def test_promotion_refuses_unmet_requirements_unless_overridden(coordinator):
    level = _level(coordinator, 1, min_manager_months=12)
    person = UserFactory.create()
    with pytest.raises(LevelError, match="Requirements not met"):
        level_set(actor=coordinator, user=person, level=level)
    with pytest.raises(LevelError):
        level_set(actor=coordinator, user=person, level=level, override=True)
    level_set(actor=coordinator, user=person, level=level, override=True, reason="Long experience elsewhere")
    assert UserLevel.objects.get(user=person).level == level


def test_rights_are_cumulative_and_unlock_official_communities(coordinator):
    basic = _level(coordinator, 1, rights=[LevelRight.MENTOR_OTHERS])
    senior = _level(coordinator, 2, rights=[LevelRight.CREATE_OFFICIAL_COMMUNITIES])
    person = UserFactory.create()
    community = CommunityFactory.create()
    MembershipFactory.create(user=person, community=community, role=Membership.Role.OWNER)

    def viewer():
        return Viewer(type(person).objects.get(pk=person.pk))

    assert not has_level_right(viewer(), LevelRight.MENTOR_OTHERS)
    assert not can_set_official(viewer(), community)

    level_set(actor=coordinator, user=person, level=basic)
    assert has_level_right(viewer(), LevelRight.MENTOR_OTHERS)
    assert not has_level_right(viewer(), LevelRight.CREATE_OFFICIAL_COMMUNITIES)
    assert not can_set_official(viewer(), community)

    level_set(actor=coordinator, user=person, level=senior)
    assert has_level_right(viewer(), LevelRight.MENTOR_OTHERS)  # cumulative
    assert has_level_right(viewer(), LevelRight.CREATE_OFFICIAL_COMMUNITIES)
    assert can_set_official(viewer(), community)
    # Only for communities the person runs.
    assert not can_set_official(viewer(), CommunityFactory.create())

    level_set(actor=coordinator, user=person, level=basic, reason="Stepped back")
    assert not has_level_right(viewer(), LevelRight.CREATE_OFFICIAL_COMMUNITIES)
    assert not can_set_official(viewer(), community)

    level_set(actor=coordinator, user=person, level=None, reason="Left the role")
    assert not has_level_right(viewer(), LevelRight.MENTOR_OTHERS)
    assert not person.groups.exists()


def test_has_level_right_is_one_query_then_cached(coordinator, django_assert_num_queries):
    level = _level(coordinator, 1, rights=[LevelRight.MODERATE_CATEGORY])
    person = UserFactory.create()
    level_set(actor=coordinator, user=person, level=level)
    viewer = Viewer(person)
    with django_assert_num_queries(1):
        assert has_level_right(viewer, LevelRight.MODERATE_CATEGORY)
        assert not has_level_right(viewer, LevelRight.MENTOR_OTHERS)


def test_level_changes_are_audited_and_kept_in_history(coordinator):
    one, two = _level(coordinator, 1), _level(coordinator, 2)
    person = UserFactory.create()
    before = AuditEntry.objects.count()
    level_set(actor=coordinator, user=person, level=one)
    level_set(actor=coordinator, user=person, level=two)
    with pytest.raises(LevelError, match="reason"):
        level_set(actor=coordinator, user=person, level=one)
    level_set(actor=coordinator, user=person, level=one, reason="Inactive for a year")
    actions = list(AuditEntry.objects.order_by("id").values_list("action", flat=True)[before:])
    assert actions == ["training.level_promoted", "training.level_promoted", "training.level_demoted"]
    entry = AuditEntry.objects.filter(action="training.level_demoted").get()
    assert entry.actor_id == coordinator.pk and entry.reason == "Inactive for a year"
    assert entry.before is not None and entry.after is not None
    assert entry.before["level"] == two.pk and entry.after["level"] == one.pk
    assert LevelChange.objects.filter(user=person).count() == 3


def test_nobody_changes_their_own_level(coordinator):
    level = _level(coordinator, 1)
    with pytest.raises(PermissionDenied):
        level_set(actor=coordinator, user=coordinator, level=level)
    assert not UserLevel.objects.exists()


def test_application_approved_awards_the_level(coordinator):
    level = _level(coordinator, 1)
    person = UserFactory.create()
    application = level_application_submit(actor=person, level=level, evidence_text="I ran three communities.")
    with pytest.raises(LevelError):
        level_application_submit(actor=person, level=level, evidence_text="Again")
    with pytest.raises(PermissionDenied):
        level_application_decide(actor=person, application=application, approve=True)
    level_application_decide(actor=coordinator, application=application, approve=True, note="Welcome")
    application.refresh_from_db()
    assert application.state == LevelApplication.State.APPROVED
    assert UserLevel.objects.get(user=person).level == level
    assert AuditEntry.objects.filter(action="training.level_application_approved").count() == 1


def test_application_declined_changes_no_level(coordinator):
    level = _level(coordinator, 1)
    person = UserFactory.create()
    application = level_application_submit(actor=person, level=level, evidence_text="Evidence")
    level_application_decide(actor=coordinator, application=application, approve=False, note="Not yet")
    assert not UserLevel.objects.filter(user=person).exists()
    assert AuditEntry.objects.filter(action="training.level_application_declined").count() == 1


def test_application_links_must_be_web_addresses(coordinator):
    level = _level(coordinator, 1)
    with pytest.raises(LevelError):
        level_application_submit(
            actor=UserFactory.create(), level=level, evidence_text="x", evidence_links="javascript:alert(1)"
        )


def test_profile_shows_level_history_and_certificates(client, coordinator, programme):
    level = _level(coordinator, 1, name="Certified Community Manager")
    person = UserFactory.create()
    Certificate.objects.create(user=person, programme=programme)
    level_set(actor=coordinator, user=person, level=level)
    client.force_login(UserFactory.create())
    html = client.get(reverse("accounts:profile_detail", kwargs={"handle": person.handle})).content.decode()
    assert 'id="profile-qualification"' in html
    assert "Certified Community Manager" in html
    assert programme.title in html


def test_level_person_page_promotes(client, coordinator):
    level = _level(coordinator, 1)
    person = UserFactory.create()
    client.force_login(coordinator)
    url = reverse("training:level_person", args=[person.handle])
    assert client.get(url).status_code == 200
    response = client.post(url, {"level": level.pk, "reason": ""})
    assert response.status_code == 302
    assert UserLevel.objects.get(user=person).level == level


def test_a_level_change_notifies_the_person(coordinator, django_capture_on_commit_callbacks):
    from intranet.notifications.models import Notification

    level = _level(coordinator, 1, name="Community Manager")
    person = UserFactory.create()
    with django_capture_on_commit_callbacks(execute=True):
        level_set(actor=coordinator, user=person, level=level)
    note = Notification.objects.get(recipient=person, kind="training.level_changed")
    assert note.params["level"] == "Community Manager"
    # Running the task again notifies nobody twice.
    from training.levels.notify import notify_level_changed

    notify_level_changed(LevelChange.objects.get(user=person).pk)
    assert Notification.objects.filter(recipient=person, kind="training.level_changed").count() == 1
