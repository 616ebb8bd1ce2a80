"""The export job in a real Celery worker on Redis (issue 23, item 2)."""

from __future__ import annotations

import io
import json
import zipfile

import pytest
from django.urls import reverse

from intranet.privacy.links import export_download_url
from intranet.privacy.models import ExportRequest
from tests.factories import UserFactory
from tests.notifications.conftest import wait_for

pytestmark = [pytest.mark.worker, pytest.mark.redis]


def test_the_worker_builds_the_export_and_the_link_downloads_it(worker_media_root, celery_worker, client):
    person = UserFactory.create(display_name="Wanda Worker")
    client.force_login(person)

    assert client.post(reverse("privacy:my_data")).status_code == 302

    export = ExportRequest.objects.get(person=person)
    # The worker's own follow-up event (export.ready) goes to the worker's default queue, which this
    # test worker does not consume; the notification it sends is tested with eager Celery.
    wait_for(
        lambda: ExportRequest.objects.filter(pk=export.pk, state=ExportRequest.State.READY).exists(),
        worker=celery_worker,
    )
    export.refresh_from_db()
    assert export.counts["accounts.User"] == 1 and export.file_size > 0
    assert "core.outbox_deliver" in celery_worker.output()

    response = client.get(export_download_url(export))
    assert response.status_code == 200
    archive = zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content)))
    assert json.loads(archive.read("profile.json"))["accounts.User"][0]["display_name"] == "Wanda Worker"
