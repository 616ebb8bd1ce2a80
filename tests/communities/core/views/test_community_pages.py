"""The community page, creating a community, its settings and the viewer's own membership actions."""

from __future__ import annotations

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from communities.core import tabs
from communities.core.services import membership_invite, membership_request
from communities.core.views import community as community_views
from communities.models import Community, Membership
from intranet.core.models import AuditEntry
from tests.communities.conftest import assert_counters_exact, snapshot
from tests.communities.core.views.helpers import add_member, make_community, make_user
from tests.communities.factories import CategoryFactory, CommunityFactory, MembershipFactory
from tests.support.forms import with_key
from tests.support.pages import comparable
from tests.support.queries import assert_constant_queries

pytestmark = pytest.mark.django_db

State = Membership.State
Role = Membership.Role


@pytest.fixture(autouse=True)
def _english(settings):
    settings.LANGUAGE_CODE = "en"


def url(name: str, community: Community | str, **kwargs) -> str:
    slug = community if isinstance(community, str) else community.slug
    return reverse(f"communities:{name}", kwargs={"slug": slug, **kwargs})


def messages_of(response) -> list[str]:
    return [str(m) for m in response.context["messages"]] if response.context else []


def image_upload(fmt: str = "PNG", size=(1600, 900), name: str = "cover.png") -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("RGB", size, "teal").save(buffer, format=fmt)
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/png")


def form_data(**overrides) -> dict:
    data = {
        "name": "Bike to Work",
        "slug": "",
        "description": "Cycling to the office together.",
        "purpose": "Fewer cars.",
        "category": "",
        "tags": "cycling, sustainability",
        "language": "en",
        "visibility": "public",
        "join_policy": "open",
    }
    data.update(overrides)
    return with_key(data)


# The page ------------------------------------------------------------------------------------------


@pytest.fixture
def no_post_stream(monkeypatch):
    """The page as it is without the posts screens: a placeholder in the "post stream" section."""
    monkeypatch.setattr(tabs, "_post_stream", [])


def test_community_page_shows_about_managers_and_the_post_stream_placeholder(client, no_post_stream):
    owner = make_user(display_name="Olga Owner")
    category = CategoryFactory.create(name="Mobility")
    community = make_community(
        owner, name="Bike to Work", description="We cycle.", purpose="Fewer cars.", category=category, tags=["Rad"]
    )
    add_member(community, make_user(display_name="Max Manager"), role=Role.MANAGER)
    client.force_login(make_user())
    html = client.get(url("community_detail", community)).content.decode()
    for text in [
        "Bike to Work",
        "We cycle.",
        "Fewer cars.",
        "Mobility",
        "Rad",
        "Olga Owner",
        "Max Manager",
        "2 members",
    ]:
        assert text in html, text
    assert 'id="post-stream-placeholder"' in html
    assert url("membership_join", community) in html  # open policy: a join button


def test_secret_community_is_a_404_byte_identical_to_a_missing_one(client):
    secret = CommunityFactory.create(slug="skunkworks", visibility=Community.Visibility.SECRET)
    client.force_login(make_user())
    for name in ["community_detail", "member_list", "community_settings", "membership_leave"]:
        hidden = client.get(url(name, secret))
        missing = client.get(url(name, "no-such-community"))
        assert hidden.status_code == missing.status_code == 404
        assert comparable(hidden.content) == comparable(missing.content)
    hidden = client.post(url("membership_join", secret))
    missing = client.post(url("membership_join", "no-such-community"))
    assert hidden.status_code == missing.status_code == 404
    assert comparable(hidden.content) == comparable(missing.content)


def test_buttons_follow_state_and_policy(client):
    user = make_user()
    client.force_login(user)
    request_only = CommunityFactory.create(join_policy=Community.JoinPolicy.REQUEST)
    html = client.get(url("community_detail", request_only)).content.decode()
    assert url("membership_request", request_only) in html and url("membership_join", request_only) not in html
    invite_only = CommunityFactory.create(join_policy=Community.JoinPolicy.INVITE)
    html = client.get(url("community_detail", invite_only)).content.decode()
    assert "membership-actions" in html and url("membership_request", invite_only) not in html
    MembershipFactory.create(user=user, community=invite_only, state=State.INVITED)
    html = client.get(url("community_detail", invite_only)).content.decode()
    assert url("membership_accept_invitation", invite_only) in html


def _count_page_queries(client, expected: int) -> None:
    owner = make_user()
    community = make_community(owner, name="Counted")
    viewer = add_member(community)
    client.force_login(viewer)

    def add_rows(n: int) -> None:
        for _ in range(n):
            add_member(community, role=Role.MANAGER)
            add_member(community)

    assert_constant_queries(
        add_rows=add_rows, action=lambda: client.get(url("community_detail", community)), expected=expected
    )


def test_community_page_query_count_is_constant_in_members(client, no_post_stream):
    # user, community, coordinator permissions, role map, managers, own membership (notifications)
    _count_page_queries(client, expected=5)


