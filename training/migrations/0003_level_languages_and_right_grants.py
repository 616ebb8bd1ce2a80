"""Levels in two languages, and their rights as rows of the rights registry (issue 18, item 11).

* ``name`` and ``description`` become the English texts (``name_en``, ``description_en``), renamed
  in place so nothing is copied; the German ones start empty (the English text shows until a
  coordinator translates it, and the level list says which are missing).
* The free-text ``rights`` array becomes one ``LevelRightGrant`` row per level and right. Entries
  typed into the old admin field are read generously (case, spaces, hyphens, several codes in one
  entry separated by commas, semicolons or blanks); what still names no right of the registry is
  kept on the level in ``unrecognised_rights`` (shown to coordinators), so no entry is lost.
  Backwards, the grants and the unrecognised entries become the array again.
"""

from __future__ import annotations

import re
from typing import Any

import django.contrib.postgres.fields
import django.db.models.deletion
from django.db import migrations, models

#: The registry's codes when this migration was written (migrations do not import the live code).
KNOWN_RIGHTS = ("create_official_communities", "mentor_others", "moderate_category")

_SEPARATORS = re.compile(r"[,;\s]+")


def split_rights(entries: list[str] | None) -> tuple[list[str], list[str]]:
    """The registry codes and the unrecognised entries of an old ``rights`` array, each once, in
    their order. Unrecognised entries are kept as typed (stripped), not normalised."""
    known: list[str] = []
    unknown: list[str] = []
    for entry in entries or []:
        for part in _SEPARATORS.split(entry or ""):
            raw = part.strip()
            if not raw:
                continue
            code = raw.lower().replace("-", "_")
            if code in KNOWN_RIGHTS:
                if code not in known:
                    known.append(code)
            elif raw not in unknown:
                unknown.append(raw)
    return known, unknown


def rights_to_grants(apps: Any, schema_editor: Any) -> None:
    Level = apps.get_model("training", "Level")
    Grant = apps.get_model("training", "LevelRightGrant")
    grants = []
    for level in Level.objects.order_by("pk"):
        known, unknown = split_rights(level.rights)
        grants.extend(Grant(level_id=level.pk, right=code) for code in known)
        if unknown:
            level.unrecognised_rights = unknown
            level.save(update_fields=["unrecognised_rights"])
    Grant.objects.bulk_create(grants)


def grants_to_rights(apps: Any, schema_editor: Any) -> None:
    Level = apps.get_model("training", "Level")
    Grant = apps.get_model("training", "LevelRightGrant")
    codes: dict[int, list[str]] = {}
    for level_id, right in Grant.objects.order_by("pk").values_list("level_id", "right"):
        codes.setdefault(level_id, []).append(right)
    for level in Level.objects.order_by("pk"):
        rights = codes.get(level.pk, []) + list(level.unrecognised_rights or [])
        if rights:
            level.rights = rights
            level.save(update_fields=["rights"])


class Migration(migrations.Migration):
    dependencies = [
        ("training", "0002_exams_levels_circles"),
    ]

    operations = [
        migrations.RenameField(model_name="level", old_name="name", new_name="name_en"),
        migrations.AlterField(
            model_name="level",
            name="name_en",
            field=models.CharField(max_length=100, verbose_name="name (English)"),
        ),
        migrations.RenameField(model_name="level", old_name="description", new_name="description_en"),
        migrations.AlterField(
            model_name="level",
            name="description_en",
            field=models.TextField(blank=True, verbose_name="description (English)"),
        ),
        migrations.AddField(
            model_name="level",
            name="name_de",
            field=models.CharField(blank=True, max_length=100, verbose_name="name (German)"),
        ),
        migrations.AddField(
            model_name="level",
            name="description_de",
            field=models.TextField(blank=True, verbose_name="description (German)"),
        ),
        migrations.AddField(
            model_name="level",
            name="unrecognised_rights",
            field=django.contrib.postgres.fields.ArrayField(
                base_field=models.CharField(max_length=100),
                blank=True,
                default=list,
                editable=False,
                size=None,
                verbose_name="unrecognised rights",
            ),
        ),
        migrations.CreateModel(
            name="LevelRightGrant",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                (
                    "right",
                    models.CharField(
                        choices=[
                            ("create_official_communities", "Create official communities"),
                            ("mentor_others", "Mentor other community managers"),
                            ("moderate_category", "Moderate a category"),
                        ],
                        max_length=40,
                        verbose_name="right",
                    ),
                ),
                (
                    "level",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE, related_name="grants", to="training.level"
                    ),
                ),
            ],
            options={
                "verbose_name": "right of a level",
                "verbose_name_plural": "rights of levels",
                "constraints": [
                    models.UniqueConstraint(fields=("level", "right"), name="training_level_right_unique"),
                    models.CheckConstraint(
                        condition=models.Q(
                            ("right__in", ["create_official_communities", "mentor_others", "moderate_category"])
                        ),
                        name="training_level_right_known",
                    ),
                ],
            },
        ),
        migrations.RunPython(rights_to_grants, grants_to_rights),
        migrations.RemoveField(model_name="level", name="rights"),
    ]
