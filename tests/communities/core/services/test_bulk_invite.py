from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from communities.core.services import (
    InvalidLine,
    community_create,
    community_recount_members,
    membership_accept_invitation,
    membership_ban,
    membership_invite_bulk,
    membership_join,
    membership_request,
)
from communities.models import Community, Membership
from intranet.core.models import AuditEntry
from tests.communities.conftest import assert_counters_exact, snapshot
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

State = Membership.State


@pytest.fixture
def setting():
    """A request-policy community with one person in each kind of existing row."""
    owner = UserFactory.create(email="owner@example.com")
    community = community_create(actor=owner, name="Bulk", join_policy=Community.JoinPolicy.REQUEST)
    member = UserFactory.create(email="member@example.com")
    membership_request(actor=member, community=community)
    Membership.objects.filter(user=member).update(state=State.ACTIVE)
    asking = UserFactory.create(email="asking@example.com")
    membership_request(actor=asking, community=community)
    banned = UserFactory.create(email="banned@example.com")
    membership_ban(actor=owner, community=community, user=banned)
    fresh = [UserFactory.create(email=f"new{i}@example.com") for i in range(3)]
    UserFactory.create(email="left@example.com", is_active=False)
    community_recount_members()
    community.refresh_from_db()
    return {"owner": owner, "community": community, "member": member, "asking": asking, "banned": banned, "new": fresh}


def test_pasted_text_with_every_separator(setting):
    text = (
        "new0@example.com, new1@example.com; Anna Neu <NEW2@Example.com>\n"
        "member@example.com\tasking@example.com\n"
        "\n"
        "banned@example.com, nobody@example.com, left@example.com\n"
        "not an address; @example.com\n"
        "new0@example.com\n"
    )
    audit_before = AuditEntry.objects.count()
    report = membership_invite_bulk(actor=setting["owner"], community=setting["community"], text=text)
    assert [u.email for u in report.invited] == ["new0@example.com", "new1@example.com", "new2@example.com"]
    assert report.already_member == [setting["member"]]
    assert report.already_invited == [setting["asking"]]
    assert report.banned == [setting["banned"]]
    assert report.unknown == ["nobody@example.com", "left@example.com"]
    assert report.invalid == [InvalidLine(5, "not an address"), InvalidLine(5, "@example.com")]
    assert Membership.objects.filter(community=setting["community"], state=State.INVITED).count() == 3
    assert all(m.invited_by == setting["owner"] for m in Membership.objects.filter(state=State.INVITED))
    assert AuditEntry.objects.count() == audit_before + 1
    entry = AuditEntry.objects.latest("id")
    assert entry.action == "membership.invited_bulk"
    assert entry.after == {"invited": [u.pk for u in report.invited], "state": "invited"}
    assert_counters_exact()  # invitations do not count as members until accepted


def test_csv_upload_with_a_header_and_semicolons(setting):
    content = (
        "Name;Abteilung;E-Mail\n"
        "Neu Null;IT;new0@example.com\n"
        "Mitglied;HR;member@example.com\n"
        "Kaputt;HR;kein-at-zeichen\n"
        ";;\n"
        "Niemand;Einkauf;nobody@example.com\n"
    ).encode("cp1252")
    upload = SimpleUploadedFile("einladung.csv", content, content_type="text/csv")
    report = membership_invite_bulk(actor=setting["owner"], community=setting["community"], csv_file=upload)
    assert [u.email for u in report.invited] == ["new0@example.com"]
    assert report.already_member == [setting["member"]]
    assert report.invalid == [InvalidLine(4, "kein-at-zeichen")]
    assert report.unknown == ["nobody@example.com"]
    assert report.total == 4


def test_csv_upload_without_a_header(setting):
    upload = SimpleUploadedFile("list.csv", b"\xef\xbb\xbfnew1@example.com,Neu Eins\r\nnew2@example.com,Neu Zwei\r\n")
    report = membership_invite_bulk(actor=setting["owner"], community=setting["community"], csv_file=upload)
    assert [u.email for u in report.invited] == ["new1@example.com", "new2@example.com"]


def test_dry_run_reports_without_writing(setting):
    before = snapshot()
    report = membership_invite_bulk(
        actor=setting["owner"], community=setting["community"], text="new0@example.com", dry_run=True
    )
    assert report.dry_run and [u.email for u in report.invited] == ["new0@example.com"]
    assert snapshot() == before


def test_nothing_to_invite_writes_no_audit_row(setting):
    before = snapshot()
    report = membership_invite_bulk(actor=setting["owner"], community=setting["community"], text="member@example.com")
    assert report.already_member == [setting["member"]] and not report.invited
    assert snapshot() == before


@pytest.mark.parametrize(
    ("text", "upload", "message"),
    [
        ("", None, "Enter e-mail addresses"),
        (" \n , ; ", None, "Enter e-mail addresses"),
        ("\n".join(f"p{i}@example.com" for i in range(2001)), None, "at most 2000"),
        ("", SimpleUploadedFile("big.csv", b"a@example.com\n" * 80000), "at most 1 MB"),
    ],
)
def test_unusable_input_is_refused_whole(setting, text, upload, message):
    before = snapshot()
    with pytest.raises(ValidationError, match=message):
        membership_invite_bulk(actor=setting["owner"], community=setting["community"], text=text, csv_file=upload)
    assert snapshot() == before


def test_members_cannot_bulk_invite(setting):
    before = snapshot()
    with pytest.raises(PermissionDenied):
        membership_invite_bulk(actor=setting["member"], community=setting["community"], text="new0@example.com")
    assert snapshot() == before


def test_invited_people_join_by_accepting(setting):
    membership_invite_bulk(actor=setting["owner"], community=setting["community"], text="new0@example.com")
    membership_accept_invitation(actor=setting["new"][0], community=setting["community"])
    setting["community"].refresh_from_db()
    assert setting["community"].member_count == 3
    with pytest.raises(ValidationError):
        membership_join(actor=setting["new"][0], community=setting["community"])
