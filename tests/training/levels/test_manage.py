"""Defining career levels in the product (issue 18, item 11): the rights registry, the service,
the coordinators' pages (who may, form errors, audit, idempotency, pinned query counts) and the
migration of the old free-text rights."""

from __future__ import annotations

import importlib
from typing import Any

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, connection, transaction
from django.db.migrations.executor import MigrationExecutor
from django.test import Client
from django.urls import reverse
from django.utils import translation

from intranet.core.models import AuditEntry
from tests.factories import UserFactory
from tests.support.forms import with_key
from tests.support.queries import assert_constant_queries
from tests.training.factories import ProgrammeFactory
from tests.training.qualification_helpers import QUALIFICATION_ROLES, person_in_role
from tests.training.query_helpers import fetch
from training.levels.rights import RIGHTS, LevelRight, rights_all, unknown_right_codes
from training.levels.services import (
    LevelError,
    level_application_submit,
    level_groups_sync,
    level_save,
    level_set,
)
from training.models import EvidenceKind, Level, LevelRightGrant

pytestmark = pytest.mark.django_db

MIGRATION = importlib.import_module("training.migrations.0003_level_languages_and_right_grants")


def form_data(**overrides: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "name_de": "Erfahrene Community-Managerin",
        "name_en": "Senior community manager",
        "description_de": "Führt Communities, die das ganze Unternehmen betreffen.",
        "description_en": "Runs communities that matter to the whole company.",
        "rank": 2,
        "min_manager_months": 6,
        "evidence": EvidenceKind.NONE,
        "min_health_score": "",
        "rights": [LevelRight.CREATE_OFFICIAL_COMMUNITIES, LevelRight.MENTOR_OTHERS],
    }
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


