from __future__ import annotations

import pytest
from django.contrib.auth.models import Permission
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from communities.core.services import (
    community_archive,
    community_create,
    community_recount_members,
    community_set_official,
    community_settings_save,
    community_unarchive,
    community_update,
    membership_join,
)
from communities.models import Community, Membership
from intranet.core.models import AuditEntry
from intranet.core.viewer import Viewer
from tests.communities.conftest import snapshot
from tests.communities.factories import CategoryFactory, MembershipFactory
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

Role = Membership.Role


def test_create_makes_the_creator_owner_and_counts_them(user):
    category = CategoryFactory.create()
    community = community_create(
        actor=user,
        name="  Über Öl & Gas  ",
        description="Wir reden über Raffinerien.",
        category=category,
        tags=["Energie", "energie", " Öl ", ""],
        language="de",
        visibility=Community.Visibility.PRIVATE,
        join_policy=Community.JoinPolicy.REQUEST,
    )
    community.refresh_from_db()
    assert community.name == "Über Öl & Gas"
    assert community.slug == "ueber-oel-gas"
    assert community.member_count == 1
    assert community.created_by == user
    assert sorted(community.tags.names()) == ["Energie", "Öl"]
    assert community.tag_names == "Energie, Öl"
    membership = Membership.objects.get(community=community)
    assert (membership.user, membership.role, membership.state) == (user, Role.OWNER, Membership.State.ACTIVE)
    entry = AuditEntry.objects.get()
    assert entry.action == "community.created" and entry.scope == f"community:{community.pk}"
    assert entry.after is not None and entry.after["visibility"] == "private" and entry.before is None


def test_create_reuses_the_spelling_of_existing_tags(user):
    community_create(actor=user, name="First", tags=["Python"])
    second = community_create(actor=user, name="Second", tags=["PYTHON", "Django"])
    assert sorted(second.tags.names()) == ["Django", "Python"]


def test_generated_slugs_avoid_collisions_and_reserved_words(user):
    assert community_create(actor=user, name="Running Club").slug == "running-club"
    assert community_create(actor=user, name="Running club!").slug == "running-club-2"
    assert community_create(actor=user, name="Running  Club").slug == "running-club-3"
    assert community_create(actor=user, name="New").slug == "new-2"
    assert community_create(actor=user, name="???").slug == "community"


def test_duplicate_explicit_slug_is_a_clear_error_and_nothing_is_saved(user):
    community_create(actor=user, name="Running Club", slug="running")
    before = snapshot()
    with pytest.raises(ValidationError) as excinfo:
        community_create(actor=user, name="Other runners", slug="running")
    assert excinfo.value.code == "duplicate_slug"
    assert "“running” is already taken" in excinfo.value.messages[0]
    assert snapshot() == before


@pytest.mark.parametrize("slug", ["Has Spaces", "ümlaut", "-edge-", "a" * 81, "new"])
def test_invalid_explicit_slugs_are_refused(user, slug):
    with pytest.raises(ValidationError):
        community_create(actor=user, name="X", slug=slug)
    assert not Community.objects.exists()


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"name": "   "}, "name"),
        ({"name": "x" * 121}, "name"),
        ({"name": "ok", "visibility": "hidden"}, "visibility"),
        ({"name": "ok", "tags": ["t" * 51]}, "tags"),
        ({"name": "ok", "tags": [f"t{i}" for i in range(21)]}, "tags"),
        ({"name": "ok", "cover_image": SimpleUploadedFile("cover.exe", b"MZ")}, "cover_image"),
    ],
)
def test_bad_input_is_refused_with_the_field_named(user, fields, field):
    with pytest.raises(ValidationError) as excinfo:
        community_create(actor=user, **fields)
    assert field in excinfo.value.message_dict
    assert not Community.objects.exists() and not AuditEntry.objects.exists()


def test_creation_can_be_restricted(settings, user, staff_user):
    settings.COMMUNITY_CREATION_RESTRICTED = True
    with pytest.raises(PermissionDenied):
        community_create(actor=user, name="Mine")
    assert community_create(actor=staff_user, name="Official").slug == "official"
    user.user_permissions.add(Permission.objects.get(codename="add_community"))
    assert community_create(actor=user, name="Mine").slug == "mine-2"  # "mine" is reserved


