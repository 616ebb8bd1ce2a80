"""Saved replies: community and personal, both tonalities, placeholders filled safely, the picker."""

from __future__ import annotations

import html as html_lib
import re

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from communities.inbox.services import (
    fill_placeholders,
    saved_reply_create,
    saved_reply_delete,
    saved_reply_text,
    saved_reply_update,
)
from communities.models import CommunityRules, SavedReply
from intranet.core.models import AuditEntry
from tests.communities.inbox.conftest import open_for_post, write_post
from tests.support.forms import with_key

pytestmark = pytest.mark.django_db

VALUES = {"member_name": "Mia Member", "community_name": "Solar Garden", "manager_name": "Mara Manager"}


def test_placeholders_are_filled() -> None:
    text = "Hallo {member_name}, willkommen in {community_name}! Grüße, {manager_name}"
    assert fill_placeholders(text, VALUES) == "Hallo Mia Member, willkommen in Solar Garden! Grüße, Mara Manager"


@pytest.mark.parametrize(
    "text",
    [
        "{0.__class__.__mro__}",
        "{member_name.__class__}",
        "{member_name!r} {x:>99999999}",
        "{{member_name}} {",
        "}{unknown}{",
    ],
)
def test_format_strings_stay_literal_text(text: str) -> None:
    filled = fill_placeholders(text, VALUES)
    assert "class" not in filled or "__class__" in text
    # Only exact placeholders are replaced; everything else is kept verbatim.
    assert filled == text.replace("{member_name}", "Mia Member")


def test_values_are_not_expanded_twice() -> None:
    sneaky = {**VALUES, "member_name": "{manager_name}"}
    assert fill_placeholders("Hi {member_name}", sneaky) == "Hi {manager_name}"


def test_tonality_picks_the_text_and_falls_back() -> None:
    reply = SavedReply(title="Welcome", body_du="Hallo {member_name}, schön dass du da bist.", body_sie="")
    assert saved_reply_text(reply, tonality="sie", **VALUES) == "Hallo Mia Member, schön dass du da bist."
    reply.body_sie = "Guten Tag {member_name}, schön dass Sie da sind."
    assert saved_reply_text(reply, tonality="sie", **VALUES) == "Guten Tag Mia Member, schön dass Sie da sind."
    assert saved_reply_text(reply, tonality="du", **VALUES).startswith("Hallo Mia")


def test_community_replies_are_kept_by_managers_and_audited(community, manager, moderator) -> None:
    with pytest.raises(PermissionDenied):
        saved_reply_create(actor=moderator, community=community, title="x", body_du="y")
    reply = saved_reply_create(actor=manager, community=community, title="Welcome", body_du="Hallo", body_sie="")
    saved_reply_update(actor=manager, reply=reply, title="Welcome!", body_du="Hallo", body_sie="Guten Tag")
    with pytest.raises(PermissionDenied):
        saved_reply_delete(actor=moderator, reply=reply)
    saved_reply_delete(actor=manager, reply=reply)
    actions = list(AuditEntry.objects.filter(action__startswith="saved_reply.").values_list("action", flat=True))
    assert sorted(actions) == ["saved_reply.changed", "saved_reply.created", "saved_reply.deleted"]


def test_personal_replies_belong_to_their_owner(community, moderator, manager, member) -> None:
    reply = saved_reply_create(actor=moderator, community=None, title="Mine", body_sie="Sehr geehrte")
    assert reply.owner_id == moderator.pk
    with pytest.raises(PermissionDenied):
        saved_reply_update(actor=manager, reply=reply, title="Theirs", body_du="x")
    with pytest.raises(PermissionDenied):
        saved_reply_create(actor=member, community=None, title="x", body_du="y")  # no inbox, no replies
    assert not AuditEntry.objects.filter(action__startswith="saved_reply.").exists()


def test_a_reply_needs_a_title_and_a_text(moderator) -> None:
    with pytest.raises(ValidationError) as exc:
        saved_reply_create(actor=moderator, community=None, title=" ", body_du="", body_sie="")
    assert "title" in exc.value.message_dict
    with pytest.raises(ValidationError) as exc:
        saved_reply_create(actor=moderator, community=None, title="t", body_du=" ", body_sie="")
    assert "body_du" in exc.value.message_dict


@pytest.mark.parametrize("tonality", ["du", "sie"])
def test_picker_fills_in_the_community_tonality(client, community, manager, member, tonality: str) -> None:
    CommunityRules.objects.create(community=community, tonality=tonality)
    saved_reply_create(
        actor=manager,
        community=community,
        title="Thanks",
        body_du="Danke {member_name}, dein Beitrag in {community_name}. {manager_name}",
        body_sie="Danke {member_name}, Ihr Beitrag in {community_name}. {manager_name}",
    )
    saved_reply_create(actor=manager, community=None, title="Mine <b>", body_du="Hi {member_name} <script>")
    post = write_post(member, community)
    item = open_for_post(post)
    client.force_login(manager)
    for params in ({"item": item.pk}, {"post": post.pk}):
        response = client.get(reverse("communities:saved_reply_picker"), {"target": "answer-body", **params})
        assert response.status_code == 200
        page = response.content.decode()
        texts = [html_lib.unescape(t) for t in re.findall(r'data-saved-reply-text="([^"]*)"', page)]
        word = "Ihr" if tonality == "sie" else "dein"
        assert f"Danke Mia Member, {word} Beitrag in Solar Garden. Mara Manager" in texts
        assert "Hi Mia Member <script>" in texts
        assert "<script>" not in page and "Mine &lt;b&gt;" in page


def test_picker_is_for_the_team_only(client, community, member, other_moderator) -> None:
    post = write_post(member, community)
    picker = reverse("communities:saved_reply_picker")
    for person in (member, other_moderator):
        client.force_login(person)
        assert client.get(picker, {"target": "comment-body", "post": post.pk}).status_code == 404
    assert client.get(picker, {"target": 'x" onclick="', "post": post.pk}).status_code == 404


def test_post_page_offers_the_picker_to_moderators_only(client, community, member, moderator) -> None:
    post = write_post(member, community)
    client.force_login(moderator)
    assert 'id="saved-replies-comment-body"' in client.get(post.get_absolute_url()).content.decode()
    client.force_login(member)
    assert "saved-replies-comment-body" not in client.get(post.get_absolute_url()).content.decode()


def test_saved_reply_pages(client, community, manager) -> None:
    client.force_login(manager)
    page = reverse("communities:saved_reply_list")
    assert client.get(page).status_code == 200
    response = client.post(page, with_key(title="Hello", body_du="Hallo {member_name}", community=community.pk))
    assert response.status_code == 302
    reply = SavedReply.objects.get()
    assert reply.community_id == community.pk
    edit = reverse("communities:saved_reply_edit", kwargs={"pk": reply.pk})
    client.post(edit, {"title": "Hello!", "body_du": "Hallo", "body_sie": "Guten Tag"})
    reply.refresh_from_db()
    assert (reply.title, reply.body_sie) == ("Hello!", "Guten Tag")
    bad = client.post(page, with_key(title="", body_du=""))
    assert bad.status_code == 200 and "is-invalid" in bad.content.decode()
