"""Staff and coordinators must set up a second factor (issue 17, item 3: ``REQUIRE_MFA_FOR_STAFF``)."""

from __future__ import annotations

import pytest
from allauth.mfa.models import Authenticator
from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes
from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
from django.contrib.auth.models import Permission
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from intranet.accounts.second_factor import RECHECK_SECONDS
from tests.accounts.conftest import make_employee, sign_in
from tests.accounts.test_mfa import totp
from tests.factories import PASSWORD
from tests.ops.test_deploy_check import _manage, _prod_env

SETUP = "/accounts/2fa/totp/activate/"
MESSAGE = "your account needs a second factor"


@pytest.fixture
def required(settings):
    settings.REQUIRE_MFA_FOR_STAFF = True


@pytest.fixture
def staff(db):
    return make_employee("staff.member@corp.example", is_staff=True)


@pytest.fixture
def coordinator(db):
    user = make_employee("coordinator@corp.example")
    user.user_permissions.add(Permission.objects.get(codename="coordinate", content_type__app_label="communities"))
    return user


@pytest.mark.parametrize(("value", "expected"), [(None, "True"), ("false", "False")])
def test_on_by_default_in_production(value, expected):
    env = _prod_env(**({"REQUIRE_MFA_FOR_STAFF": value} if value else {}))
    if value is None:
        env.pop("REQUIRE_MFA_FOR_STAFF", None)

    result = _manage("shell", "-c", "from django.conf import settings; print(settings.REQUIRE_MFA_FOR_STAFF)", env=env)

    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().splitlines()[-1] == expected


def test_staff_without_a_second_factor_is_sent_to_set_it_up_first(client, required, staff):
    assert sign_in(client, staff.email).status_code == 302

    for url in ("/", "/people/", "/cms/", "/django-admin/", "/communities/"):
        response = client.get(url)
        assert response.status_code == 302, url
        assert response["Location"] == SETUP, url

    page = client.get("/", follow=True)
    assert MESSAGE in page.content.decode()


def test_coordinator_without_a_second_factor_is_sent_to_set_it_up(client, required, coordinator):
    sign_in(client, coordinator.email)

    response = client.get("/")

    assert response.status_code == 302
    assert response["Location"] == SETUP


def test_after_setting_up_totp_the_platform_opens(client, required, staff):
    sign_in(client, staff.email)
    # The set-up asks for the password again (allowed), then for a code from the new app.
    assert client.get(SETUP)["Location"].startswith(reverse("account_reauthenticate"))
    assert client.post(reverse("account_reauthenticate"), {"password": PASSWORD}).status_code == 302
    secret = client.get(SETUP).context["form"].secret
    assert client.post(SETUP, {"code": totp(secret)}).status_code == 302

    assert client.get("/").status_code == 200
    assert Authenticator.objects.filter(user=staff, type=Authenticator.Type.TOTP).exists()


def test_recovery_codes_alone_are_no_second_factor(client, required, staff):
    RecoveryCodes.activate(staff)
    client.force_login(staff)

    assert client.get("/")["Location"] == SETUP


def test_people_with_totp_and_other_employees_are_not_redirected(client, required, staff, user):
    TOTP.activate(staff, generate_totp_secret())
    client.force_login(staff)
    assert client.get("/").status_code == 200

    client.force_login(user)
    assert client.get("/").status_code == 200


def test_off_by_default_in_test_settings(client, staff):
    client.force_login(staff)

    assert client.get("/").status_code == 200


def test_sign_out_language_and_probes_stay_reachable(client, required, staff):
    client.force_login(staff)

    assert client.post("/i18n/setlang/", {"language": "de", "next": "/"}).status_code == 302
    assert client.get("/healthz/live").status_code == 200
    assert client.get(reverse("mfa_index")).status_code == 200
    response = client.post(reverse("account_logout"))
    assert response.status_code == 302
    assert "_auth_user_id" not in client.session


def test_htmx_requests_load_the_setup_page_whole(client, required, staff):
    client.force_login(staff)

    response = client.get("/notifications/", headers={"HX-Request": "true"})

    assert response.status_code == 204
    assert response["HX-Redirect"] == SETUP


def test_the_message_is_translated(client, required, staff):
    client.force_login(staff)
    client.post("/i18n/setlang/", {"language": "de", "next": "/"})

    page = client.get("/", follow=True)

    assert "braucht Ihr Konto einen zweiten Faktor" in page.content.decode()


def _query_count(client, url: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries.captured_queries)


def test_a_passed_check_costs_no_query_on_later_pages(client, settings, user):
    client.force_login(user)
    client.get("/people/")
    without = _query_count(client, "/people/")

    settings.REQUIRE_MFA_FOR_STAFF = True
    client.get("/people/")  # checks once, then the session remembers it

    assert _query_count(client, "/people/") == without


def test_removing_the_authenticator_is_noticed_on_the_next_request(client, required, staff):
    secret = generate_totp_secret()
    TOTP.activate(staff, secret)
    sign_in(client, staff.email)
    assert client.post(reverse("mfa_authenticate"), {"code": totp(secret)}).status_code == 302
    assert client.get("/").status_code == 200

    # Removing the second factor asks for the password again, like setting it up.
    assert client.post(reverse("account_reauthenticate"), {"password": PASSWORD}).status_code == 302
    assert client.post(reverse("mfa_deactivate_totp")).status_code == 302
    assert not Authenticator.objects.filter(user=staff, type=Authenticator.Type.TOTP).exists()

    assert client.get("/")["Location"] == SETUP


def test_a_new_coordinator_role_is_noticed_after_the_recheck_interval(client, required, user):
    client.force_login(user)
    assert client.get("/").status_code == 200
    user.user_permissions.add(Permission.objects.get(codename="coordinate", content_type__app_label="communities"))

    session = client.session
    user_id, checked_at = session["_second_factor_checked"]
    session["_second_factor_checked"] = [user_id, checked_at - RECHECK_SECONDS]
    session.save()

    assert client.get("/")["Location"] == SETUP
