from __future__ import annotations

from datetime import timedelta
from typing import Any, cast

import pytest
from allauth.account.models import EmailAddress
from django.contrib.auth.models import AnonymousUser
from django.urls import reverse
from django.utils import timezone

from intranet.accounts.invitations import invitation_create, invitation_revoke
from intranet.accounts.models import Invitation, User
from intranet.accounts.permissions import can_invite_people
from intranet.core.models import AuditEntry
from intranet.core.viewer import Viewer
from tests.accounts.conftest import make_employee
from tests.factories import UserFactory
from tests.support.queries import assert_constant_queries

NEW_PASSWORD = "a long and new passphrase 7"
PAGE = "/accounts/invitations/"


@pytest.fixture
def staff_client(client, staff_user):
    client.force_login(staff_user)
    return client


def _user(**fields: Any) -> User:
    return cast(User, UserFactory(**fields))


def _pending(email: str, *, by: User, days: int = 3) -> Invitation:
    return Invitation.objects.create(email=email, invited_by=by, expires_at=timezone.now() + timedelta(days=days))


def _outcomes(response) -> dict[str, str]:
    return {(o.email or o.text): o.status for o in response.context["report"]["outcomes"]}


# Permissions ---------------------------------------------------------------------------------


def test_only_active_staff_may_invite(db):
    assert can_invite_people(Viewer(_user(is_staff=True)))
    assert not can_invite_people(Viewer(_user()))
    assert not can_invite_people(Viewer(_user(is_staff=True, is_active=False)))
    assert not can_invite_people(Viewer(AnonymousUser()))


def test_page_url_name():
    assert reverse("account_invitations") == PAGE


def test_non_staff_are_refused_everywhere(client, user, staff_user):
    invitation = _pending("guest@partner.example", by=staff_user)
    client.force_login(user)

    assert client.get(PAGE).status_code == 403
    assert client.post(PAGE, {"addresses": "someone@partner.example"}).status_code == 403
    assert client.post(reverse("account_invitation_revoke", args=[invitation.pk])).status_code == 403
    assert client.post(reverse("account_invitation_resend", args=[invitation.pk])).status_code == 403
    # Even for an id that does not exist: no hint about which invitations there are.
    assert client.post(reverse("account_invitation_revoke", args=[invitation.pk + 100])).status_code == 403

    assert Invitation.objects.count() == 1
    assert Invitation.objects.get().is_usable()
    assert not AuditEntry.objects.exists()


def test_anonymous_visitors_are_sent_to_sign_in(client, db):
    response = client.get(PAGE)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


# Inviting ------------------------------------------------------------------------------------


def test_empty_page_shows_the_form_and_an_empty_state(staff_client):
    response = staff_client.get(PAGE)

    body = response.content.decode()
    assert response.status_code == 200
    assert '<label for="id_addresses" class="form-label">E-mail addresses' in body
    assert 'id="invitations-empty"' in body
    assert "Nobody has been invited yet." in body


def test_batch_reports_what_happened_to_every_address(
    staff_client, staff_user, django_capture_on_commit_callbacks, mailoutbox
):
    make_employee("anna.schmidt@corp.example")
    secondary = _user(email="ben@corp.example")
    EmailAddress.objects.create(user=secondary, email="ben.private@partner.example", verified=True, primary=False)
    already = _pending("waiting@partner.example", by=staff_user)
    addresses = (
        "new@partner.example, Carla Neu <Carla@Partner.example>\n"
        "not-an-address\n"
        "Anna.Schmidt@corp.example; ben.private@partner.example\n"
        "\n"
        "waiting@partner.example\n"
        "NEW@partner.example"
    )

    with django_capture_on_commit_callbacks(execute=True):
        response = staff_client.post(PAGE, {"addresses": addresses})

    assert response.status_code == 200
    assert _outcomes(response) == {
        "new@partner.example": "invited",
        "carla@partner.example": "invited",
        "not-an-address": "invalid",
        "anna.schmidt@corp.example": "has_account",
        "ben.private@partner.example": "has_account",
        "waiting@partner.example": "already_invited",
    }
    body = response.content.decode()
    assert "2 invited" in body
    assert "1 already invited" in body
    assert "2 already have an account" in body
    assert "1 not a valid address" in body
    assert "Already invited (pending until" in body
    assert reverse("account_invitation_resend", args=[already.pk]) in body
    # The unreadable entry is back in the box for correction.
    assert response.context["form"].initial["addresses"] == "not-an-address"

    created = Invitation.objects.exclude(pk=already.pk)
    assert sorted(created.values_list("email", flat=True)) == ["carla@partner.example", "new@partner.example"]
    assert AuditEntry.objects.filter(action="invitation.created", actor=staff_user).count() == 2
    assert sorted(m.to[0] for m in mailoutbox) == ["carla@partner.example", "new@partner.example"]


