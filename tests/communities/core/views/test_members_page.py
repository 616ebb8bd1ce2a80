"""The members page: grouped by role, searchable, keyset pages, and the managers' actions."""

from __future__ import annotations

import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from communities.core.services import membership_ban, membership_invite, membership_request
from communities.models import Community, Membership
from intranet.core.models import AuditEntry
from tests.communities.conftest import assert_counters_exact, snapshot
from tests.communities.core.views.helpers import add_member, make_community, make_user
from tests.support.queries import assert_constant_queries

pytestmark = pytest.mark.django_db

State = Membership.State
Role = Membership.Role


@pytest.fixture(autouse=True)
def _english(settings):
    settings.LANGUAGE_CODE = "en"


def url(name: str, community: Community, **kwargs) -> str:
    return reverse(f"communities:{name}", kwargs={"slug": community.slug, **kwargs})


def messages_of(response) -> list[str]:
    return [str(m) for m in response.context["messages"]]


def listed(html: str) -> list[str]:
    section = html[html.index('id="member-results"') :] if 'id="member-results"' in html else html
    return re.findall(r'class="fw-semibold">([^<]+)</a>', section.split('id="open-invitations"')[0])


@pytest.fixture
def world():
    owner = make_user(display_name="Olga Owner")
    community = make_community(owner, name="Team")
    manager = add_member(community, make_user(display_name="Mia Manager"), role=Role.MANAGER)
    moderator = add_member(community, make_user(display_name="Mo Moderator"), role=Role.MODERATOR)
    member = add_member(community, make_user(display_name="Anna Müller"))
    return {"owner": owner, "community": community, "manager": manager, "moderator": moderator, "member": member}


def test_members_are_grouped_by_role(client, world):
    client.force_login(world["member"])
    html = client.get(url("member_list", world["community"])).content.decode()
    assert listed(html) == ["Olga Owner", "Mia Manager", "Mo Moderator", "Anna Müller"]
    headings = [">Owners</li>", ">Managers</li>", ">Moderators</li>", ">Members</li>"]
    positions = [html.index(heading) for heading in headings]
    assert positions == sorted(positions)
    assert 'id="pending-requests"' not in html and 'id="invite"' not in html  # not a manager


def test_member_search_ignores_accents_and_case(client, world):
    client.force_login(world["member"])
    html = client.get(url("member_list", world["community"]), {"q": "MULLER"}).content.decode()
    assert listed(html) == ["Anna Müller"]
    html = client.get(url("member_list", world["community"]), {"q": "nobody"}).content.decode()
    assert "No member matches this name." in html


def test_member_pages_walk_everyone_once(client, world):
    community = world["community"]
    for i in range(65):
        add_member(
            community, make_user(display_name=f"Person {i % 7}"), role=Role.MODERATOR if i % 5 == 0 else Role.MEMBER
        )
    client.force_login(world["member"])
    seen: list[str] = []
    next_url = url("member_list", community)
    while next_url:
        html = client.get(next_url, headers={"HX-Request": "true"} if "cursor" in next_url else {}).content.decode()
        seen += re.findall(r'data-membership="(\d+)"', html)
        match = re.search(r'id="members-more">\s*<a href="([^"]+)"', html)
        next_url = match.group(1).replace("&amp;", "&") if match else ""
    assert len(seen) == 69 and len(set(seen)) == 69


def test_private_member_list_needs_membership(client, world):
    community = make_community(world["owner"], name="Board", visibility="private")
    client.force_login(make_user())
    assert client.get(url("member_list", community)).status_code == 403
    assert client.get(url("community_detail", community)).status_code == 200


