"""The moderation log in words (issue 18, item 13): every audit action code the code base writes has
a sentence, rows read as sentences with names and links in English and German, the raw record sits
behind a "details" toggle, the CSV keeps the codes, and names cost a fixed number of queries."""

from __future__ import annotations

import ast
import datetime as dt
import html
import re
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import timezone, translation

from communities.core import services as core_services
from communities.inbox import services as inbox_services
from communities.models import InboxItem, Report
from communities.moderation import logtext
from communities.moderation import services as mod
from communities.moderation.selectors import log_lines, log_page_for_community
from communities.posts import services as post_services
from intranet.core.viewer import Viewer
from tests.communities.moderation.conftest import add_person, write_post
from tests.factories import UserFactory
from tests.support.queries import assert_constant_queries

pytestmark = pytest.mark.django_db

CODE = re.compile(r"^[a-z_]+(\.[a-z_]+)+$")
#: Functions that write an audit row, with the position of their action argument.
AUDIT_WRITERS = {"audit_log": None, "audit": None, "_audit": 1, "_audit_post": 1}
SOURCE_PACKAGES = ("communities", "intranet", "training", "meetups")


def _strings(node: ast.AST) -> list[str] | None:
    """The action codes an expression can evaluate to, or ``None`` when it is not literal."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return [node.value]
    if isinstance(node, ast.IfExp):
        body, orelse = _strings(node.body), _strings(node.orelse)
        return body + orelse if body is not None and orelse is not None else None
    return None


def _written_codes() -> tuple[set[str], list[str]]:
    """Every action code the sources pass to an audit writer or through an ``action=`` argument or
    ``action = ...`` assignment on the way to one; and the calls whose code cannot be read."""
    codes: set[str] = set()
    unreadable: list[str] = []
    root = Path(settings.BASE_DIR)
    for package in SOURCE_PACKAGES:
        for path in sorted((root / package).rglob("*.py")):
            if "migrations" in path.parts:
                continue
            tree = ast.parse(path.read_text(encoding="utf-8"))
            for node in ast.walk(tree):
                if isinstance(node, ast.Assign) and any(
                    isinstance(t, ast.Name) and t.id == "action" for t in node.targets
                ):
                    codes.update(c for c in _strings(node.value) or [] if CODE.match(c))
                if not isinstance(node, ast.Call):
                    continue
                for keyword in node.keywords:
                    if keyword.arg == "action":
                        codes.update(c for c in _strings(keyword.value) or [] if CODE.match(c))
                func = node.func
                name = func.id if isinstance(func, ast.Name) else getattr(func, "attr", "")
                if name not in AUDIT_WRITERS:
                    continue
                position = AUDIT_WRITERS[name]
                value = next((k.value for k in node.keywords if k.arg == "action"), None)
                if value is None and position is not None and len(node.args) > position:
                    value = node.args[position]
                if value is None:
                    continue
                found = _strings(value)
                if found is not None:
                    codes.update(found)
                elif isinstance(value, ast.JoinedStr) and ast.unparse(value) == "f'report.{status}'":
                    codes.update(f"report.{status}" for status in Report.Status.values if status != "open")
                elif not (isinstance(value, ast.Name) and value.id == "action"):
                    unreadable.append(f"{path.relative_to(root)}:{node.lineno}: {ast.unparse(value)}")
    return codes, unreadable


def test_every_audit_action_code_has_a_sentence():
    codes, unreadable = _written_codes()
    assert not unreadable, f"audit calls whose action code the registry test cannot read: {unreadable}"
    assert len(codes) > 90  # the scan found the code base's writers
    assert {"post.hidden", "inbox.resolved", "report.dismissed", "community.merged", "training.level_promoted"} <= codes
    missing = sorted(codes - set(logtext.SENTENCES))
    assert not missing, f"action codes without a sentence in communities/moderation/logtext.py: {missing}"


def test_every_sentence_renders_in_both_languages():
    """Each sentence fills with every placeholder (a typo in one would raise) and is translated."""
    values = {key: key for key in ("actor", "community", "content", "person", "other", "target", "value")}
    for code, sentence in logtext.SENTENCES.items():
        for language in ("en", "de"):
            with translation.override(language):
                text = str(sentence) % values
            assert "actor" in text or "community" in text, code
        with translation.override("en"):
            english = str(sentence)
        with translation.override("de"):
            assert str(sentence) != english, f"no German sentence for {code}"


def _log(client, community) -> str:
    return client.get(reverse("communities:moderation_log", kwargs={"slug": community.slug})).content.decode()


def test_a_hidden_post_reads_as_a_sentence_with_names_links_and_details(client, community, manager):
    manager.display_name = "Anna Müller"
    manager.save(update_fields=["display_name"])
    author = add_person(community, display_name="Ben <b>Bold</b>")
    post = write_post(author, community, title="Cheap watches")
    mod.post_hide(actor=manager, post=post, reason="spam")
    client.force_login(manager)
    page = _log(client, community)
    sentence = re.search(r'<span class="log-sentence[^"]*">(.*?)</span>\s*</div>', page, re.S)
    assert sentence is not None
    text = html.unescape(re.sub(r"<[^>]+>", "", sentence.group(1)))
    assert text == "Anna Müller hid the post “Cheap watches” by Ben <b>Bold</b> in Solar Garden: “spam”"
    assert "<b>Bold</b>" not in sentence.group(1)  # names are escaped
    assert f'href="{post.get_absolute_url()}"' in sentence.group(1)
    assert f'href="{author.get_absolute_url()}"' in sentence.group(1)
    assert f'href="{manager.get_absolute_url()}"' in sentence.group(1)
    # the raw record is behind a details toggle, not in the sentence
    assert "<details" in page and "<code>post.hidden</code>" in page
    assert "post.hidden" not in sentence.group(1)

    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "de"
    page = _log(client, community)
    german = re.search(r'<span class="log-sentence[^"]*">(.*?)</span>\s*</div>', page, re.S)
    assert german is not None
    assert html.unescape(re.sub(r"<[^>]+>", "", german.group(1))) == (
        "Anna Müller hat den Beitrag „Cheap watches“ von Ben <b>Bold</b> in Solar Garden ausgeblendet: „spam“"
    )


def test_sentences_name_people_communities_and_inbox_items(community, owner, manager, member):
    post = write_post(member, community, title="Moving day")
    comment = post_services.comment_create(actor=member, post=post, body="Rude words")
    report = mod.report_create(actor=add_person(community), comment=comment, reason="harassment")
    item = InboxItem.objects.get(kind="report", key=f"report:{report.pk}")
    inbox_services.inbox_item_claim(actor=owner, item=item)
    mod.report_resolve(actor=manager, report=report, note="handled")
    core_services.membership_ban(actor=owner, community=community, user=UserFactory.create(display_name="Carl"))
    mod.member_mute(
        actor=manager, community=community, user=member, until=timezone.now() + dt.timedelta(days=2), reason="calm down"
    )
    viewer = Viewer(owner)
    with translation.override("en"):
        lines = log_lines(log_page_for_community(viewer, community).items, community=community)
    texts = {line.entry.action: html.unescape(re.sub(r"<[^>]+>", "", line.sentence)) for line in lines}
    assert texts["report.resolved"] == (
        f"{manager.display_name} closed the report about a comment by {member.display_name} on “Moving day” "
        "as resolved: “handled”"
    )
    assert texts["membership.banned"] == f"{owner.display_name} banned Carl from Solar Garden"
    assert texts["member.muted"].startswith(
        f"{manager.display_name} muted {member.display_name} in Solar Garden until "
    )
    assert texts["inbox.claimed"] == f"{owner.display_name} took on the inbox item “Report” in Solar Garden"
    assert "report:" not in " ".join(texts.values())


def _many_kinds(community, owner, manager, n: int) -> None:
    """``n`` rows of each kind of thing a sentence names: posts, comments, reports, memberships,
    members, moves to another community."""
    elsewhere = core_services.community_create(actor=owner, name=f"Elsewhere {UserFactory.create().pk}")
    for i in range(n):
        author = add_person(community)
        post = write_post(author, community, title=f"Post {i}")
        comment = post_services.comment_create(actor=author, post=post, body="Hm")
        mod.comment_hide(actor=manager, comment=comment, reason="off")
        report = mod.report_create(actor=add_person(community), post=post, reason="spam")
        mod.report_dismiss(actor=manager, report=report)
        mod.post_move(actor=owner, post=post, community=elsewhere, reason="fits better")
        core_services.membership_ban(actor=owner, community=community, user=UserFactory.create())
        mod.member_warn(actor=manager, community=community, user=author, note="careful")


def test_log_page_names_cost_a_fixed_number_of_queries(client, community, owner, manager):
    client.force_login(owner)
    page = reverse("communities:moderation_log", kwargs={"slug": community.slug})
    # user, permission and role maps, community, one page of entries; then reports, comments, posts,
    # memberships, people and the other communities named, one query each
    assert_constant_queries(
        add_rows=lambda n: _many_kinds(community, owner, manager, n), action=lambda: client.get(page), expected=10
    )


def test_platform_log_names_cost_a_fixed_number_of_queries(client, community, owner, manager):
    client.force_login(UserFactory.create(is_staff=True))
    # user (staff: no permission map needed), one page of entries, then reports, comments, posts,
    # memberships, people and the communities of the rows' scopes, one query each
    assert_constant_queries(
        add_rows=lambda n: _many_kinds(community, owner, manager, n),
        action=lambda: client.get(reverse("communities:platform_log")),
        expected=8,
    )


def test_csv_keeps_the_machine_readable_fields(client, community, manager):
    post = write_post(add_person(community), community, title="Cheap watches")
    mod.post_hide(actor=manager, post=post, reason="spam")
    client.force_login(manager)
    response = client.get(reverse("communities:moderation_log_export", kwargs={"slug": community.slug}))
    text = b"".join(response.streaming_content).decode("utf-8-sig")  # type: ignore[attr-defined]
    assert ",post.hidden," in text and f"community:{community.pk}" in text and "hid the post" not in text


def test_an_unknown_code_still_reads(community, manager):
    from intranet.core.models import AuditEntry  # only this test writes a row by hand

    entry = AuditEntry.objects.create(actor=manager, action="legacy.thing", target_repr="Old", scope="")
    entry = AuditEntry.objects.select_related("actor", "target_type").get(pk=entry.pk)
    with translation.override("en"):
        [line] = log_lines([entry])
    assert html.unescape(re.sub(r"<[^>]+>", "", line.sentence)) == f"{manager.display_name}: legacy.thing on “Old”"
