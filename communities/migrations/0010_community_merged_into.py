# Merging communities (issue 18, item 14): an archived source community remembers where its content
# went, so its page can say so. Existing merges that were not undone fill it in.

import django.db.models.deletion
from django.db import migrations, models


def fill_from_merge_records(apps, schema_editor):
    Community = apps.get_model("communities", "Community")
    MergeRecord = apps.get_model("communities", "MergeRecord")
    latest: dict[int, int] = {}
    for source_id, target_id in (
        MergeRecord.objects.filter(reversed_at__isnull=True)
        .order_by("created_at", "pk")
        .values_list("source_id", "target_id")
    ):
        latest[source_id] = target_id
    for source_id, target_id in sorted(latest.items()):
        Community.objects.filter(pk=source_id, lifecycle="archived").update(merged_into_id=target_id)


class Migration(migrations.Migration):
    dependencies = [
        ("communities", "0009_moderation_gaps"),
    ]

    operations = [
        migrations.AddField(
            model_name="community",
            name="merged_into",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name="+",
                to="communities.community",
                verbose_name="merged into",
            ),
        ),
        migrations.RunPython(fill_from_merge_records, migrations.RunPython.noop),
    ]