def test_mails_go_out_only_after_the_batch_commits(staff_client, django_capture_on_commit_callbacks, mailoutbox):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        staff_client.post(PAGE, {"addresses": "one@partner.example\ntwo@partner.example"})

    assert mailoutbox == []
    for callback in callbacks:
        callback()
    assert len(mailoutbox) == 2


def test_resend_option_mails_pending_invitations_again(
    staff_client, staff_user, django_capture_on_commit_callbacks, mailoutbox
):
    invitation = _pending("waiting@partner.example", by=staff_user, days=1)

    with django_capture_on_commit_callbacks(execute=True):
        response = staff_client.post(PAGE, {"addresses": "waiting@partner.example", "resend": "on"})

    assert _outcomes(response) == {"waiting@partner.example": "resent"}
    assert "1 sent again" in response.content.decode()
    invitation.refresh_from_db()
    assert invitation.expires_at > timezone.now() + timedelta(days=13)
    assert Invitation.objects.count() == 1
    assert AuditEntry.objects.filter(action="invitation.resent", target_id=str(invitation.pk)).exists()
    assert [m.to for m in mailoutbox] == [["waiting@partner.example"]]
    assert invitation.token in mailoutbox[0].body


def test_resend_button_mails_one_invitation_again(
    staff_client, staff_user, django_capture_on_commit_callbacks, mailoutbox
):
    invitation = _pending("waiting@partner.example", by=staff_user)

    with django_capture_on_commit_callbacks(execute=True):
        response = staff_client.post(reverse("account_invitation_resend", args=[invitation.pk]), follow=True)

    assert "The invitation for waiting@partner.example was sent again." in response.content.decode()
    assert [m.to for m in mailoutbox] == [["waiting@partner.example"]]


@pytest.mark.parametrize(
    ("addresses", "error"),
    [
        (" \n , ;\n", "Enter at least one e-mail address."),
        ("\n".join(f"p{i}@partner.example" for i in range(201)), "Enter at most 200 addresses at a time."),
    ],
)
def test_form_refuses_empty_or_oversized_input(staff_client, addresses, error):
    response = staff_client.post(PAGE, {"addresses": addresses})

    assert response.status_code == 200
    body = response.content.decode()
    assert error in body
    assert "Nobody was invited." in body
    assert response.context["report"] is None
    assert not Invitation.objects.exists()


# The list ------------------------------------------------------------------------------------


def test_list_shows_each_state_and_actions_only_for_pending(staff_client, staff_user):
    pending = _pending("pending@partner.example", by=staff_user)
    expired = _pending("expired@partner.example", by=staff_user, days=-1)
    accepted = _pending("accepted@partner.example", by=staff_user)
    guest = _user(email="accepted@partner.example", display_name="Gina Gast")
    Invitation.objects.filter(pk=accepted.pk).update(accepted_at=timezone.now(), accepted_user=guest)

    response = staff_client.get(PAGE)

    body = response.content.decode()
    states = {invitation.email: invitation.state for invitation in response.context["page"]}
    assert states == {
        "pending@partner.example": "pending",
        "expired@partner.example": "expired",
        "accepted@partner.example": "accepted",
    }
    assert reverse("account_invitation_revoke", args=[pending.pk]) in body
    assert reverse("account_invitation_revoke", args=[expired.pk]) not in body
    assert reverse("account_invitation_revoke", args=[accepted.pk]) not in body
    assert guest.get_absolute_url() in body
    assert staff_user.display_name in body

    filtered = staff_client.get(PAGE, {"state": "pending"})
    assert [i.email for i in filtered.context["page"]] == ["pending@partner.example"]
    assert 'aria-current="page">Pending' in filtered.content.decode()


def test_list_pages_by_keyset_newest_first(staff_client, staff_user):
    start = timezone.now() - timedelta(days=1)
    for i in range(30):
        Invitation.objects.create(
            email=f"p{i:02}@partner.example",
            invited_by=staff_user,
            created_at=start + timedelta(minutes=i),
            expires_at=timezone.now() + timedelta(days=3),
        )

    first = staff_client.get(PAGE)
    emails = [i.email for i in first.context["page"]]
    assert emails == [f"p{i:02}@partner.example" for i in range(29, 4, -1)]
    next_url = first.context["next_url"]
    assert next_url and 'id="invitations-more"' in first.content.decode()

    second = staff_client.get(next_url)
    assert [i.email for i in second.context["page"]] == [f"p{i:02}@partner.example" for i in range(4, -1, -1)]
    assert second.context["next_url"] == ""

    tampered = staff_client.get(PAGE, {"cursor": "not-a-cursor"})
    assert tampered.status_code == 400


