"""Merging communities from the console (issue 18, item 14): the target is searched by name among
all communities (nothing preselected, no top-20 list), a summary of what moves is confirmed before
anything happens, a repeated confirmation changes nothing, and the archived source says where its
content went."""

from __future__ import annotations

import itertools
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from communities.lifecycle.services import community_merge, community_unmerge
from communities.models import Comment, Community, CommunityHealth, Membership, MergeRecord, Post
from communities.posts.services.comments import comment_create
from intranet.core.models import AuditEntry
from tests.communities.conftest import snapshot
from tests.communities.console.conftest import add_member, community_with, coordinator, posts_by
from tests.factories import UserFactory
from tests.support.queries import assert_constant_queries

pytestmark = pytest.mark.django_db
Role = Membership.Role


def client_for(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def merge_url(community: Community, **params: Any) -> str:
    url = reverse("communities:console_merge", args=[community.pk])
    return url + ("?" + "&".join(f"{k}={v}" for k, v in params.items()) if params else "")


def targets_url(community: Community, q: str) -> str:
    return reverse("communities:console_merge_targets", args=[community.pk]) + f"?q={q}"


def test_search_finds_any_community_by_name_and_preselects_nothing(staff) -> None:
    source = community_with(name="Alte Küche", slug="alte-kueche")
    for i in range(25):  # more large communities than the old top-20 list showed
        community_with(name=f"Big {i}", slug=f"big-{i}", members=3)
    small = community_with(name="Kochen für Anfänger", slug="kochen")
    community_with(name="Kochen Archiv", slug="kochen-archiv", lifecycle="archived", archived_at="2026-01-01T00:00Z")
    client = client_for(staff)
    page = client.get(merge_url(source)).content.decode()
    assert 'id="merge-q"' in page and 'name="target" value=""' in page and "Big 1" not in page
    assert client.get(targets_url(source, "")).content.decode().count('role="option" id=') == 0
    for query in ("kochen", "KOCHEN", "fur anfanger", "Kochn"):  # case, accents, a typo
        options = client.get(targets_url(source, query)).content.decode()
        assert f'data-handle="{small.pk}"' in options, query
        assert "Kochen Archiv" not in options  # archived communities are no target
    assert "Alte Küche" not in client.get(targets_url(source, "küche")).content.decode()  # never itself
    # without JavaScript the form lists the matches, each leading to the summary
    listed = client.get(merge_url(source, q="kochen")).content.decode()
    assert f"?target={small.pk}" in listed and "Kochen Archiv" not in listed


def test_search_stays_in_the_coordinators_scope(category) -> None:
    source = community_with(category=category)
    inside = community_with(name="Garden inside", slug="garden-in", category=category)
    community_with(name="Garden outside", slug="garden-out")
    client = client_for(coordinator(categories=[category]))
    options = client.get(targets_url(source, "garden")).content.decode()
    assert "Garden inside" in options and "Garden outside" not in options
    outside = Community.objects.get(slug="garden-out")
    assert client.get(merge_url(source, target=outside.pk)).status_code == 404
    assert client.get(merge_url(source, target=inside.pk)).status_code == 200


def _source_with_content() -> tuple[Community, Community]:
    source = community_with(members=2)
    target = community_with(state=CommunityHealth.State.THRIVING, name="Target Town", slug="target-town")
    both = add_member(target)
    Membership.objects.create(community=source, user=both, role=Role.MANAGER)
    Membership.objects.create(community=source, user=UserFactory.create(), state=Membership.State.PENDING)
    owner = Membership.objects.get(community=source, role=Role.OWNER).user
    posts_by(owner, source, 2)
    post = Post.objects.filter(community=source).first()
    assert post is not None
    comment_create(actor=owner, post=post, body="One")
    comment_create(actor=owner, post=post, body="Two")
    return source, target


def test_summary_counts_what_moves_and_nothing_moves_before_confirmation(staff) -> None:
    source, target = _source_with_content()
    client = client_for(staff)
    response = client.get(merge_url(source, target=target.pk))
    preview = response.context["preview"]
    assert (preview.members_moving, preview.members_already_there, preview.requests_and_invitations) == (3, 1, 1)
    assert (preview.posts, preview.comments, preview.attachments) == (2, 2, 0)
    html = response.content.decode()
    assert 'id="merge-summary"' in html and "Target Town" in html and 'name="confirm"' in html
    before = snapshot()
    unconfirmed = client.post(merge_url(source), {"target": target.pk, "reason": "same topic"})
    assert unconfirmed.status_code == 400
    assert "Confirm the merge after checking the summary." in unconfirmed.content.decode()
    assert snapshot() == before and not MergeRecord.objects.exists()


def test_confirmed_merge_is_audited_and_idempotent(staff) -> None:
    source, target = _source_with_content()
    client = client_for(staff)
    data = {"target": target.pk, "reason": "same topic", "confirm": "1"}
    first = client.post(merge_url(source), data)
    assert first.status_code == 302 and first["Location"] == reverse("communities:console_community", args=[target.pk])
    source.refresh_from_db()
    assert source.is_archived and source.merged_into_id == target.pk
    assert (
        Post.objects.filter(community=target).count() == 2
        and Comment.objects.filter(post__community=target).count() == 2
    )
    after_first = snapshot()
    again = client.post(merge_url(source), data)  # a double click or a resent form
    assert again.status_code == 302 and again["Location"] == first["Location"]
    assert snapshot() == after_first
    assert MergeRecord.objects.count() == 1 and AuditEntry.objects.filter(action="community.merged").count() == 1
    # into a different community it is refused with a message, nothing changes
    other = community_with(name="Other Place", slug="other-place")
    refused = client.post(merge_url(source), {**data, "target": other.pk}, follow=True)
    assert "already merged" in refused.content.decode() and MergeRecord.objects.count() == 1
    # the merge page of the archived source now says where it went
    assert "Target Town" in client.get(merge_url(source)).content.decode()


def test_bad_input_answers_4xx(staff) -> None:
    source, _target = _source_with_content()
    client = client_for(staff)
    assert client.get(merge_url(source, target="abc")).status_code == 200  # no target: the search
    assert client.get(merge_url(source, target=source.pk)).status_code == 404
    assert client.post(merge_url(source), {"target": "x", "confirm": "1"}).status_code == 404
    assert client.post(merge_url(source), {"confirm": "1"}).status_code == 404
    assert client.get(merge_url(source, q="x" * 500)).status_code == 200


@pytest.mark.parametrize("kind", ["employee", "member", "manager"])
def test_merge_pages_are_404_for_non_coordinators(kind: str) -> None:
    source, target = _source_with_content()
    user = (
        UserFactory.create()
        if kind == "employee"
        else add_member(source, Role.MANAGER if kind == "manager" else Role.MEMBER)
    )
    client = client_for(user)
    assert client.get(merge_url(source)).status_code == 404
    assert client.get(merge_url(source, target=target.pk)).status_code == 404
    assert client.get(targets_url(source, "target")).status_code == 404


def test_archived_source_links_to_where_its_content_went(staff) -> None:
    source, target = _source_with_content()
    community_merge(actor=staff, source=source, target=target, reason="same topic")
    member = Membership.objects.filter(community=target, role=Role.MEMBER).first()
    assert member is not None
    page = client_for(member.user).get(reverse("communities:community_detail", args=[source.slug])).content.decode()
    assert 'id="merged-banner"' in page
    assert f'href="{reverse("communities:community_detail", args=[target.slug])}"' in page
    # someone who may not see a secret target learns nothing about it
    Community.objects.filter(pk=target.pk).update(visibility=Community.Visibility.SECRET)
    stranger = client_for(UserFactory.create())
    page = stranger.get(reverse("communities:community_detail", args=[source.slug])).content.decode()
    assert 'id="merged-banner"' in page and "Target Town" not in page and target.slug not in page
    # undoing the merge removes the banner
    community_unmerge(actor=staff, record=MergeRecord.objects.get())
    source.refresh_from_db()
    assert source.merged_into_id is None and not source.is_archived


def test_merge_pages_have_constant_query_counts(staff) -> None:
    source, target = _source_with_content()
    client = client_for(staff)

    numbers = itertools.count()

    def add(n: int) -> None:
        for _ in range(n):
            person = add_member(source)
            posts_by(person, source, 1)
            i = next(numbers)
            community_with(name=f"Target Town {i}", slug=f"target-town-{i}")

    summary = merge_url(source, target=target.pk)
    # user, source, target, then the counts: memberships, posts with attachments, comments
    assert_constant_queries(add_rows=add, action=lambda: client.get(summary), expected=6)
    # user, source, the matching communities
    assert_constant_queries(add_rows=add, action=lambda: client.get(targets_url(source, "town")), expected=3)
    assert_constant_queries(add_rows=add, action=lambda: client.get(merge_url(source, q="town")), expected=3)