def client_for(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


# The registry ------------------------------------------------------------------------------------


def test_every_right_has_a_label_and_an_explanation_in_both_languages():
    assert [r.code for r in rights_all()] == list(LevelRight.values)
    assert set(RIGHTS) == set(LevelRight.values)
    for right in rights_all():
        english = (str(right.label), str(right.explanation))
        with translation.override("de"):
            german = (str(right.label), str(right.explanation))
        assert all(english) and all(german)
        assert german[0] != english[0] and german[1] != english[1], right.code
    assert RIGHTS[LevelRight.CREATE_OFFICIAL_COMMUNITIES].enforced
    assert not RIGHTS[LevelRight.MENTOR_OTHERS].enforced
    assert unknown_right_codes(["mentor_others", "fly", "fly", "admin"]) == ["fly", "admin"]


def test_names_follow_the_interface_language():
    level = Level(name_en="Senior manager", name_de="Erfahrene Managerin", description_en="", description_de="Text")
    assert level.name == "Senior manager" and level.description == "Text"
    with translation.override("de"):
        assert level.name == "Erfahrene Managerin"
    untranslated = Level(name="Only English")  # type: ignore[misc]  # the old single name: English, shown in German too
    assert untranslated.name_en == "Only English" and untranslated.missing_translations == ["de"]
    with translation.override("de"):
        assert untranslated.name == "Only English"


# The service -------------------------------------------------------------------------------------


def test_level_save_stores_rights_requirements_and_one_audit_row(coordinator, programme):
    level = level_save(
        actor=coordinator,
        level=Level(name_en="Senior", name_de="Erfahren", rank=2, min_manager_months=6),
        rights=[LevelRight.CREATE_OFFICIAL_COMMUNITIES, LevelRight.MENTOR_OTHERS, LevelRight.MENTOR_OTHERS],
        required_programmes=[programme],
    )
    assert sorted(LevelRightGrant.objects.filter(level=level).values_list("right", flat=True)) == [
        "create_official_communities",
        "mentor_others",
    ]
    assert list(level.required_programmes.all()) == [programme]
    # The enforced right reaches the level's auth group; the recognition grants no permission.
    assert level.group is not None
    assert list(level.group.permissions.values_list("codename", flat=True)) == ["create_official_community"]
    entry = AuditEntry.objects.get(action="training.level_created")
    assert entry.actor_id == coordinator.pk and entry.before in (None, {}) and entry.after is not None
    assert entry.after["rights"] == ["create_official_communities", "mentor_others"]
    assert entry.after["required_programmes"] == [programme.pk] and entry.after["name_de"] == "Erfahren"

    level.name_de = "Sehr erfahren"
    level_save(actor=coordinator, level=level, rights=[LevelRight.MODERATE_CATEGORY], required_programmes=[])
    change = AuditEntry.objects.get(action="training.level_changed")
    assert change.before is not None and change.after is not None
    assert change.before["rights"] == ["create_official_communities", "mentor_others"]
    assert change.before["name_de"] == "Erfahren" and change.after["name_de"] == "Sehr erfahren"
    assert change.after["rights"] == ["moderate_category"] and change.after["required_programmes"] == []
    assert list(LevelRightGrant.objects.filter(level=level).values_list("right", flat=True)) == ["moderate_category"]
    level.refresh_from_db()
    assert level.group is not None and not level.group.permissions.exists()


@pytest.mark.parametrize(
    ("fields", "rights", "field"),
    [
        ({"rank": 1}, [], "rank"),
        ({"rank": 3, "evidence": EvidenceKind.HEALTH}, [], "min_health_score"),
        ({"rank": 3, "evidence": EvidenceKind.HEALTH, "min_health_score": 101}, [], "min_health_score"),
        ({"rank": 3, "name_en": " ", "name_de": ""}, [], "name_en"),
        ({"rank": 3}, ["mentor_others", "delete_everything"], None),
    ],
)
def test_level_save_refuses_bad_input(coordinator, fields, rights, field):
    level_save(actor=coordinator, level=Level(name_en="First", rank=1))
    levels, audits = Level.objects.count(), AuditEntry.objects.count()
    fields = {"name_en": "Second", **fields}
    with pytest.raises(LevelError) as refused:
        level_save(actor=coordinator, level=Level(**fields), rights=rights)
    assert refused.value.field == field
    if rights:
        assert "delete_everything" in str(refused.value)
    assert Level.objects.count() == levels and AuditEntry.objects.count() == audits


def test_the_database_refuses_codes_outside_the_registry(coordinator):
    level = level_save(actor=coordinator, level=Level(name_en="First", rank=1))
    with pytest.raises(IntegrityError), transaction.atomic():
        LevelRightGrant.objects.create(level=level, right="delete_everything")


@pytest.mark.parametrize("role", QUALIFICATION_ROLES)
def test_only_coordinators_define_levels(role):
    viewer = person_in_role(role, UserFactory.create())
    if role == "coordinator":
        assert level_save(actor=viewer, level=Level(name_en="One", rank=1), rights=["mentor_others"]).pk
        return
    with pytest.raises(PermissionDenied):
        level_save(actor=viewer, level=Level(name_en="One", rank=1), rights=["mentor_others"])
    assert not Level.objects.exists() and not AuditEntry.objects.exists()


# The pages ---------------------------------------------------------------------------------------

PAGES = ["list", "create", "edit"]


def _url(page: str, level: Level) -> str:
    if page == "list":
        return reverse("training:level_manage_list")
    if page == "create":
        return reverse("training:level_manage_create")
    return reverse("training:level_manage_edit", args=[level.pk])


@pytest.mark.parametrize("role", QUALIFICATION_ROLES)
@pytest.mark.parametrize("page", PAGES)
def test_level_pages_are_for_coordinators_only(role, page, coordinator):
    level = level_save(actor=coordinator, level=Level(name_en="One", name_de="Eins", rank=1))
    viewer = person_in_role(role, UserFactory.create())
    client = Client()
    if not isinstance(viewer.user, AnonymousUser):
        client.force_login(viewer.user)
    url = _url(page, level)
    response = client.get(url)
    posted = client.post(url, with_key(form_data(rank=5))) if page != "list" else None
    if role == "coordinator":
        assert response.status_code == 200
        if posted is not None:
            assert posted.status_code == 302
        return
    expected = 302 if role == "anonymous" else 403
    assert response.status_code == expected
    if posted is not None:
        assert posted.status_code == expected
    assert Level.objects.get().name_en == "One" and Level.objects.count() == 1


def test_missing_level_is_404(coordinator):
    response = client_for(coordinator).get(reverse("training:level_manage_edit", args=[987654]))
    assert response.status_code == 404


def test_coordinator_creates_a_level_through_the_page(coordinator, programme):
    client = client_for(coordinator)
    page = client.get(reverse("training:level_manage_create")).content.decode()
    # Each right is offered with its explanation; no code is typed.
    for right in rights_all():
        assert str(right.explanation) in page and f'value="{right.code}"' in page
    data = with_key(form_data(required_programmes=[programme.pk]))
    response = client.post(reverse("training:level_manage_create"), data)
    assert response.status_code == 302 and response["Location"] == reverse("training:level_manage_list")
    level = Level.objects.get()
    assert (level.name_de, level.name_en, level.rank, level.min_manager_months) == (
        "Erfahrene Community-Managerin",
        "Senior community manager",
        2,
        6,
    )
    assert level.right_codes == ["create_official_communities", "mentor_others"]
    assert list(level.required_programmes.all()) == [programme]
    # The same form sent again (a double click) creates nothing more.
    assert client.post(reverse("training:level_manage_create"), data).status_code == 302
    assert Level.objects.count() == 1
    assert AuditEntry.objects.filter(action="training.level_created").count() == 1
    listing = client.get(reverse("training:level_manage_list")).content.decode()
    assert "Senior community manager" in listing and "Create official communities" in listing
    with translation.override("de"):
        german = client.get(reverse("training:level_manage_list"), HTTP_ACCEPT_LANGUAGE="de").content.decode()
    assert "Erfahrene Community-Managerin" in german


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"name_de": ""}, "name_de", "This field is required."),
        ({"rights": ["mentor_others", "delete_everything"]}, "rights", "“delete_everything” is no right"),
        ({"rank": 1}, "rank", "Rank 1 is already the rank of the level “First”. Choose another one."),
        ({"evidence": EvidenceKind.HEALTH}, "min_health_score", "Give the health score"),
        ({"evidence": EvidenceKind.HEALTH, "min_health_score": 150}, "min_health_score", "100"),
        ({"rank": "first"}, "rank", "Enter a whole number."),
    ],
)
def test_form_errors_are_clear_and_save_nothing(coordinator, overrides, field, message):
    level_save(actor=coordinator, level=Level(name_en="First", name_de="Erste", rank=1))
    audits = AuditEntry.objects.count()
    response = client_for(coordinator).post(reverse("training:level_manage_create"), with_key(form_data(**overrides)))
    assert response.status_code == 400
    errors = response.context["form"].errors
    assert field in errors and message in " ".join(errors[field])
    body = response.content.decode()
    assert "Nothing was saved" in body and f'id="id_{field}_error"' in body
    assert Level.objects.count() == 1 and AuditEntry.objects.count() == audits