def test_manager_sees_queues_and_approves_with_message(client, world):
    community = world["community"]
    community.join_policy = Community.JoinPolicy.REQUEST
    community.save(update_fields=["join_policy"])
    applicant = make_user(display_name="Paula Pending")
    membership_request(actor=applicant, community=community, message="Let me in")
    invited = make_user(display_name="Ivo Invited")
    membership_invite(actor=world["owner"], community=community, user=invited)
    banned = make_user(display_name="Bert Banned")
    membership_ban(actor=world["owner"], community=community, user=banned)
    client.force_login(world["manager"])
    html = client.get(url("member_list", community)).content.decode()
    for marker in ["pending-requests", "open-invitations", "banned-people", "Let me in", "Ivo Invited", "Bert Banned"]:
        assert marker in html, marker
    pending = Membership.objects.get(user=applicant)
    response = client.post(url("membership_approve", community, membership_id=pending.pk), {"message": "Welcome!"})
    assert response.status_code == 302
    pending.refresh_from_db()
    assert pending.state == State.ACTIVE and pending.decision_message == "Welcome!"
    assert_counters_exact()


def test_decline_with_message(client, world):
    community = world["community"]
    community.join_policy = Community.JoinPolicy.REQUEST
    community.save(update_fields=["join_policy"])
    applicant = make_user()
    membership_request(actor=applicant, community=community)
    pending = Membership.objects.get(user=applicant)
    client.force_login(world["manager"])
    client.post(url("membership_decline", community, membership_id=pending.pk), {"message": "Not now"})
    assert not Membership.objects.filter(pk=pending.pk).exists()
    assert AuditEntry.objects.filter(action="membership.declined", reason="Not now").exists()


def test_approving_a_non_pending_membership_is_a_clear_error(client, world):
    community = world["community"]
    active = Membership.objects.get(user=world["member"])
    client.force_login(world["manager"])
    before = snapshot()
    response = client.post(url("membership_approve", community, membership_id=active.pk), follow=True)
    assert any("Only pending requests can be approved or declined" in m for m in messages_of(response))
    assert snapshot() == before


def test_membership_of_another_community_is_a_404(client, world):
    other = make_community(name="Elsewhere")
    foreign = Membership.objects.get(community=other)
    client.force_login(world["manager"])
    before = snapshot()
    response = client.post(url("membership_remove", world["community"], membership_id=foreign.pk))
    assert response.status_code == 404 and snapshot() == before


def test_invite_one_person_by_handle_or_email(client, world):
    community = world["community"]
    by_handle, by_email = make_user(handle="hanna"), make_user(email="eva@example.com")
    client.force_login(world["manager"])
    client.post(url("membership_invite", community), {"person": "@hanna"})
    client.post(url("membership_invite", community), {"person": "EVA@example.com"})
    assert set(Membership.objects.filter(state=State.INVITED).values_list("user_id", flat=True)) == {
        by_handle.pk,
        by_email.pk,
    }
    before = snapshot()
    response = client.post(url("membership_invite", community), {"person": "hanna"}, follow=True)
    assert any("has already been invited" in m for m in messages_of(response))
    response = client.post(url("membership_invite", community), {"person": "nobody@example.com"})
    assert response.status_code == 400
    assert "Nobody here is called “nobody@example.com”. Choose a person from the list" in response.content.decode()
    assert client.post(url("membership_invite", community), {"person": ""}).status_code == 400
    assert snapshot() == before


def test_invite_form_is_the_person_picker(client, world):
    client.force_login(world["manager"])
    html = client.get(url("member_list", world["community"])).content.decode()
    assert 'id="invite-person"' in html and "data-person-picker" in html and 'data-self="0"' in html
    assert reverse("accounts:person_options") in html


