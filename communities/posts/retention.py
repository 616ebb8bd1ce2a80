"""Per-community retention of posts (``Community.post_retention_days``; 0 keeps them).

Posts older than their community's period are archived (kept readable, locked against new comments,
``archived_at`` set) or deleted for good with their comments, reactions and attachments (files
after commit), as the community's ``post_retention_action`` says. Pinned posts are not exempt:
retention is a rule the community's owners chose.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from django.db import transaction
from django.db.models import Count, DateTimeField, ExpressionWrapper, F, QuerySet, Value
from django.utils import timezone
from django.utils.translation import pgettext_lazy

from communities.core.models import Community, PostRetention
from communities.posts.models import Attachment, ContentStatus, Post
from intranet.core.retention import RetentionRule, register_retention_rule


def _older_than_retention(now: datetime, action: str) -> QuerySet[Any]:
    limit = ExpressionWrapper(
        Value(now) - F("community__post_retention_days") * Value(timedelta(days=1)),
        output_field=DateTimeField(),
    )
    return Post.objects.filter(
        community__post_retention_days__gt=0,
        community__post_retention_action=action,
    ).filter(created_at__lt=limit)


def _archive_due(now: datetime) -> QuerySet[Any]:
    return _older_than_retention(now, PostRetention.ARCHIVE).filter(archived_at__isnull=True)


def _delete_due(now: datetime) -> QuerySet[Any]:
    return _older_than_retention(now, PostRetention.DELETE)


def _archive(qs: QuerySet[Any]) -> int:
    return int(qs.update(archived_at=timezone.now(), is_locked=True))


def _delete(qs: QuerySet[Any]) -> int:
    counted = (
        qs.filter(status=ContentStatus.PUBLISHED, deleted_at__isnull=True)
        .values("community_id")
        .annotate(n=Count("pk"))
    )
    for row in counted:
        Community.objects.filter(pk=row["community_id"]).update(post_count=F("post_count") - row["n"])
    storage = Attachment._meta.get_field("file").storage
    names = list(Attachment.objects.filter(post__in=qs).values_list("file", flat=True))
    deleted = qs.delete()[1].get(Post._meta.label, 0)

    def delete_files() -> None:
        for name in names:
            storage.delete(name)

    transaction.on_commit(delete_files)
    return deleted


def register_rules() -> None:
    register_retention_rule(
        RetentionRule(
            key="community_posts_archive",
            label=pgettext_lazy("retention", "Community posts (archived)"),
            setting="",
            due=_archive_due,
            act=_archive,
            action="archive",
        )
    )
    register_retention_rule(
        RetentionRule(
            key="community_posts_delete",
            label=pgettext_lazy("retention", "Community posts (deleted)"),
            setting="",
            due=_delete_due,
            act=_delete,
        )
    )
