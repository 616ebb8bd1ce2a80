"""The erasure request workflow: staff open a request with a reason, a second member of staff
approves or rejects it, every step audited; pages answer 404 to everyone but staff."""

from __future__ import annotations

from typing import Any, cast

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from intranet.accounts.erasure.permissions import (
    can_decide_erasure,
    can_manage_erasure,
    can_request_erasure,
    visible_erasure_requests,
)
from intranet.accounts.erasure.placeholder import former_employee
from intranet.accounts.erasure.services import (
    erasure_request_approve,
    erasure_request_execute,
    erasure_request_open,
    erasure_request_reject,
)
from intranet.accounts.models import ErasureRequest, User
from intranet.core.models import AuditEntry
from intranet.core.viewer import Viewer
from tests.factories import UserFactory
from tests.support.queries import assert_constant_queries

LIST = "/accounts/erasure/"

pytestmark = pytest.mark.django_db


def _user(**fields: Any) -> User:
    return cast(User, UserFactory(**fields))


@pytest.fixture
def second_staff() -> User:
    return _user(is_staff=True)


def _open(staff: User, subject: User | None = None) -> ErasureRequest:
    return erasure_request_open(actor=staff, subject=subject or _user(), reason="Ticket DP-17: person asked")


# Permissions ------------------------------------------------------------------------------------


def test_only_staff_manage_and_the_approver_is_a_second_person(staff_user, second_staff, user):
    request = _open(staff_user)
    assert can_manage_erasure(Viewer(staff_user))
    assert not can_manage_erasure(Viewer(user))
    assert not can_request_erasure(Viewer(staff_user), staff_user)  # not oneself
    assert can_decide_erasure(Viewer(second_staff), request)
    assert not can_decide_erasure(Viewer(staff_user), request)  # the one who asked
    assert not can_decide_erasure(Viewer(user), request)
    assert not can_decide_erasure(Viewer(request.subject), request)
    # the queryset twin agrees with the predicate
    for viewer in (staff_user, second_staff, user):
        listed = visible_erasure_requests(Viewer(viewer), ErasureRequest.objects.all()).exists()
        assert listed is can_manage_erasure(Viewer(viewer))


def test_open_needs_a_reason_and_refuses_duplicates_and_the_placeholder(staff_user):
    subject = _user()
    with pytest.raises(ValidationError):
        erasure_request_open(actor=staff_user, subject=subject, reason="   ")
    erasure_request_open(actor=staff_user, subject=subject, reason="asked")
    with pytest.raises(ValidationError):
        erasure_request_open(actor=staff_user, subject=subject, reason="asked again")
    with pytest.raises(ValidationError):
        erasure_request_open(actor=staff_user, subject=former_employee(), reason="no")
    with pytest.raises(PermissionDenied):
        erasure_request_open(actor=_user(), subject=_user(), reason="not staff")


def test_every_step_is_audited(staff_user, second_staff, django_capture_on_commit_callbacks):
    subject = _user(display_name="Erika Beispiel")
    request = _open(staff_user, subject)
    assert AuditEntry.objects.filter(action="erasure.requested", actor=staff_user, target_id=str(request.pk)).exists()
    with pytest.raises(PermissionDenied):
        erasure_request_approve(actor=staff_user, request=request)
    with django_capture_on_commit_callbacks(execute=False):
        erasure_request_approve(actor=second_staff, request=request, note="checked")
    request.refresh_from_db()
    assert request.state == ErasureRequest.State.APPROVED
    assert AuditEntry.objects.filter(action="erasure.approved", actor=second_staff).exists()
    erasure_request_execute(request_id=request.pk)
    request.refresh_from_db()
    assert request.state == ErasureRequest.State.DONE and request.subject is None
    assert request.subject_ref == subject.pk
    assert not User.objects.filter(pk=subject.pk).exists()
    done = AuditEntry.objects.get(action="erasure.completed")
    assert done.actor is None and "Erika" not in str(done.after) and "Erika" not in done.target_repr
    # running the job twice does nothing more
    assert erasure_request_execute(request_id=request.pk).state == ErasureRequest.State.DONE  # type: ignore[union-attr]


def test_reject_needs_a_note_and_leaves_the_person(staff_user, second_staff):
    request = _open(staff_user)
    with pytest.raises(ValidationError):
        erasure_request_reject(actor=second_staff, request=request, note="")
    erasure_request_reject(actor=second_staff, request=request, note="No legal ground")
    request.refresh_from_db()
    assert request.state == ErasureRequest.State.REJECTED
    assert User.objects.filter(pk=request.subject_ref).exists()
    assert AuditEntry.objects.filter(action="erasure.rejected", actor=second_staff, reason="No legal ground").exists()
    with pytest.raises(PermissionDenied):  # decided requests cannot be decided again
        erasure_request_approve(actor=second_staff, request=request)


