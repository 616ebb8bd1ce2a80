"""Download my data: the settings page, the job, the link, the limits (issue 23, item 2)."""

from __future__ import annotations

import datetime as dt
import io
import json
import zipfile

import pytest
from django.urls import reverse
from django.utils import timezone

from intranet.core.models import AuditEntry
from intranet.notifications.models import Notification
from intranet.privacy import services
from intranet.privacy.links import export_download_url, export_token
from intranet.privacy.models import ExportRequest
from intranet.privacy.notify import EXPORT_READY_KIND
from tests.factories import UserFactory
from tests.support.queries import assert_constant_queries

pytestmark = pytest.mark.django_db
MY_DATA = reverse("privacy:my_data")
State = ExportRequest.State


@pytest.fixture
def ready_export(user, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        export = services.export_request(actor=user, person=user)
    export.refresh_from_db()
    assert export.state == State.READY
    return export


def _zip(response) -> zipfile.ZipFile:
    return zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content)))


def test_asking_builds_the_zip_notifies_with_the_link_and_audits(client, user, django_capture_on_commit_callbacks):
    client.force_login(user)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(MY_DATA)
    assert response.status_code == 302

    export = ExportRequest.objects.get(person=user)
    assert export.state == State.READY and export.file and export.counts["accounts.User"] == 1
    assert export.finished_at is not None and export.expires_at == export.finished_at + dt.timedelta(hours=72)
    [note] = Notification.objects.filter(recipient=user, kind=EXPORT_READY_KIND)
    assert note.url == export_download_url(export)
    assert AuditEntry.objects.filter(action="privacy.export_requested", actor=user, target_id=str(user.pk)).exists()

    response = client.get(note.url)
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment")
    archive = _zip(response)
    assert json.loads(archive.read("profile.json"))["accounts.User"][0]["email"] == user.email
    assert AuditEntry.objects.filter(action="privacy.export_downloaded", actor=user).count() == 1


def test_the_page_lists_the_link_of_a_ready_export(client, user, ready_export):
    client.force_login(user)
    html = client.get(MY_DATA).content.decode()
    assert export_download_url(ready_export) in html and 'id="export-request"' in html


def test_the_link_works_for_the_asker_only(client, user, other_user, staff_user, ready_export):
    url = export_download_url(ready_export)
    for someone in (other_user, staff_user):
        client.force_login(someone)
        assert client.get(url).status_code == 404
    client.force_login(user)
    wrong = reverse("privacy:export_download", kwargs={"pk": ready_export.pk, "token": "0" * 40})
    assert client.get(wrong).status_code == 404
    missing = reverse("privacy:export_download", kwargs={"pk": ready_export.pk + 999, "token": "0" * 40})
    assert client.get(missing).status_code == 404
    client.logout()
    assert client.get(url).status_code == 302  # to the sign-in page
    assert not AuditEntry.objects.filter(action="privacy.export_downloaded").exists()


def test_the_link_expires_and_the_job_deletes_the_file(client, user, ready_export):
    client.force_login(user)
    url = export_download_url(ready_export)
    name = ready_export.file.name
    storage = ready_export.file.storage
    ExportRequest.objects.filter(pk=ready_export.pk).update(expires_at=timezone.now() - dt.timedelta(seconds=1))

    assert client.get(url).status_code == 410
    assert services.exports_expire() == 1
    ready_export.refresh_from_db()
    assert ready_export.state == State.EXPIRED and not ready_export.file and not ready_export.token_hash
    assert not storage.exists(name)
    assert client.get(url).status_code == 410
    assert services.exports_expire() == 0


def test_asking_too_often_answers_429(client, user, settings, django_capture_on_commit_callbacks):
    settings.PRIVACY_EXPORT_PER_DAY = 2
    client.force_login(user)
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(MY_DATA).status_code == 302
        assert client.post(MY_DATA).status_code == 302
        response = client.post(MY_DATA)
    assert response.status_code == 429 and 0 < int(response["Retry-After"]) <= 86400
    assert ExportRequest.objects.filter(person=user).count() == 2