def test_page_costs_the_same_for_one_or_many_invitations(staff_client, staff_user):
    # Each row has its own inviter and half have an account that accepted them (select_related).
    def add_rows(n: int) -> None:
        for _ in range(n):
            inviter = _user(is_staff=True)
            invitation = _pending(f"{inviter.handle}@partner.example", by=inviter)
            if invitation.pk % 2:
                guest = _user()
                Invitation.objects.filter(pk=invitation.pk).update(accepted_at=timezone.now(), accepted_user=guest)

    def load() -> None:
        assert staff_client.get(PAGE).status_code == 200

    # the signed-in user (sessions live in the cache), then one page of invitations with the
    # inviter and the accepted account joined in
    assert_constant_queries(add_rows=add_rows, action=load, expected=2)


# Revoking ------------------------------------------------------------------------------------


def test_revoke_is_audited_and_the_link_no_longer_opens_signup(
    client, staff_user, settings, django_capture_on_commit_callbacks, mailoutbox
):
    settings.SIGNUP_EMAIL_DOMAINS = []
    with django_capture_on_commit_callbacks(execute=True):
        invitation = invitation_create(actor=staff_user, email="guest@partner.example")
    accept_url = reverse("account_invitation_accept", kwargs={"token": invitation.token})
    client.force_login(staff_user)

    response = client.post(reverse("account_invitation_revoke", args=[invitation.pk]), follow=True)

    assert "The invitation for guest@partner.example was revoked." in response.content.decode()
    invitation.refresh_from_db()
    assert not invitation.is_usable()
    entry = AuditEntry.objects.get(action="invitation.revoked")
    assert (entry.actor_id, entry.target_id) == (staff_user.pk, str(invitation.pk))
    assert {i.email: i.state for i in response.context["page"]} == {"guest@partner.example": "expired"}

    client.logout()
    response = client.get(accept_url)
    assert response.status_code == 410
    assert "Sign-up is closed" in client.get(reverse("account_signup")).content.decode()


def test_revoke_stops_a_signup_already_under_way(client, staff_user, settings):
    settings.SIGNUP_EMAIL_DOMAINS = []
    invitation = _pending("guest@partner.example", by=staff_user)
    client.get(reverse("account_invitation_accept", kwargs={"token": invitation.token}))

    invitation_revoke(actor=staff_user, invitation_id=invitation.pk)
    response = client.post(
        reverse("account_signup"),
        {"email": "guest@partner.example", "password1": NEW_PASSWORD, "password2": NEW_PASSWORD},
    )

    assert "Sign-up is closed" in response.content.decode()
    assert not User.objects.filter(email="guest@partner.example").exists()
    assert Invitation.objects.get().accepted_at is None


@pytest.mark.parametrize("state", ["accepted", "expired"])
def test_only_pending_invitations_can_be_revoked(staff_client, staff_user, state):
    invitation = _pending("guest@partner.example", by=staff_user, days=-1 if state == "expired" else 3)
    if state == "accepted":
        Invitation.objects.filter(pk=invitation.pk).update(accepted_at=timezone.now(), accepted_user=_user())
    before = Invitation.objects.values("expires_at", "accepted_at").get()

    response = staff_client.post(reverse("account_invitation_revoke", args=[invitation.pk]), follow=True)

    assert "This invitation was already accepted, revoked or has expired." in response.content.decode()
    assert Invitation.objects.values("expires_at", "accepted_at").get() == before
    assert not AuditEntry.objects.filter(action="invitation.revoked").exists()


def test_revoking_an_unknown_invitation_is_not_found(staff_client):
    assert staff_client.post(reverse("account_invitation_revoke", args=[999999])).status_code == 404


def test_revoke_and_resend_accept_only_post(staff_client, staff_user):
    invitation = _pending("guest@partner.example", by=staff_user)
    assert staff_client.get(reverse("account_invitation_revoke", args=[invitation.pk])).status_code == 405
    assert staff_client.get(reverse("account_invitation_resend", args=[invitation.pk])).status_code == 405
    assert Invitation.objects.get().is_usable()


# The sign-in page ----------------------------------------------------------------------------


def test_signin_page_hides_the_signup_prompt_while_signup_is_closed(client, db, settings):
    settings.SIGNUP_EMAIL_DOMAINS = []

    body = client.get(reverse("account_login")).content.decode()

    assert reverse("account_signup") not in body
    assert "sign up" not in body
    assert "Everyone else needs a personal invitation." in body


def test_signin_page_offers_signup_for_company_domains(client, db, settings):
    settings.SIGNUP_EMAIL_DOMAINS = ["corp.example"]

    body = client.get(reverse("account_login")).content.decode()

    assert f'<a href="{reverse("account_signup")}" id="signup-link">sign up</a>' in body


def test_signin_page_offers_signup_to_someone_holding_an_invitation(client, staff_user, settings):
    settings.SIGNUP_EMAIL_DOMAINS = []
    invitation = _pending("guest@partner.example", by=staff_user)
    client.get(reverse("account_invitation_accept", kwargs={"token": invitation.token}))

    body = client.get(reverse("account_login")).content.decode()

    assert 'id="signup-link"' in body

    invitation_revoke(actor=staff_user, invitation_id=invitation.pk)
    assert 'id="signup-link"' not in client.get(reverse("account_login")).content.decode()