def test_editing_keeps_the_unrecognised_old_entries_until_cleared(coordinator):
    level = level_save(actor=coordinator, level=Level(name_en="Old", rank=1), rights=["mentor_others"])
    Level.objects.filter(pk=level.pk).update(unrecognised_rights=["Admin-Rechte"])
    client = client_for(coordinator)
    url = reverse("training:level_manage_edit", args=[level.pk])
    page = client.get(url).content.decode()
    assert "Admin-Rechte" in page and 'id="unrecognised-rights"' in page
    assert 'value="mentor_others" id="id_rights_mentor_others" aria-describedby' in page and "checked" in page
    assert client.post(url, form_data(rank=1)).status_code == 302
    level.refresh_from_db()
    assert level.unrecognised_rights == ["Admin-Rechte"]
    assert client.post(url, form_data(rank=1, clear_unrecognised="on")).status_code == 302
    level.refresh_from_db()
    assert level.unrecognised_rights == []
    change = AuditEntry.objects.filter(action="training.level_changed").latest("pk")
    assert change.before is not None and change.after is not None
    assert change.before["unrecognised_rights"] == ["Admin-Rechte"] and change.after["unrecognised_rights"] == []


def test_manage_tab_shows_for_coordinators_only(coordinator):
    assert 'id="manage-levels-tab"' in client_for(coordinator).get(reverse("training:certified")).content.decode()
    scoped = person_in_role("scoped_coordinator", UserFactory.create()).user
    assert 'id="manage-levels-tab"' not in client_for(scoped).get(reverse("training:certified")).content.decode()


