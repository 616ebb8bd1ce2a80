"""The profile page: what it shows, who may see it, and its pinned query count."""

from __future__ import annotations

import io
from collections.abc import Callable
from typing import cast

import pytest
from django.core.files.base import ContentFile
from django.urls import reverse
from PIL import Image

from intranet.accounts.models import Follow, Profile, User
from intranet.accounts.services import follow_create
from tests.factories import UserFactory
from tests.support.queries import assert_constant_queries

# factory_boy's types say a factory returns itself; it returns the model.
make_user = cast("Callable[..., User]", UserFactory)

pytestmark = pytest.mark.django_db


def _url(user) -> str:
    return reverse("accounts:profile_detail", kwargs={"handle": user.handle})


@pytest.fixture
def anna(db):
    user = make_user(display_name="Anna Müller", handle="anna.mueller")
    Profile.objects.filter(user=user).update(
        job_title="Software Engineer",
        department="IT",
        location="Stuttgart",
        languages=["German", "English"],
        bio="Line one\n<b>not bold</b>",
    )
    user.profile.refresh_from_db()
    user.profile.skills.set(["Python", "Django"])
    return user


@pytest.fixture
def viewer_client(client, other_user):
    client.force_login(other_user)
    return client


def test_profile_shows_everything(viewer_client, anna):
    html = viewer_client.get(_url(anna)).content.decode()
    for text in ("Anna Müller", "@anna.mueller", "Software Engineer", "IT", "Stuttgart", "German, English"):
        assert text in html, text
    assert "Line one<br>&lt;b&gt;not bold&lt;/b&gt;" in html  # bio is escaped plain text
    assert html.index(">Django<") < html.index(">Python<")
    assert f"{reverse('accounts:people_list')}?skill=python" in html
    assert "0 followers" in html
    assert 'aria-label="Initials of Anna Müller"' in html and ">AM<" in html
    assert html.count("<h1") == 1 and html.index("<h1") < html.index("<h2")


def test_profile_shows_avatar_with_alt_text(viewer_client, anna):
    buffer = io.BytesIO()
    Image.new("RGB", (4, 4)).save(buffer, format="WEBP")
    anna.profile.avatar.save("a.webp", ContentFile(buffer.getvalue()))
    html = viewer_client.get(_url(anna)).content.decode()
    assert f'src="{anna.profile.avatar.url}"' in html
    assert 'alt="Profile picture of Anna Müller"' in html


def test_profile_requires_login(client, anna):
    assert client.get(_url(anna)).status_code == 302


def test_deactivated_person_has_no_profile_page(viewer_client, anna):
    anna.is_active = False
    anna.save(update_fields=["is_active"])
    assert viewer_client.get(_url(anna)).status_code == 404


def test_unknown_handle_is_404(viewer_client):
    assert viewer_client.get(reverse("accounts:profile_detail", kwargs={"handle": "nobody"})).status_code == 404


def test_own_profile_offers_edit_and_no_follow_button(client, anna):
    client.force_login(anna)
    html = client.get(_url(anna)).content.decode()
    assert "Edit my profile" in html
    assert reverse("accounts:follow_create", kwargs={"handle": anna.handle}) not in html


def test_someone_elses_profile_offers_follow_but_no_edit(viewer_client, anna):
    html = viewer_client.get(_url(anna)).content.decode()
    assert reverse("accounts:follow_create", kwargs={"handle": anna.handle}) in html
    assert "Edit my profile" not in html
    assert reverse("accounts:profile_edit_for", kwargs={"handle": anna.handle}) not in html


def test_staff_see_an_edit_link_on_other_profiles(client, staff_user, anna):
    client.force_login(staff_user)
    html = client.get(_url(anna)).content.decode()
    assert reverse("accounts:profile_edit_for", kwargs={"handle": anna.handle}) in html


def test_profile_page_query_count_is_pinned(viewer_client, anna, other_user):
    fans = [other_user]
    follow_create(actor=other_user, followee=anna)

    def add_rows(n):
        # More followers and more skills must not cost more queries.
        for _ in range(n):
            fan = make_user()
            Follow.objects.create(follower=fan, followee=anna)
            anna.profile.skills.add(f"Skill {fan.pk}")
            fans.append(fan)

    def action():
        response = viewer_client.get(_url(anna))
        assert response.status_code == 200
        html = response.content.decode()
        assert f"{len(fans)} followers" in html
        assert all(f">Skill {fan.pk}<" in html for fan in fans[1:])

    # The signed-in user, the person with profile and counts, their skills; plus three of the
    # training app's profile section (current level, level history, valid certificates; see
    # training/profile.py, registered through intranet.accounts.profile_sections).
    assert_constant_queries(add_rows=add_rows, action=action, small=1, large=7, expected=6)
