"""Following colleagues: services (idempotent, never oneself) and the HTMX-friendly button."""

from __future__ import annotations

from collections.abc import Callable
from typing import cast

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from intranet.accounts.models import Follow, User
from intranet.accounts.services import follow_create, follow_delete
from tests.factories import UserFactory

# factory_boy's types say a factory returns itself; it returns the model.
make_user = cast("Callable[..., User]", UserFactory)

pytestmark = pytest.mark.django_db


def _follow_url(user) -> str:
    return reverse("accounts:follow_create", kwargs={"handle": user.handle})


def _unfollow_url(user) -> str:
    return reverse("accounts:follow_delete", kwargs={"handle": user.handle})


def test_follow_and_unfollow_are_idempotent(user, other_user):
    first = follow_create(actor=user, followee=other_user)
    again = follow_create(actor=user, followee=other_user)
    assert first.pk == again.pk
    assert Follow.objects.filter(follower=user, followee=other_user).count() == 1
    follow_delete(actor=user, followee=other_user)
    follow_delete(actor=user, followee=other_user)
    assert not Follow.objects.exists()


def test_cannot_follow_yourself(user):
    with pytest.raises(ValidationError, match=r"You cannot follow yourself\."):
        follow_create(actor=user, followee=user)
    assert not Follow.objects.exists()


def test_cannot_follow_a_deactivated_person(user):
    gone = make_user(is_active=False)
    with pytest.raises(PermissionDenied):
        follow_create(actor=user, followee=gone)


def test_follow_button_round_trip_without_htmx(client, user, other_user):
    client.force_login(user)
    response = client.post(_follow_url(other_user))
    assert response.status_code == 302
    assert response["Location"] == other_user.get_absolute_url()
    assert Follow.objects.filter(follower=user, followee=other_user).exists()
    html = client.get(other_user.get_absolute_url()).content.decode()
    assert "1 follower" in html and _unfollow_url(other_user) in html

    client.post(_unfollow_url(other_user))
    assert not Follow.objects.exists()


def test_follow_with_htmx_returns_the_button_partial(client, user, other_user):
    client.force_login(user)
    response = client.post(_follow_url(other_user), headers={"HX-Request": "true"})
    html = response.content.decode()
    assert response.status_code == 200
    assert html.startswith(f'<div id="follow-{other_user.pk}"')
    assert "<html" not in html
    assert _unfollow_url(other_user) in html and 'aria-pressed="true"' in html
    assert "1 follower" in html

    response = client.post(_unfollow_url(other_user), headers={"HX-Request": "true"})
    html = response.content.decode()
    assert _follow_url(other_user) in html and "0 followers" in html


def test_following_yourself_through_the_view_shows_the_error(client, user):
    client.force_login(user)
    response = client.post(_follow_url(user), follow=True)
    assert "You cannot follow yourself." in response.content.decode()
    response = client.post(_follow_url(user), headers={"HX-Request": "true"})
    assert "You cannot follow yourself." in response.content.decode()
    assert not Follow.objects.exists()


def test_follow_needs_post_and_login(client, user, other_user):
    assert client.post(_follow_url(other_user)).status_code == 302  # to the login page
    client.force_login(user)
    assert client.get(_follow_url(other_user)).status_code == 405
    assert not Follow.objects.exists()


def test_following_a_deactivated_person_is_404(client, user):
    gone = make_user(is_active=False)
    client.force_login(user)
    assert client.post(_follow_url(gone)).status_code == 404
