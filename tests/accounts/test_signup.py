from __future__ import annotations

import re
from datetime import timedelta

import pytest
from allauth.account.models import EmailAddress
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils import timezone

from intranet.accounts.invitations import invitation_create
from intranet.accounts.models import Invitation, Profile, User
from intranet.core.models import AuditEntry
from tests.factories import UserFactory

NEW_PASSWORD = "a long and new passphrase 7"


def _sign_up(client, email: str):
    return client.post(
        reverse("account_signup"), {"email": email, "password1": NEW_PASSWORD, "password2": NEW_PASSWORD}
    )


def _link_in(message, pattern: str) -> str:
    match = re.search(rf"https?://[^/\s]+(/{pattern}[^\s]*)", message.body)
    assert match, message.body
    return match.group(1)


def test_signup_is_closed_by_default(client, db, settings):
    settings.SIGNUP_EMAIL_DOMAINS = []

    page = client.get(reverse("account_signup"))
    attempt = _sign_up(client, "someone@corp.example")

    assert "Sign-up is closed" in page.content.decode()
    assert "Sign-up is closed" in attempt.content.decode()
    assert not User.objects.filter(email="someone@corp.example").exists()


def test_signup_with_company_address_needs_the_link_from_the_mail(client, db, settings, mailoutbox):
    settings.SIGNUP_EMAIL_DOMAINS = ["corp.example"]

    response = _sign_up(client, "Ben.Becker@Corp.example")

    assert response.status_code == 302
    assert response["Location"] == reverse("account_email_verification_sent")
    user = User.objects.get(email="ben.becker@corp.example")
    assert (user.display_name, user.handle) == ("Ben Becker", "ben.becker")
    assert Profile.objects.filter(user=user).exists()
    assert client.get(reverse("account_email")).status_code == 302  # not signed in yet
    assert len(mailoutbox) == 1
    confirm_url = _link_in(mailoutbox[0], "accounts/confirm-email/")

    assert client.get(confirm_url).status_code == 200
    response = client.post(confirm_url)

    assert response.status_code == 302
    assert EmailAddress.objects.get(user=user).verified
    assert client.session["_auth_user_id"] == str(user.pk)


def test_signup_with_other_domain_is_refused_with_a_clear_error(client, db, settings, mailoutbox):
    settings.SIGNUP_EMAIL_DOMAINS = ["corp.example", "corp-subsidiary.example"]

    response = _sign_up(client, "someone@gmail.example")

    assert response.status_code == 200
    assert (
        "Only company e-mail addresses (corp-subsidiary.example, corp.example) can sign up."
        in response.content.decode()
    )
    assert not User.objects.filter(email="someone@gmail.example").exists()
    assert mailoutbox == []


def test_staff_invitation_is_audited_and_mailed(staff_user, django_capture_on_commit_callbacks, mailoutbox):
    with django_capture_on_commit_callbacks(execute=True):
        invitation = invitation_create(actor=staff_user, email=" Guest@Partner.example ")

    assert invitation.email == "guest@partner.example"
    assert invitation.invited_by == staff_user
    assert invitation.is_usable()
    entry = AuditEntry.objects.get(action="invitation.created")
    assert (entry.actor_id, entry.target_id) == (staff_user.pk, str(invitation.pk))
    assert len(mailoutbox) == 1
    assert mailoutbox[0].to == ["guest@partner.example"]
    assert reverse("account_invitation_accept", kwargs={"token": invitation.token}) in mailoutbox[0].body


def test_only_staff_may_invite(user):
    with pytest.raises(PermissionDenied):
        invitation_create(actor=user, email="guest@partner.example")
    assert not Invitation.objects.exists()


def _invite(staff_user, django_capture_on_commit_callbacks, mailoutbox, email="guest@partner.example"):
    with django_capture_on_commit_callbacks(execute=True):
        invitation_create(actor=staff_user, email=email)
    return _link_in(mailoutbox[-1], "accounts/invitation/")


def test_invitation_opens_signup_for_the_invited_address(
    client, staff_user, settings, django_capture_on_commit_callbacks, mailoutbox
):
    settings.SIGNUP_EMAIL_DOMAINS = []
    accept_url = _invite(staff_user, django_capture_on_commit_callbacks, mailoutbox)

    response = client.get(accept_url)
    assert response.status_code == 302
    assert response["Location"] == reverse("account_signup")
    assert "Sign-up is closed" not in client.get(reverse("account_signup")).content.decode()
    response = _sign_up(client, "Guest@partner.example")

    # The link proved the address: no second confirmation mail, signed in at once.
    assert response.status_code == 302
    user = User.objects.get(email="guest@partner.example")
    assert client.session["_auth_user_id"] == str(user.pk)
    assert EmailAddress.objects.get(user=user).verified
    invitation = Invitation.objects.get()
    assert invitation.accepted_user == user
    assert invitation.accepted_at is not None
    assert AuditEntry.objects.filter(action="invitation.accepted", actor=user).exists()
    assert len(mailoutbox) == 1


def test_invitation_does_not_open_signup_for_another_address(
    client, staff_user, settings, django_capture_on_commit_callbacks, mailoutbox
):
    settings.SIGNUP_EMAIL_DOMAINS = []
    client.get(_invite(staff_user, django_capture_on_commit_callbacks, mailoutbox))

    response = _sign_up(client, "friend@partner.example")

    assert response.status_code == 200
    assert "This invitation is for a different e-mail address." in response.content.decode()
    assert not User.objects.filter(email="friend@partner.example").exists()
    assert Invitation.objects.get().accepted_at is None


@pytest.mark.parametrize("state", ["expired", "used"])
def test_expired_or_used_invitation_is_refused(client, staff_user, settings, state):
    settings.SIGNUP_EMAIL_DOMAINS = []
    invitation = Invitation.objects.create(
        email="guest@partner.example", invited_by=staff_user, expires_at=timezone.now() + timedelta(days=3)
    )
    if state == "expired":
        Invitation.objects.filter(pk=invitation.pk).update(expires_at=timezone.now() - timedelta(minutes=1))
    else:
        Invitation.objects.filter(pk=invitation.pk).update(
            accepted_at=timezone.now(), accepted_user=UserFactory(email="guest@partner.example")
        )

    response = client.get(reverse("account_invitation_accept", kwargs={"token": invitation.token}))

    assert response.status_code == 410
    assert "This invitation has expired or was already used." in response.content.decode()
    assert "Sign-up is closed" in client.get(reverse("account_signup")).content.decode()


def test_invitation_that_expires_after_the_link_was_opened_no_longer_opens_signup(client, staff_user, settings):
    settings.SIGNUP_EMAIL_DOMAINS = []
    invitation = Invitation.objects.create(
        email="guest@partner.example", invited_by=staff_user, expires_at=timezone.now() + timedelta(days=3)
    )
    client.get(reverse("account_invitation_accept", kwargs={"token": invitation.token}))
    Invitation.objects.filter(pk=invitation.pk).update(expires_at=timezone.now() - timedelta(seconds=1))

    response = _sign_up(client, "guest@partner.example")

    assert "Sign-up is closed" in response.content.decode()
    assert not User.objects.filter(email="guest@partner.example").exists()