def test_community_page_with_the_post_stream(client):
    assert community_views.post_stream_provider is not None
    # The six above plus the stream's pinned posts and its first page (no posts: nothing else).
    _count_page_queries(client, expected=7)
    owner = make_user()
    private = make_community(owner, name="Board", visibility="private")
    html = client.get(url("community_detail", private)).content.decode()
    assert 'id="post-stream"' not in html and "Only members can read the posts" in html
    client.force_login(owner)
    assert 'id="post-stream"' in client.get(url("community_detail", private)).content.decode()


# Creating --------------------------------------------------------------------------------------------


def test_create_community_makes_the_creator_owner(client):
    user = make_user()
    client.force_login(user)
    response = client.post(reverse("communities:community_create"), form_data())
    community = Community.objects.get(slug="bike-to-work")
    assert response.status_code == 302 and response["Location"] == url("community_detail", community)
    assert community.tag_names == "cycling, sustainability" and community.language == "en"
    assert Membership.objects.get(community=community).role == Role.OWNER
    assert community.member_count == 1


def test_duplicate_slug_is_a_clear_form_error_and_saves_nothing(client):
    CommunityFactory.create(slug="bikes")
    client.force_login(make_user())
    before = snapshot()
    response = client.post(reverse("communities:community_create"), form_data(slug="bikes"))
    assert response.status_code == 200
    assert "The address “bikes” is already taken" in str(response.context["form"].errors["slug"])
    assert snapshot() == before


def test_invalid_input_saves_nothing(client):
    client.force_login(make_user())
    before = snapshot()
    response = client.post(reverse("communities:community_create"), form_data(name="", visibility="hidden"))
    form = response.context["form"]
    assert response.status_code == 200 and "name" in form.errors and "visibility" in form.errors
    assert snapshot() == before


def test_cover_image_is_reencoded_and_validated(client):
    client.force_login(make_user())
    data = form_data(cover_image=image_upload("JPEG", name="holiday.jpg"))
    client.post(reverse("communities:community_create"), data)
    community = Community.objects.get(slug="bike-to-work")
    assert community.cover_image.name.endswith(".webp")
    with Image.open(community.cover_image.open("rb")) as stored:
        assert stored.format == "WEBP" and stored.size == (1200, 400)
        assert not stored.info.get("exif")
    before = snapshot()
    fake = SimpleUploadedFile("evil.png", b"<script>alert(1)</script>", content_type="image/png")
    response = client.post(reverse("communities:community_create"), form_data(name="Other", cover_image=fake))
    assert "not a picture we can read" in str(response.context["form"].errors["cover_image"])
    assert snapshot() == before


def test_create_is_refused_when_restricted(client, settings):
    settings.COMMUNITY_CREATION_RESTRICTED = True
    client.force_login(make_user())
    assert client.get(reverse("communities:community_create")).status_code == 403
    assert client.post(reverse("communities:community_create"), form_data()).status_code == 403
    assert not Community.objects.exists()


# Settings and lifecycle ------------------------------------------------------------------------------


def test_manager_edits_settings_but_not_the_official_flag(client):
    owner = make_user()
    community = make_community(owner, name="Old name")
    manager = add_member(community, role=Role.MANAGER)
    client.force_login(manager)
    page = client.get(url("community_settings", community))
    assert "is_official" not in page.context["form"].fields and "slug" not in page.context["form"].fields
    response = client.post(url("community_settings", community), form_data(name="New name", is_official="on"))
    community.refresh_from_db()
    assert response.status_code == 302 and community.name == "New name" and not community.is_official
    assert community.slug == "old-name"
    assert AuditEntry.objects.filter(action="community.updated").count() == 1


def test_coordinator_sets_the_official_flag(client):
    community = make_community(name="Works council")
    client.force_login(make_user(is_staff=True))
    assert "is_official" in client.get(url("community_settings", community)).context["form"].fields
    client.post(url("community_settings", community), form_data(name="Works council", is_official="on"))
    community.refresh_from_db()
    assert community.is_official
    assert AuditEntry.objects.filter(action="community.official_changed").count() == 1


def test_owner_archives_and_unarchives(client):
    owner = make_user()
    community = make_community(owner, name="Seasonal")
    client.force_login(owner)
    html = client.get(url("community_settings", community)).content.decode()
    assert url("community_archive", community) in html
    client.post(url("community_archive", community), {"reason": "Season over"})
    community.refresh_from_db()
    assert community.is_archived
    # Settings are read-only while archived, but the owner can still bring it back.
    page = client.get(url("community_settings", community))
    assert page.status_code == 200 and url("community_unarchive", community) in page.content.decode()
    assert client.post(url("community_settings", community), form_data()).status_code == 403
    response = client.post(url("community_archive", community))
    assert "already archived" in " ".join(messages_of(client.get(response["Location"])))
    client.post(url("community_unarchive", community))
    community.refresh_from_db()
    assert not community.is_archived