def test_cover_image_is_stored_under_a_random_name(user):
    png = SimpleUploadedFile("Holiday photo of Anna.PNG", b"\x89PNG\r\n\x1a\n", content_type="image/png")
    community = community_create(actor=user, name="With cover", cover_image=png)
    assert community.cover_image.name.startswith("communities/covers/")
    assert community.cover_image.name.endswith(".png") and "Anna" not in community.cover_image.name


def test_update_audits_only_the_changed_fields(user):
    community = community_create(actor=user, name="Readers", description="Books")
    community = community_update(
        actor=user, community=community, name="Readers", description="Books and comics", tags=["comics"]
    )
    community.refresh_from_db()
    assert community.description == "Books and comics" and community.tag_names == "comics"
    entry = AuditEntry.objects.latest("id")
    assert entry.action == "community.updated"
    assert entry.before == {"description": "Books", "tag_names": ""}
    assert entry.after == {"description": "Books and comics", "tag_names": "comics"}
    count = AuditEntry.objects.count()
    community_update(actor=user, community=community, description="Books and comics")
    assert AuditEntry.objects.count() == count  # nothing changed, nothing recorded


def test_update_changes_category_and_removes_the_cover(user):
    png = SimpleUploadedFile("c.png", b"\x89PNG\r\n\x1a\n")
    community = community_create(actor=user, name="Readers", cover_image=png)
    category = CategoryFactory.create()
    community_update(actor=user, community=community, category=category, cover_image=None)
    community.refresh_from_db()
    assert community.category == category and not community.cover_image


def test_archive_and_unarchive(user):
    community = community_create(actor=user, name="Choir")
    community = community_archive(actor=user, community=community, reason="Paused")
    assert community.is_archived and community.archived_at is not None
    with pytest.raises(ValidationError):
        community_archive(actor=user, community=community)
    with pytest.raises(PermissionDenied):
        community_update(actor=user, community=community, description="Still here")
    community = community_unarchive(actor=user, community=community)
    assert not community.is_archived and community.archived_at is None
    actions = list(AuditEntry.objects.order_by("id").values_list("action", "reason"))
    assert actions == [("community.created", ""), ("community.archived", "Paused"), ("community.unarchived", "")]


def test_only_coordinators_set_the_official_flag(user, staff_user):
    community = community_create(actor=user, name="Safety")
    with pytest.raises(PermissionDenied):
        community_set_official(actor=user, community=community, is_official=True)
    community_set_official(actor=Viewer(staff_user), community=community, is_official=True)
    community_set_official(actor=staff_user, community=community, is_official=True)  # no change, no row
    entry = AuditEntry.objects.latest("id")
    assert (entry.action, entry.before, entry.after) == (
        "community.official_changed",
        {"is_official": False},
        {"is_official": True},
    )
    assert AuditEntry.objects.filter(action="community.official_changed").count() == 1


def test_settings_save_is_all_or_nothing(user, staff_user):
    community = community_create(actor=user, name="Safety")
    with pytest.raises(PermissionDenied):  # the owner may rename, not make it official
        community_settings_save(actor=user, community=community, changes={"name": "Renamed"}, is_official=True)
    community.refresh_from_db()
    assert (community.name, community.is_official) == ("Safety", False)
    community_settings_save(actor=user, community=community, changes={"name": "Renamed"})
    community_settings_save(actor=staff_user, community=community, changes={"name": "Again"}, is_official=True)
    community.refresh_from_db()
    assert (community.name, community.is_official) == ("Again", True)


def test_recount_repairs_member_counters(user):
    community = community_create(actor=user, name="Repair")
    MembershipFactory.create_batch(3, community=community)
    MembershipFactory.create(community=community, state=Membership.State.PENDING)
    assert community_recount_members(community_ids=[community.pk]) == 1
    community.refresh_from_db()
    assert community.member_count == 4
    membership_join(actor=UserFactory.create(), community=community)
    community.refresh_from_db()
    assert community.member_count == 5
