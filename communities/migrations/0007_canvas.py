# The Community Canvas models (issue 8).

import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("communities", "0006_health"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name="CommunityCanvas",
            fields=[
                (
                    "community",
                    models.OneToOneField(
                        on_delete=django.db.models.deletion.CASCADE,
                        primary_key=True,
                        related_name="canvas",
                        serialize=False,
                        to="communities.community",
                    ),
                ),
                ("version_number", models.PositiveIntegerField(default=0, verbose_name="version")),
                ("answers", models.JSONField(default=dict, verbose_name="answers")),
                ("completed_at", models.DateTimeField(blank=True, null=True, verbose_name="completed at")),
                ("updated_at", models.DateTimeField(default=django.utils.timezone.now, verbose_name="updated at")),
                (
                    "updated_by",
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
                "verbose_name": "community canvas",
                "verbose_name_plural": "community canvases",
            },
        ),
        migrations.CreateModel(
            name="CanvasVersion",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("number", models.PositiveIntegerField(verbose_name="version")),
                ("created_at", models.DateTimeField(default=django.utils.timezone.now, verbose_name="saved at")),
                ("answers", models.JSONField(default=dict, verbose_name="answers")),
                ("changed_themes", models.JSONField(blank=True, default=list, verbose_name="changed themes")),
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
                    "canvas",
                    models.ForeignKey(
                        db_index=False,
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="versions",
                        to="communities.communitycanvas",
                    ),
                ),
            ],
            options={
                "verbose_name": "canvas version",
                "verbose_name_plural": "canvas versions",
                "constraints": [models.UniqueConstraint(fields=("canvas", "number"), name="canvas_version_once")],
            },
        ),
        migrations.CreateModel(
            name="CanvasComment",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("theme", models.CharField(blank=True, max_length=30, verbose_name="theme")),
                ("text", models.TextField(max_length=4000, verbose_name="comment")),
                ("version_number", models.PositiveIntegerField(default=0, verbose_name="on version")),
                ("created_at", models.DateTimeField(default=django.utils.timezone.now, verbose_name="written at")),
                ("is_resolved", models.BooleanField(default=False, verbose_name="resolved")),
                ("resolved_at", models.DateTimeField(blank=True, null=True, verbose_name="resolved at")),
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
                    "canvas",
                    models.ForeignKey(
                        db_index=False,
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="comments",
                        to="communities.communitycanvas",
                    ),
                ),
                (
                    "resolved_by",
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
                "verbose_name": "canvas comment",
                "verbose_name_plural": "canvas comments",
                "indexes": [models.Index(fields=["canvas", "is_resolved", "-created_at"], name="canvas_comment_open")],
            },
        ),
    ]