def test_failed_exports_do_not_count_against_the_limit(user, settings):
    settings.PRIVACY_EXPORT_PER_DAY = 1
    ExportRequest.objects.create(person=user, requested_by=user, state=State.FAILED)
    services.export_request(actor=user, person=user)
    with pytest.raises(services.ExportRateLimited):
        services.export_request(actor=user, person=user)


def test_building_twice_does_the_work_once(user, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        export = services.export_request(actor=user, person=user)
    export.refresh_from_db()
    name = export.file.name
    services.export_build(export_id=export.pk)
    export.refresh_from_db()
    assert export.file.name == name
    assert Notification.objects.filter(kind=EXPORT_READY_KIND).count() == 1


def test_people_cannot_ask_for_someone_elses_data(user, other_user):
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        services.export_request(actor=user, person=other_user)


def test_staff_export_for_anyone_is_audited_and_the_link_is_theirs(
    client, staff_user, other_user, django_capture_on_commit_callbacks
):
    client.force_login(staff_user)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("privacy:staff_exports"), {"person": other_user.email.upper()})
    assert response.status_code == 302
    export = ExportRequest.objects.get(person=other_user)
    assert export.requested_by == staff_user and export.state == State.READY
    entry = AuditEntry.objects.get(action="privacy.export_requested")
    assert entry.actor == staff_user and entry.target_id == str(other_user.pk)
    assert entry.after == {"export": export.pk, "for_self": False}
    [note] = Notification.objects.filter(kind=EXPORT_READY_KIND)
    assert note.recipient == staff_user and note.params["person"] == other_user.display_name
    assert not Notification.objects.filter(recipient=other_user, kind=EXPORT_READY_KIND).exists()

    archive = _zip(client.get(export_download_url(export)))
    assert json.loads(archive.read("profile.json"))["accounts.User"][0]["email"] == other_user.email
    client.force_login(other_user)
    assert client.get(export_download_url(export)).status_code == 404


def test_staff_page_names_an_unknown_person_as_a_form_error(client, staff_user):
    client.force_login(staff_user)
    response = client.post(reverse("privacy:staff_exports"), {"person": "nobody@example.com"})
    assert response.status_code == 200 and "No account has this e-mail address or handle." in response.content.decode()
    assert not ExportRequest.objects.exists()


def test_staff_pages_are_missing_for_everyone_else(client, user):
    client.force_login(user)
    assert client.get(reverse("privacy:staff_exports")).status_code == 404
    assert client.post(reverse("privacy:staff_exports"), {"person": user.email}).status_code == 404
    assert client.get(reverse("privacy:records")).status_code == 404


@pytest.mark.parametrize("cursor", ["garbage", "x" * 2000, "%00"])
def test_a_forged_cursor_answers_400(client, user, cursor):
    client.force_login(user)
    assert client.get(MY_DATA, {"cursor": cursor}).status_code == 400


def test_my_data_page_costs_a_fixed_number_of_queries(client, user):
    client.force_login(user)

    def add(n: int) -> None:
        ExportRequest.objects.bulk_create(
            ExportRequest(
                person=user,
                requested_by=user,
                state=State.READY,
                file="privacy/exports/x.zip",
                expires_at=timezone.now() + dt.timedelta(hours=1),
            )
            for _ in range(n)
        )

    assert_constant_queries(add_rows=add, action=lambda: client.get(MY_DATA), expected=2)


def test_staff_exports_page_costs_a_fixed_number_of_queries(client, staff_user):
    client.force_login(staff_user)

    def add(n: int) -> None:
        for _ in range(n):
            ExportRequest.objects.create(person=UserFactory.create(), requested_by=staff_user)

    assert_constant_queries(add_rows=add, action=lambda: client.get(reverse("privacy:staff_exports")), expected=2)


def test_token_is_not_stored_and_differs_per_export(user, ready_export):
    second = ExportRequest.objects.create(person=user, requested_by=user)
    token = export_token(ready_export)
    assert token != export_token(second) and len(token) == 40
    assert token not in ready_export.token_hash