# Query counts ------------------------------------------------------------------------------------


def test_manage_pages_query_counts_do_not_grow(coordinator):
    client = client_for(coordinator)
    made: list[Level] = []

    def add_levels(n: int) -> None:
        for _ in range(n):
            rank = len(made) + 1
            level = level_save(
                actor=coordinator,
                level=Level(name_en=f"L{rank}", name_de=f"S{rank}", rank=rank),
                rights=["mentor_others", "create_official_communities"],
                required_programmes=[ProgrammeFactory.create()],
            )
            made.append(level)
            person = UserFactory.create()
            level_application_submit(actor=person, level=level, evidence_text="Evidence")
            level_set(actor=coordinator, user=UserFactory.create(), level=level, override=True, reason="test")

    assert_constant_queries(
        add_rows=add_levels, action=fetch(client, reverse("training:level_manage_list")), expected=EXPECTED["list"]
    )
    # The form: one level, as many programmes to choose from as there are.
    assert_constant_queries(
        add_rows=lambda n: ProgrammeFactory.create_batch(n),
        action=fetch(client, reverse("training:level_manage_edit", args=[made[0].pk])),
        expected=EXPECTED["edit"],
    )
    assert_constant_queries(
        add_rows=lambda n: ProgrammeFactory.create_batch(n),
        action=fetch(client, reverse("training:level_manage_create")),
        expected=EXPECTED["create"],
    )


#: Pinned counts (the session and user of every signed-in request included).
EXPECTED = {"list": 4, "edit": 5, "create": 2}


# The migration of the free-text rights -----------------------------------------------------------


def test_split_rights_reads_typed_entries_and_keeps_the_rest():
    assert MIGRATION.split_rights(None) == ([], [])
    assert MIGRATION.split_rights(
        [" Mentor-Others ", "create_official_communities, moderate_category", "mentor_others", "Admin;fly", ""]
    ) == (["mentor_others", "create_official_communities", "moderate_category"], ["Admin", "fly"])


def test_migration_turns_free_text_rights_into_grants_without_loss():
    executor = MigrationExecutor(connection)
    before = [("training", "0002_exams_levels_circles")]
    after = [("training", "0003_level_languages_and_right_grants")]
    # Migrations of other apps may depend on the newest training one: go back only as far as needed.
    executor.migrate(before)
    old_apps = executor.loader.project_state(before).apps
    OldLevel = old_apps.get_model("training", "Level")
    clean = OldLevel.objects.create(name="Clean", rank=1, rights=["mentor_others", "create_official_communities"])
    messy = OldLevel.objects.create(
        name="Messy", rank=2, description="Old text", rights=["MENTOR-OTHERS, moderate_category", "superpowers"]
    )
    empty = OldLevel.objects.create(name="Empty", rank=3)
    with connection.cursor() as cursor:
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(after)
    new_apps = executor.loader.project_state(after).apps
    NewLevel = new_apps.get_model("training", "Level")
    Grant = new_apps.get_model("training", "LevelRightGrant")

    def rights_of(pk: int) -> list[str]:
        return sorted(Grant.objects.filter(level_id=pk).values_list("right", flat=True))

    assert rights_of(clean.pk) == ["create_official_communities", "mentor_others"]
    assert rights_of(messy.pk) == ["mentor_others", "moderate_category"]
    assert rights_of(empty.pk) == []
    migrated = NewLevel.objects.get(pk=messy.pk)
    assert (migrated.name_en, migrated.name_de, migrated.description_en) == ("Messy", "", "Old text")
    assert migrated.unrecognised_rights == ["superpowers"]
    assert NewLevel.objects.get(pk=clean.pk).unrecognised_rights == []
    # And back: the grants and the kept entries become the array again.
    with connection.cursor() as cursor:
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(before)
    old_apps = executor.loader.project_state(before).apps
    restored = old_apps.get_model("training", "Level").objects.get(pk=messy.pk)
    assert sorted(restored.rights) == ["mentor_others", "moderate_category", "superpowers"]
    assert restored.name == "Messy"
    with connection.cursor() as cursor:
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(executor.loader.graph.leaf_nodes())
    level_groups_sync()  # the current code works on the migrated rows
    assert Level.objects.get(pk=clean.pk).name == "Clean"