def test_bulk_invite_from_csv_shows_the_report(client, world):
    community = world["community"]
    make_user(email="new.one@example.com", display_name="New One")
    make_user(email="new.two@example.com", display_name="New Two")
    csv = (
        "Name;E-Mail\n"
        "New One;new.one@example.com\n"
        "New Two;NEW.TWO@example.com\n"
        f"Anna;{world['member'].email}\n"
        "Ghost;ghost@example.com\n"
        "Broken;not-an-address\n"
    ).encode()
    client.force_login(world["manager"])
    upload = SimpleUploadedFile("people.csv", csv, content_type="text/csv")
    response = client.post(url("membership_invite_bulk", community), {"addresses": "", "csv_file": upload})
    assert response.status_code == 200
    html = response.content.decode()
    report = html[html.index('id="invite-report"') :]
    assert "2 people invited" in report and "New One" in report and "New Two" in report
    assert "Anna Müller" in report[report.index('id="report-members"') :]
    assert "ghost@example.com" in report[report.index('id="report-unknown"') :]
    assert "line 6" in report and "not-an-address" in report
    assert Membership.objects.filter(community=community, state=State.INVITED).count() == 2
    assert AuditEntry.objects.filter(action="membership.invited_bulk").count() == 1


def test_bulk_invite_without_input_is_a_form_error(client, world):
    client.force_login(world["manager"])
    before = snapshot()
    response = client.post(url("membership_invite_bulk", world["community"]), {"addresses": "  "})
    assert "Enter e-mail addresses or upload a CSV file." in response.content.decode()
    assert snapshot() == before


def test_change_role_remove_ban_and_unban(client, world):
    community = world["community"]
    member = Membership.objects.get(user=world["member"])
    client.force_login(world["owner"])
    client.post(url("membership_change_role", community, membership_id=member.pk), {"role": "manager"})
    member.refresh_from_db()
    assert member.role == Role.MANAGER
    client.post(url("membership_ban", community, membership_id=member.pk), {"reason": "Spam"})
    member.refresh_from_db()
    assert member.state == State.BANNED
    assert_counters_exact()
    client.post(url("membership_unban", community, membership_id=member.pk))
    assert not Membership.objects.filter(pk=member.pk).exists()
    moderator = Membership.objects.get(user=world["moderator"])
    client.post(url("membership_remove", community, membership_id=moderator.pk))
    assert not Membership.objects.filter(pk=moderator.pk).exists()
    assert_counters_exact()


def test_manager_cannot_promote_to_manager_or_touch_owners(client, world):
    community = world["community"]
    member = Membership.objects.get(user=world["member"])
    owner = Membership.objects.get(user=world["owner"])
    client.force_login(world["manager"])
    html = client.get(url("member_list", community)).content.decode()
    row = html[html.index(f'data-membership="{member.pk}"') :].split("</li>")[0]
    assert 'value="moderator"' in row and 'value="manager"' not in row
    before = snapshot()
    assert (
        client.post(url("membership_change_role", community, membership_id=member.pk), {"role": "owner"}).status_code
        == 403
    )
    assert client.post(url("membership_remove", community, membership_id=owner.pk)).status_code == 403
    assert client.post(url("membership_ban", community, membership_id=owner.pk)).status_code == 403
    assert snapshot() == before


def test_last_owner_cannot_be_demoted(client, world):
    community = world["community"]
    owner = Membership.objects.get(user=world["owner"])
    client.force_login(make_user(is_staff=True))
    before = snapshot()
    response = client.post(
        url("membership_change_role", community, membership_id=owner.pk), {"role": "member"}, follow=True
    )
    assert "The community needs at least one owner: make someone else owner first." in messages_of(response)
    assert snapshot() == before


def test_members_page_query_count_is_constant(client, world):
    community = world["community"]
    client.force_login(world["manager"])

    def add_rows(n: int) -> None:
        for _ in range(n):
            add_member(community)
            add_member(community, role=Role.MODERATOR)
            membership_invite(actor=world["owner"], community=community, user=make_user())

    # user, community, role map (with coordinator permissions), the members page, the managers' queues
    assert_constant_queries(add_rows=add_rows, action=lambda: client.get(url("member_list", community)), expected=5)
    client.force_login(world["member"])  # without the queues
    assert_constant_queries(add_rows=add_rows, action=lambda: client.get(url("member_list", community)), expected=4)
