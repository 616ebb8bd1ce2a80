"""Handovers, lifecycle campaigns, merges and coordinator notes (issue 9)."""

import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("communities", "0007_canvas"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name="HandoverRecord",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                (
                    "kind",
                    models.CharField(
                        choices=[("manual", "Handed over"), ("deactivation", "Owner's account deactivated")],
                        default="manual",
                        max_length=12,
                        verbose_name="kind",
                    ),
                ),
                ("reason", models.CharField(blank=True, max_length=1000, verbose_name="reason")),
                ("created_at", models.DateTimeField(default=django.utils.timezone.now, verbose_name="when")),
                (
                    "by",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
                (
                    "community",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="handovers",
                        to="communities.community",
                    ),
                ),
                (
                    "from_user",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
                (
                    "to_user",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT, related_name="+", to=settings.AUTH_USER_MODEL
                    ),
                ),
            ],
            options={
                "verbose_name": "handover",
                "verbose_name_plural": "handovers",
                "ordering": ["-created_at", "-id"],
            },
        ),
        migrations.CreateModel(
            name="LifecycleCampaign",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("title", models.CharField(max_length=200, verbose_name="title")),
                (
                    "source",
                    models.CharField(
                        choices=[("coordinator", "Started by a coordinator"), ("schedule", "Weekly schedule")],
                        default="coordinator",
                        max_length=12,
                        verbose_name="source",
                    ),
                ),
                ("answer_days", models.PositiveSmallIntegerField(default=21, verbose_name="days to answer")),
                ("created_at", models.DateTimeField(default=django.utils.timezone.now, verbose_name="started")),
                (
                    "created_by",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
            ],
            options={
                "verbose_name": "lifecycle campaign",
                "verbose_name_plural": "lifecycle campaigns",
                "ordering": ["-created_at", "-id"],
            },
        ),
        migrations.CreateModel(
            name="CampaignCase",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("asked_at", models.DateTimeField(default=django.utils.timezone.now, verbose_name="asked")),
                ("reminded_at", models.DateTimeField(blank=True, null=True, verbose_name="reminded")),
                ("warned_at", models.DateTimeField(blank=True, null=True, verbose_name="warned")),
                ("deadline", models.DateTimeField(verbose_name="deadline")),
                ("answered_at", models.DateTimeField(blank=True, null=True, verbose_name="answered")),
                (
                    "answer",
                    models.CharField(
                        blank=True,
                        choices=[
                            ("keep", "Keep the community"),
                            ("archive", "Archive the community"),
                            ("merge", "Merge it into another community"),
                        ],
                        max_length=8,
                        verbose_name="answer",
                    ),
                ),
                (
                    "outcome",
                    models.CharField(
                        choices=[
                            ("open", "Waiting for an answer"),
                            ("kept", "Kept"),
                            ("archived", "Archived"),
                            ("merge_requested", "Merge requested"),
                            ("merged", "Merged"),
                            ("expired", "Archived without answer"),
                            ("withdrawn", "Withdrawn"),
                        ],
                        default="open",
                        max_length=16,
                        verbose_name="outcome",
                    ),
                ),
                ("closed_at", models.DateTimeField(blank=True, null=True, verbose_name="closed")),
                (
                    "answered_by",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
                (
                    "community",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="campaign_cases",
                        to="communities.community",
                    ),
                ),
                (
                    "merge_target",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to="communities.community",
                        verbose_name="merge into",
                    ),
                ),
                (
                    "campaign",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="cases",
                        to="communities.lifecyclecampaign",
                    ),
                ),
            ],
            options={
                "verbose_name": "campaign case",
                "verbose_name_plural": "campaign cases",
                "indexes": [models.Index(fields=["closed_at", "deadline"], name="campaign_case_due")],
                "constraints": [
                    models.UniqueConstraint(
                        condition=models.Q(("closed_at", None)), fields=("community",), name="campaign_case_one_open"
                    )
                ],
            },
        ),
        migrations.CreateModel(
            name="MergeRecord",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("reason", models.CharField(blank=True, max_length=1000, verbose_name="reason")),
                ("moved_membership_ids", models.JSONField(blank=True, default=list)),
                ("raised_roles", models.JSONField(blank=True, default=dict)),
                ("moved_post_ids", models.JSONField(blank=True, default=list)),
                ("source_was_active", models.BooleanField(default=True)),
                ("created_at", models.DateTimeField(default=django.utils.timezone.now, verbose_name="merged")),
                ("reversed_at", models.DateTimeField(blank=True, null=True, verbose_name="undone")),
                (
                    "by",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
                (
                    "reversed_by",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
                (
                    "source",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="merges_out",
                        to="communities.community",
                    ),
                ),
                (
                    "target",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="merges_in",
                        to="communities.community",
                    ),
                ),
            ],
            options={
                "verbose_name": "merge",
                "verbose_name_plural": "merges",
                "ordering": ["-created_at", "-id"],
            },
        ),
        migrations.CreateModel(
            name="CoordinatorNote",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("text", models.TextField(max_length=5000, verbose_name="note")),
                ("next_action", models.CharField(blank=True, max_length=300, verbose_name="next action")),
                ("next_action_due", models.DateField(blank=True, null=True, verbose_name="next action due")),
                ("created_at", models.DateTimeField(default=django.utils.timezone.now, verbose_name="written")),
                (
                    "author",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
                (
                    "manager",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE, related_name="+", to=settings.AUTH_USER_MODEL
                    ),
                ),
            ],
            options={
                "verbose_name": "coordinator note",
                "verbose_name_plural": "coordinator notes",
                "ordering": ["-created_at", "-id"],
                "indexes": [models.Index(fields=["manager", "-created_at"], name="coordinator_note_manager")],
            },
        ),
    ]
