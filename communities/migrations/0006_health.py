# The community-health models (issue 9): MembershipEvent, CommunityDayFigures, CommunityHealth.

import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("communities", "0005_inbox"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name="CommunityDayFigures",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("day", models.DateField(verbose_name="day")),
                ("members", models.PositiveIntegerField(default=0, verbose_name="members")),
                ("joins", models.PositiveIntegerField(default=0, verbose_name="joined")),
                ("leaves", models.PositiveIntegerField(default=0, verbose_name="left")),
                ("active_7d", models.PositiveIntegerField(default=0, verbose_name="active members (7 days)")),
                ("active_30d", models.PositiveIntegerField(default=0, verbose_name="active members (30 days)")),
                ("posts", models.PositiveIntegerField(default=0, verbose_name="posts")),
                ("comments", models.PositiveIntegerField(default=0, verbose_name="comments")),
                ("reactions", models.PositiveIntegerField(default=0, verbose_name="reactions")),
                ("questions", models.PositiveIntegerField(default=0, verbose_name="questions asked")),
                ("questions_answered", models.PositiveIntegerField(default=0, verbose_name="questions answered")),
                (
                    "median_first_answer_minutes",
                    models.PositiveIntegerField(null=True, verbose_name="median time to first answer (minutes)"),
                ),
                ("no_reply_share", models.FloatField(null=True, verbose_name="share of posts without reply")),
                ("manager_actions", models.PositiveIntegerField(default=0, verbose_name="manager actions")),
                ("computed_at", models.DateTimeField(default=django.utils.timezone.now, verbose_name="computed at")),
                (
                    "community",
                    models.ForeignKey(
                        db_index=False,
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="day_figures",
                        to="communities.community",
                    ),
                ),
            ],
            options={
                "verbose_name": "daily community figures",
                "verbose_name_plural": "daily community figures",
            },
        ),
        migrations.CreateModel(
            name="CommunityHealth",
            fields=[
                (
                    "community",
                    models.OneToOneField(
                        on_delete=django.db.models.deletion.CASCADE,
                        primary_key=True,
                        related_name="health",
                        serialize=False,
                        to="communities.community",
                    ),
                ),
                (
                    "state",
                    models.CharField(
                        choices=[
                            ("thriving", "Thriving"),
                            ("steady", "Steady"),
                            ("slowing", "Slowing down"),
                            ("dormant", "Dormant"),
                            ("orphaned", "Orphaned"),
                        ],
                        default="steady",
                        max_length=10,
                        verbose_name="state",
                    ),
                ),
                ("score", models.PositiveSmallIntegerField(default=0, verbose_name="score")),
                ("size_class", models.CharField(blank=True, max_length=12, verbose_name="size class")),
                ("explanation", models.JSONField(blank=True, default=list, verbose_name="explanation")),
                ("trend", models.JSONField(blank=True, default=list, verbose_name="trend")),
                ("last_activity_at", models.DateTimeField(blank=True, null=True, verbose_name="last activity")),
                ("computed_at", models.DateTimeField(default=django.utils.timezone.now, verbose_name="computed at")),
            ],
            options={
                "verbose_name": "community health",
                "verbose_name_plural": "community health",
                "indexes": [models.Index(fields=["state", "score"], name="community_health_state")],
                "constraints": [
                    models.CheckConstraint(condition=models.Q(("score__lte", 100)), name="community_health_score_range")
                ],
            },
        ),
        migrations.CreateModel(
            name="MembershipEvent",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                (
                    "kind",
                    models.CharField(
                        choices=[
                            ("joined", "Joined"),
                            ("left", "Left"),
                            ("removed", "Removed"),
                            ("banned", "Banned"),
                            ("unbanned", "Ban lifted"),
                            ("role_changed", "Role changed"),
                        ],
                        max_length=16,
                        verbose_name="kind",
                    ),
                ),
                ("role", models.CharField(blank=True, max_length=10, verbose_name="role")),
                ("created_at", models.DateTimeField(default=django.utils.timezone.now, verbose_name="when")),
                (
                    "community",
                    models.ForeignKey(
                        db_index=False,
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="membership_events",
                        to="communities.community",
                    ),
                ),
                (
                    "user",
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
                "verbose_name": "membership event",
                "verbose_name_plural": "membership events",
            },
        ),
        migrations.AddIndex(
            model_name="communitydayfigures",
            index=models.Index(fields=["day"], name="community_day_figures_day"),
        ),
        migrations.AddConstraint(
            model_name="communitydayfigures",
            constraint=models.UniqueConstraint(fields=("community", "day"), name="community_day_figures_once"),
        ),
        migrations.AddIndex(
            model_name="membershipevent",
            index=models.Index(fields=["community", "created_at"], name="membership_event_community"),
        ),
    ]
