# Moderation gaps (issue 6): the moderator's reason on edited posts and comments, who last edited a
# comment, and hidden direct messages.

import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("communities", "0008_lifecycle"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name="comment",
            name="edited_by",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name="+",
                to=settings.AUTH_USER_MODEL,
            ),
        ),
        migrations.AddField(
            model_name="comment",
            name="moderator_note",
            field=models.CharField(blank=True, db_default="", default="", max_length=1000, verbose_name="moderator's reason"),
        ),
        migrations.AddField(
            model_name="post",
            name="moderator_note",
            field=models.CharField(blank=True, db_default="", default="", max_length=1000, verbose_name="moderator's reason"),
        ),
        migrations.CreateModel(
            name="HiddenMessage",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("message_id", models.BigIntegerField(unique=True)),
                ("conversation_id", models.BigIntegerField()),
                ("original_source", models.TextField()),
                ("original_html", models.TextField()),
                ("original_text", models.TextField()),
                ("reason", models.TextField(verbose_name="reason")),
                ("hidden_at", models.DateTimeField(default=django.utils.timezone.now)),
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
                    "hidden_by",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
            ],
            options={"verbose_name": "hidden message", "verbose_name_plural": "hidden messages"},
        ),
    ]
