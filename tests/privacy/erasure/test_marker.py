"""The marker test (issue 23, item 3): a person writes a unique marker into every text field they
can fill, is erased, and then neither a ``pg_dump --data-only`` of the whole test database nor the
media folder holds the marker, except in the rows the register says are kept (``OnErase.KEEP``),
and those rows hold no identity (no name, e-mail address or handle; their links point at the
"former employee" account)."""

from __future__ import annotations

import re
import subprocess
import sys
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from django.apps import apps
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import models

from communities.canvas.services import canvas_save
from communities.canvas.themes import THEMES
from communities.core.services import community_create
from communities.core.services.membership import membership_join, membership_request
from communities.models import Community, Membership
from communities.moderation.services import report_create
from communities.posts.models import Comment, Post
from communities.posts.services.comments import comment_create
from communities.posts.services.posts import post_create
from intranet.accounts.erasure.placeholder import former_employee
from intranet.accounts.erasure.services import (
    erasure_request_approve,
    erasure_request_execute,
    erasure_request_open,
)
from intranet.accounts.models import ErasureRequest, Profile, User
from intranet.accounts.services import profile_update, user_create
from intranet.core import privacy
from intranet.core.viewer import Viewer
from intranet.messaging.services import conversation_start, message_send
from meetups.models import MeetupSeries
from tests.communities.factories import MembershipFactory
from tests.factories import UserFactory
from tests.meetups.factories import SeriesFactory
from tests.support.databases import database_url
from tests.training.qualification_helpers import correct_answers, make_exam
from training.exams.services import attempt_start, attempt_submit

MARK = "qzxmarker"


@dataclass(frozen=True)
class Hit:
    table: str
    columns: tuple[str, ...]
    row: tuple[str, ...]
    header: tuple[str, ...]


def _dump() -> str:
    out = subprocess.run(
        ["pg_dump", "--data-only", "--no-owner", "--no-privileges", database_url()],
        capture_output=True,
        text=True,
        check=True,
    )
    return out.stdout


def _hits(dump: str, needle: str) -> Iterator[Hit]:
    """Every row of the dump's COPY blocks that contains ``needle`` (case-insensitive)."""
    table = ""
    header: tuple[str, ...] = ()
    copy = re.compile(r"^COPY (?:public\.)?\"?([\w]+)\"? \((.*)\) FROM stdin;$")
    low = needle.lower()
    for line in dump.splitlines():
        match = copy.match(line)
        if match:
            table = match.group(1)
            header = tuple(c.strip().strip('"') for c in match.group(2).split(","))
            continue
        if line == "\\.":
            table = ""
            continue
        if table and low in line.lower():
            row = tuple(line.split("\t"))
            columns = tuple(col for col, value in zip(header, row, strict=False) if low in value.lower())
            yield Hit(table=table, columns=columns, row=row, header=header)


def _model_of(table: str) -> type[models.Model] | None:
    for model in apps.get_models(include_auto_created=True):
        if model._meta.db_table == table:
            return model
    return None


def _kept(model: type[models.Model] | None, column: str) -> bool:
    """Whether the register keeps ``column`` of ``model`` on erasure."""
    if model is None:
        return False
    entry = privacy.entry_for(model)
    if entry is None:
        return False
    for field in model._meta.concrete_fields:
        if field.column == column:
            declared = entry.fields.get(field.name)
            return declared is not None and declared.on_erase is privacy.OnErase.KEEP
    return False