def test_approval_erases_through_the_outbox_after_commit(staff_user, second_staff, django_capture_on_commit_callbacks):
    subject = _user()
    request = _open(staff_user, subject)
    with django_capture_on_commit_callbacks(execute=True):
        erasure_request_approve(actor=second_staff, request=request)
    request.refresh_from_db()
    assert request.state == ErasureRequest.State.DONE
    assert not User.objects.filter(pk=subject.pk).exists()


# Pages ------------------------------------------------------------------------------------------


def test_url_names():
    assert reverse("account_erasures") == LIST
    assert reverse("account_erasure_detail", kwargs={"pk": 7}) == "/accounts/erasure/7/"


def test_pages_answer_404_to_everyone_but_staff(client, staff_user, user):
    request = _open(staff_user)
    detail = reverse("account_erasure_detail", kwargs={"pk": request.pk})
    client.force_login(user)
    assert client.get(LIST).status_code == 404
    assert client.post(LIST, {"person": request.subject.handle, "reason": "x"}).status_code == 404  # type: ignore[union-attr]
    assert client.get(detail).status_code == 404
    assert client.post(detail, {"decision": "approve"}).status_code == 404
    client.force_login(staff_user)
    assert client.get(reverse("account_erasure_detail", kwargs={"pk": request.pk + 999})).status_code == 404


def test_staff_open_a_request_on_the_page_and_a_colleague_approves(
    client, staff_user, second_staff, django_capture_on_commit_callbacks
):
    subject = _user(handle="erika.beispiel")
    client.force_login(staff_user)
    response = client.post(LIST, {"person": "@erika.beispiel", "reason": "Ticket DP-18"})
    request = ErasureRequest.objects.get()
    assert response.status_code == 302 and response["Location"] == f"{LIST}{request.pk}/"
    page = client.get(response["Location"])
    assert page.status_code == 200 and page.context["may_decide"] is False
    assert client.post(response["Location"], {"decision": "approve"}).status_code == 403

    client.force_login(second_staff)
    assert client.get(response["Location"]).context["may_decide"] is True
    with django_capture_on_commit_callbacks(execute=True):
        decided = client.post(response["Location"], {"decision": "approve", "note": "ok"})
    assert decided.status_code == 302
    request.refresh_from_db()
    assert request.state == ErasureRequest.State.DONE
    assert not User.objects.filter(pk=subject.pk).exists()
    done = client.get(response["Location"])
    assert f"Person #{subject.pk}".encode() in done.content and b"erika" not in done.content


def test_malformed_input_answers_4xx(client, staff_user, second_staff):
    client.force_login(staff_user)
    assert client.post(LIST, {"person": "", "reason": ""}).status_code == 400
    assert client.post(LIST, {"person": "nobody-here", "reason": "x"}).status_code == 400
    assert client.post(LIST, {"person": staff_user.handle, "reason": "x"}).status_code == 400  # oneself
    assert client.post(LIST, {"person": "x" * 5000, "reason": "x"}).status_code == 400
    assert client.get(LIST, {"cursor": "forged"}).status_code == 400
    request = _open(staff_user)
    client.force_login(second_staff)
    detail = reverse("account_erasure_detail", kwargs={"pk": request.pk})
    assert client.post(detail, {"decision": "maybe"}).status_code == 400
    assert client.post(detail, {"decision": "reject", "note": ""}).status_code == 400
    assert ErasureRequest.objects.get().state == ErasureRequest.State.PENDING


def test_list_page_costs_the_same_for_one_or_many_requests(client, staff_user):
    client.force_login(staff_user)

    def add_rows(n: int) -> None:
        for _ in range(n):
            _open(_user(is_staff=True))

    def load() -> None:
        assert client.get(LIST).status_code == 200

    # the signed-in user, one page of requests with the people joined in
    assert_constant_queries(add_rows=add_rows, action=load, expected=2)


def test_detail_page_query_count(client, staff_user, second_staff, django_assert_num_queries):
    request = _open(staff_user)
    client.force_login(second_staff)
    url = reverse("account_erasure_detail", kwargs={"pk": request.pk})
    client.get(url)
    with django_assert_num_queries(2):
        assert client.get(url).status_code == 200
