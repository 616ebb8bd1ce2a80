"""Post fan-out through a real Celery worker on Redis (started by the ``celery_worker`` fixture)."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from communities.core import notify as kinds
from communities.core import services
from communities.models import Community, Membership, Post
from communities.posts import services as post_services
from communities.posts.tasks import post_notify_task
from intranet.accounts.models import User
from intranet.accounts.text import search_name_for
from intranet.notifications.models import Notification
from tests.factories import UserFactory
from tests.notifications.conftest import wait_for
from tests.support.forms import with_key

pytestmark = [pytest.mark.worker, pytest.mark.redis]


def add_members(community: Community, n: int, *, prefix: str, level: str = Membership.NotificationLevel.ALL) -> None:
    """``n`` active members in two bulk inserts (no per-person work)."""
    users = User.objects.bulk_create(
        User(
            email=f"{prefix}{i}@example.com",
            display_name=f"{prefix} {i}",
            handle=f"{prefix}{i}",
            search_name=search_name_for(f"{prefix} {i}"),
        )
        for i in range(n)
    )
    Membership.objects.bulk_create(Membership(user=u, community=community, notification_level=level) for u in users)
    Community.objects.filter(pk=community.pk).update(member_count=community.member_count + n)


def test_fan_out_runs_in_the_worker_and_twice_makes_no_duplicates(celery_worker):
    owner = UserFactory.create()
    community = services.community_create(actor=owner, name="Worker Garden")
    add_members(community, 30, prefix="w")
    post = post_services.post_create(actor=owner, community=community, kind=Post.Kind.ANNOUNCEMENT, title="T", body="B")
    # post_create committed and queued the task: the worker (another process) writes the rows.
    wait_for(lambda: Notification.objects.filter(kind=kinds.ANNOUNCEMENT).count() == 30, worker=celery_worker)
    # The same task, twice more, as a broker redelivery would do: no duplicates.
    first, second = post_notify_task.delay(post.pk), post_notify_task.delay(post.pk)
    # disable_sync_subtasks=False: an eager task of an earlier test in this process can leave
    # Celery believing it runs inside a task, and get() would refuse to wait.
    first.get(timeout=60, disable_sync_subtasks=False)
    second.get(timeout=60, disable_sync_subtasks=False)
    assert Notification.objects.count() == 30
    assert Notification.objects.values("recipient_id").distinct().count() == 30
    assert not Notification.objects.filter(recipient=owner).exists()
    assert "communities.post_notify" in celery_worker.output()


def test_post_in_a_4000_member_community_is_fanned_out_off_the_request(celery_worker, client):
    owner = UserFactory.create()
    small = services.community_create(actor=owner, name="Small")
    large = services.community_create(actor=owner, name="Large")
    add_members(small, 10, prefix="s")
    add_members(large, 4000, prefix="l")
    client.force_login(owner)

    def create_post(community: Community) -> int:
        url = reverse("communities:post_create", kwargs={"slug": community.slug})
        data = {"kind": "discussion", "title": f"News for {community.name}", "body": "Text", "tags": ""}
        with CaptureQueriesContext(connection) as ctx:
            response = client.post(url, with_key(data))
        assert response.status_code == 302, response.content.decode()[:2000]
        return len(ctx.captured_queries)

    create_post(small)  # warm per-process caches
    wait_for(lambda: Notification.objects.count() == 10, worker=celery_worker)
    queries_small = create_post(small)
    queries_large = create_post(large)
    assert queries_small == queries_large
    wait_for(lambda: Notification.objects.filter(scope=f"community:{large.pk}").count() == 4000, worker=celery_worker)
    rows = Notification.objects.filter(scope=f"community:{large.pk}")
    assert set(rows.values_list("kind", "delivery").distinct()) == {(kinds.NEW_POST, "daily")}
    assert rows.values("recipient_id").distinct().count() == 4000