def _plant(person: User, colleague: User, owner: User) -> Counter[str]:
    """Write the marker everywhere ``person`` can write; returns the places planted."""
    planted: Counter[str] = Counter()
    profile_update(
        actor=person,
        user=person,
        job_title=f"{MARK} title",
        department=f"{MARK} department",
        location=f"{MARK} town",
        bio=f"About me: {MARK}",
        languages=[f"{MARK}ish"],
    )
    planted.update(["name", "e-mail", "handle", "job title", "department", "location", "bio", "languages"])
    profile = Profile.objects.get(user=person)
    profile.avatar.save("avatar.webp", ContentFile(f"RIFF avatar {MARK}".encode()), save=True)
    planted["avatar file"] += 1

    community = community_create(actor=owner, name="Marker community")
    membership_join(actor=person, community=community)
    post_create(
        actor=person,
        community=community,
        title=f"Post title {MARK}",
        body=f"Post body {MARK}",
        attachments=[SimpleUploadedFile(f"{MARK}-notes.txt", f"file content {MARK}\n".encode(), "text/plain")],
    )
    planted.update(["post title", "post body", "attachment name", "attachment file"])
    others_post = post_create(actor=owner, community=community, title="Welcome", body="Hello everyone")
    comment_create(actor=person, post=others_post, body=f"Comment {MARK}")
    planted["comment"] += 1
    mention = post_create(actor=owner, community=community, title="Thanks", body=f"Thanks @{person.handle}!")
    planted["mention of them (handle)"] += 1

    request_only = community_create(actor=owner, name="By request", join_policy=Community.JoinPolicy.REQUEST)
    membership_request(actor=person, community=request_only, message=f"Let me in {MARK}")
    planted["join request message"] += 1

    report_create(actor=person, post=mention, reason="other", text=f"Report text {MARK}")
    planted["report text"] += 1

    conversation, _message = conversation_start(actor=person, recipients=[colleague], body=f"DM {MARK}")
    message_send(actor=colleague, conversation=conversation, body="A reply without the marker")
    message_send(actor=person, conversation=conversation, body=f"Second DM {MARK}")
    planted["direct messages"] += 2

    managed = community_create(actor=owner, name="Canvas community")
    MembershipFactory.create(user=person, community=managed, role=Membership.Role.MANAGER)
    canvas_save(
        actor=Viewer(User.objects.get(pk=person.pk)),
        community=managed,
        answers={THEMES[0].key: f"Canvas {MARK}"},
        base_version=0,
    )
    planted["canvas"] += 1

    exam = make_exam(single=1, free_text=1)
    attempt = attempt_start(actor=person, exam=exam)
    attempt_submit(actor=person, attempt=attempt, answers=correct_answers(attempt, text=f"Exam answer {MARK}"))
    planted["exam answer"] += 1

    SeriesFactory.create(description=f"Meetup {MARK}", created_by=person, organisers=[person])
    planted["meetup description"] += 1
    assert Post.objects.filter(body_source__contains=person.handle).exists()
    assert Comment.objects.filter(body_source__contains=MARK).exists()
    return planted


@pytest.mark.django_db(transaction=True)
def test_erased_person_leaves_no_marker_outside_kept_rows(settings: Any) -> None:
    settings.ERASURE_POSTS = "anonymise"
    settings.ERASURE_DIRECT_MESSAGES = "delete"
    person = user_create(email=f"mara.{MARK}@example.com", display_name=f"Mara {MARK}Person")
    colleague = UserFactory.create()
    owner = UserFactory.create()
    staff, approver = UserFactory.create(is_staff=True), UserFactory.create(is_staff=True)
    planted = _plant(person, colleague, owner)
    identifiers = [person.email, person.display_name, person.handle]
    media = Path(settings.MEDIA_ROOT)
    assert (
        sum(1 for path in media.rglob("*") if path.is_file() and MARK in path.read_bytes().decode(errors="ignore")) == 2
    )
    assert _model_of("communities_post") is Post and any(_hits(_dump(), MARK))

    request = erasure_request_open(actor=staff, subject=person, reason="Ticket DP-1")
    erasure_request_approve(actor=approver, request=request)
    erasure_request_execute(request_id=request.pk)  # a no-op when the relay already ran it
    request.refresh_from_db()
    assert request.state == ErasureRequest.State.DONE
    assert not User.objects.filter(pk=person.pk).exists()

    dump = _dump()
    placeholder = former_employee()
    unexpected: list[str] = []
    kept = Counter[str]()
    for hit in _hits(dump, MARK):
        model = _model_of(hit.table)
        for column in hit.columns:
            if not _kept(model, column):
                unexpected.append(f"{hit.table}.{column}: {hit.row}")
                continue
            kept[f"{hit.table}.{column}"] += 1
        # A kept row holds no identity: its links to people point at the placeholder, never at
        # the erased account (which is gone), and no identifier of the person is in it.
        if model is not None:
            for field in model._meta.concrete_fields:
                if isinstance(field, models.ForeignKey) and field.related_model is User and field.column in hit.header:
                    value = hit.row[hit.header.index(field.column)]
                    assert value in (r"\N", str(placeholder.pk)) or int(value) != person.pk
    leftovers = [
        f"{identifier!r} in {hit.table}: {hit.row}" for identifier in identifiers for hit in _hits(dump, identifier)
    ]
    files = [
        str(p)
        for p in media.rglob("*")
        if p.is_file() and (MARK in p.name or MARK in p.read_bytes().decode(errors="ignore"))
    ]
    sys.stdout.write(
        f"\nmarkers planted: {sum(planted.values())} in {len(planted)} places {dict(planted)}\n"
        f"markers found in kept rows: {sum(kept.values())} {dict(kept)}\n"
        f"markers found elsewhere: {len(unexpected)}; files holding it: {len(files)}\n"
    )
    assert unexpected == []
    assert leftovers == []
    assert files == []
    # the conversation lives on for the colleague; the post stays under "former employee"
    assert Post.objects.filter(title__contains=MARK, author=placeholder).exists()
    assert not MeetupSeries.objects.filter(created_by_id=person.pk).exists()
