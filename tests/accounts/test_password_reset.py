from __future__ import annotations

import re

from django.urls import reverse

from tests.accounts.conftest import sign_in
from tests.factories import PASSWORD

NEW_PASSWORD = "a brand new passphrase 93"


def test_password_reset_by_email_end_to_end(client, employee, mailoutbox):
    response = client.post(reverse("account_reset_password"), {"email": employee.email})
    assert response.status_code == 302
    assert len(mailoutbox) == 1
    assert mailoutbox[0].to == [employee.email]
    link = re.search(r"https?://[^/\s]+(/accounts/password/reset/key/\S+)", mailoutbox[0].body)
    assert link, mailoutbox[0].body

    # allauth moves the key from the URL into the session and redirects to a key-less form.
    response = client.get(link.group(1), follow=True)
    assert response.status_code == 200
    form_url = response.redirect_chain[-1][0]
    response = client.post(form_url, {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD})
    assert response.status_code == 302
    assert response["Location"] == reverse("account_reset_password_from_key_done")
    assert "_auth_user_id" not in client.session  # ACCOUNT_LOGIN_ON_PASSWORD_RESET is off

    assert "are not correct" in sign_in(client, employee.email, PASSWORD).content.decode()
    response = sign_in(client, employee.email, NEW_PASSWORD)
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(employee.pk)


def test_password_reset_for_unknown_address_reveals_nothing(client, db, mailoutbox):
    response = client.post(reverse("account_reset_password"), {"email": "nobody@corp.example"})

    assert response.status_code == 302
    assert response["Location"] == reverse("account_reset_password_done")
    # With enumeration prevention the unknown address gets a notice, not a reset link.
    assert len(mailoutbox) == 1
    assert "/accounts/password/reset/key/" not in mailoutbox[0].body