# The viewer's own membership ---------------------------------------------------------------------


def test_join_and_double_join(client):
    community = make_community(name="Open house")
    user = make_user()
    client.force_login(user)
    response = client.post(url("membership_join", community), follow=True)
    assert "You are now a member" in " ".join(messages_of(response))
    before = snapshot()
    response = client.post(url("membership_join", community), follow=True)
    assert response.status_code == 200
    assert "You are already a member of this community." in messages_of(response)
    assert snapshot() == before
    assert_counters_exact()


def test_request_with_message_and_withdraw(client):
    community = make_community(name="Board", join_policy=Community.JoinPolicy.REQUEST)
    user = make_user()
    client.force_login(user)
    client.post(url("membership_request", community), {"message": "I would like to help."})
    membership = Membership.objects.get(user=user, community=community)
    assert membership.state == State.PENDING and membership.request_message == "I would like to help."
    response = client.post(url("membership_request", community), {"message": "again"}, follow=True)
    assert "You have already asked to join" in " ".join(messages_of(response))
    assert client.get(url("membership_leave", community)).status_code == 200
    client.post(url("membership_leave", community))
    assert not Membership.objects.filter(user=user, community=community).exists()


def test_too_long_request_message_saves_nothing(client):
    community = make_community(name="Board", join_policy=Community.JoinPolicy.REQUEST)
    client.force_login(make_user())
    before = snapshot()
    response = client.post(url("membership_request", community), {"message": "x" * 1001}, follow=True)
    assert any("1000" in m for m in messages_of(response))
    assert snapshot() == before


def test_accept_and_decline_invitation(client):
    owner = make_user()
    community = make_community(owner, name="Secret circle", visibility="secret", join_policy="invite")
    guest, other = make_user(), make_user()
    membership_invite(actor=owner, community=community, user=guest)
    membership_invite(actor=owner, community=community, user=other)
    client.force_login(guest)
    client.post(url("membership_accept_invitation", community))
    assert Membership.objects.get(user=guest, community=community).state == State.ACTIVE
    client.force_login(other)
    response = client.post(url("membership_decline_invitation", community))
    assert response["Location"] == reverse("communities:community_list")
    assert not Membership.objects.filter(user=other, community=community).exists()
    assert client.get(url("community_detail", community)).status_code == 404
    assert_counters_exact()


def test_last_owner_cannot_leave(client):
    owner = make_user()
    community = make_community(owner, name="Mine")
    client.force_login(owner)
    before = snapshot()
    response = client.post(url("membership_leave", community), follow=True)
    assert "You are the last owner of this community: hand over ownership first." in messages_of(response)
    assert snapshot() == before


def test_member_leaves_after_confirming(client):
    community = make_community(name="Runners")
    member = add_member(community)
    client.force_login(member)
    page = client.get(url("membership_leave", community)).content.decode()
    assert "Leave Runners?" in page and "Yes, leave" in page
    client.post(url("membership_leave", community))
    assert not Membership.objects.filter(user=member, community=community).exists()
    assert_counters_exact()
    assert client.get(url("membership_leave", community)).status_code == 403  # nothing left to leave


def test_notification_level(client):
    community = make_community(name="News")
    member = add_member(community)
    client.force_login(member)
    assert 'id="community-notifications"' in client.get(url("community_detail", community)).content.decode()
    client.post(url("membership_notification_level", community), {"level": "muted"})
    assert Membership.objects.get(user=member, community=community).notification_level == "muted"
    before = snapshot()
    response = client.post(url("membership_notification_level", community), {"level": "loud"}, follow=True)
    assert "Choose one of the offered options." in messages_of(response)
    assert snapshot() == before
    client.force_login(make_user())
    assert client.post(url("membership_notification_level", community), {"level": "all"}).status_code == 403


def test_pending_request_is_shown_in_the_header(client):
    community = make_community(name="Board", join_policy=Community.JoinPolicy.REQUEST)
    user = make_user()
    membership_request(actor=user, community=community)
    client.force_login(user)
    html = client.get(url("community_detail", community)).content.decode()
    assert "Request pending" in html and "Withdraw request" in html


def test_saving_unchanged_settings_writes_no_audit_row(client):
    owner = make_user()
    community = make_community(owner, name="Stable", tags=["Zebra", "apple"])
    client.force_login(owner)
    form = client.get(url("community_settings", community)).context["form"]
    data = {name: form.initial.get(name) or "" for name in form.fields if name not in ("cover_image", "is_official")}
    data["category"] = ""
    before = snapshot()
    response = client.post(url("community_settings", community), data)
    assert response.status_code == 302
    assert snapshot() == before


def test_bulk_invite_page_renders_for_managers_only(client):
    owner = make_user()
    community = make_community(owner, name="Invites")
    member = add_member(community)
    client.force_login(owner)
    assert client.get(url("membership_invite_bulk", community)).status_code == 200
    client.force_login(member)
    assert client.get(url("membership_invite_bulk", community)).status_code == 403
