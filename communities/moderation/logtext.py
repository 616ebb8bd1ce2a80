"""The moderation log in words: one sentence per audit action code, with names and links.

The audit table keeps machine-readable rows (action codes, ids, before/after dicts) for the CSV
export and for disputes; people read the log as sentences ("Anna hid the post “Spam” by Ben in
Kochen"). :data:`SENTENCES` holds one translatable sentence per action code the code base writes
(a test scans the sources so a new code cannot ship without one); :func:`sentence_for` fills it
from names loaded in bulk beforehand (:class:`LogNames`), so rendering a page never queries.

Placeholders every sentence may use (each already escaped HTML, most of them links):
``actor`` who did it, ``community`` the community of the row's scope, ``content`` the post, comment
or reported content with its author ("the post “X” by Ben"), ``person`` the member concerned,
``other`` a second community (where a post moved or a community merged to), ``target`` the
object's name as recorded, ``value`` a new value (a role, a status, an answer).
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.functional import Promise
from django.utils.html import conditional_escape, format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext, pgettext, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from communities.core.models import Community, Membership
from communities.moderation.models import Report
from communities.posts.models import Comment, Post
from intranet.accounts.models import User
from intranet.core.models import AuditEntry

#: One sentence per audit action code.
SENTENCES: dict[str, Promise] = {
    # Communities and their members
    "community.created": _("%(actor)s created the community %(community)s"),
    "community.updated": _("%(actor)s changed the settings of %(community)s"),
    "community.archived": _("%(actor)s archived %(community)s"),
    "community.unarchived": _("%(actor)s brought %(community)s back from the archive"),
    "community.official_changed": _("%(actor)s changed whether %(community)s is an official community"),
    "community.post_retention_changed": _("%(actor)s changed how long %(community)s keeps its posts"),
    "community.rules_changed": _("%(actor)s changed the rules of %(community)s"),
    "community.inbox_settings_changed": _("%(actor)s changed the inbox settings of %(community)s"),
    "community.canvas_comment": _("%(actor)s commented on the canvas of %(community)s"),
    "community.canvas_comment_resolve": _("%(actor)s resolved a comment on the canvas of %(community)s"),
    "community.handed_over": _("%(actor)s handed %(community)s over to %(person)s"),
    "community.orphaned": _("%(community)s lost its owner %(person)s and has no owner now"),
    "community.merged": _("%(actor)s merged %(community)s into %(other)s"),
    "community.unmerged": _("%(actor)s undid the merge of %(community)s into %(other)s"),
    "membership.approved": _("%(actor)s accepted %(person)s as a member of %(community)s"),
    "membership.declined": _("%(actor)s declined the join request of %(person)s in %(community)s"),
    "membership.invited": _("%(actor)s invited %(person)s to %(community)s"),
    "membership.invited_bulk": _("%(actor)s invited %(value)s people to %(community)s"),
    "membership.role_changed": _("%(actor)s made %(person)s %(value)s of %(community)s"),
    "membership.removed": _("%(actor)s removed %(person)s from %(community)s"),
    "membership.banned": _("%(actor)s banned %(person)s from %(community)s"),
    "membership.unbanned": _("%(actor)s lifted the ban on %(person)s in %(community)s"),
    "lifecycle.campaign_started": _("%(actor)s asked the owners of dormant communities whether they are still needed"),
    "lifecycle.answered": _("%(actor)s answered the lifecycle question for %(community)s: %(value)s"),
    "coordinator.note_added": _("%(actor)s added a private note on %(person)s"),
    # Posts and comments
    "post.hidden": _("%(actor)s hid %(content)s in %(community)s"),
    "post.restored": _("%(actor)s restored %(content)s in %(community)s"),
    "post.approved": _("%(actor)s approved %(content)s in %(community)s"),
    "post.rejected": _("%(actor)s rejected %(content)s in %(community)s"),
    "post.moved": _("%(actor)s moved %(content)s from %(community)s to %(other)s"),
    "post.edited": _("%(actor)s edited %(content)s in %(community)s"),
    "post.deleted": _("%(actor)s deleted %(content)s in %(community)s"),
    "post.pinned": _("%(actor)s pinned %(content)s in %(community)s"),
    "post.unpinned": _("%(actor)s unpinned %(content)s in %(community)s"),
    "post.locked": _("%(actor)s closed %(content)s in %(community)s for comments"),
    "post.unlocked": _("%(actor)s opened %(content)s in %(community)s for comments again"),
    "comment.hidden": _("%(actor)s hid %(content)s in %(community)s"),
    "comment.restored": _("%(actor)s restored %(content)s in %(community)s"),
    "comment.rejected": _("%(actor)s rejected %(content)s in %(community)s"),
    "comment.edited": _("%(actor)s edited %(content)s in %(community)s"),
    "comment.deleted": _("%(actor)s deleted %(content)s in %(community)s"),
    # Reports, direct messages, sanctions, words
    "report.resolved": _("%(actor)s closed the report about %(content)s as resolved"),
    "report.dismissed": _("%(actor)s dismissed the report about %(content)s"),
    "message.hidden": _("%(actor)s hid a reported direct message"),
    "message.restored": _("%(actor)s restored a hidden direct message"),
    "member.warned": _("%(actor)s warned %(person)s in %(community)s"),
    "member.muted": _("%(actor)s muted %(person)s in %(community)s until %(value)s"),
    "member.unmuted": _("%(actor)s lifted the mute of %(person)s in %(community)s"),
    "watched_word.added": _("%(actor)s added the watched word %(target)s"),
    "watched_word.removed": _("%(actor)s removed the watched word %(target)s"),
    # The managers' inbox
    "inbox.claimed": _("%(actor)s took on the inbox item %(target)s in %(community)s"),
    "inbox.assigned": _("%(actor)s assigned the inbox item %(target)s in %(community)s to %(person)s"),
    "inbox.status_changed": _("%(actor)s set the inbox item %(target)s in %(community)s to %(value)s"),
    "inbox.resolved": _("%(actor)s dealt with the inbox item %(target)s in %(community)s"),
    "inbox.escalated": _("%(actor)s escalated the inbox item %(target)s in %(community)s to the coordinators"),
    "saved_reply.created": _("%(actor)s added the saved reply %(target)s in %(community)s"),
    "saved_reply.changed": _("%(actor)s changed the saved reply %(target)s in %(community)s"),
    "saved_reply.deleted": _("%(actor)s deleted the saved reply %(target)s in %(community)s"),
    # People and invitations
    "invitation.created": _("%(actor)s invited %(target)s to the platform"),
    "invitation.accepted": _("%(actor)s accepted the invitation to the platform"),
    "invitation.resent": _("%(actor)s sent the invitation to %(target)s again"),
    "invitation.revoked": _("%(actor)s withdrew the invitation to %(target)s"),
    "user.deactivated": _("%(actor)s deactivated the account of %(person)s"),
    "user.reactivated": _("%(actor)s reactivated the account of %(person)s"),
    "accounts.profile.update": _("%(actor)s changed the profile of %(person)s"),
    # Erasure and retention (issue 23)
    "erasure.requested": _("%(actor)s asked to erase a person (%(target)s)"),
    "erasure.approved": _("%(actor)s approved the erasure %(target)s"),
    "erasure.rejected": _("%(actor)s rejected the erasure %(target)s"),
    "erasure.completed": _("%(actor)s completed the erasure %(target)s"),
    "erasure.failed": _("%(actor)s could not complete the erasure %(target)s"),
    "retention.applied": _("%(actor)s deleted or archived data past its retention"),
    # Meetups
    "meetup_series.created": _("%(actor)s created the meetup series %(target)s"),
    "meetup_series.updated": _("%(actor)s changed the meetup series %(target)s"),
    "meetup_event.created": _("%(actor)s added the meetup %(target)s"),
    "meetup_event.updated": _("%(actor)s changed the meetup %(target)s"),
    "meetup_event.cancelled": _("%(actor)s cancelled the meetup %(target)s"),
    "meetup_organisation.created": _("%(actor)s added the organisation %(target)s"),
    "meetup_organisation.updated": _("%(actor)s changed the organisation %(target)s"),
    "meetup_person.created": _("%(actor)s added the guest %(target)s"),
    "meetup_person.updated": _("%(actor)s changed the guest %(target)s"),
    "network.profile_updated": _("%(actor)s changed the network profile %(target)s"),
    "tandem.partner_created": _("%(actor)s added the tandem partner %(target)s"),
    "tandem.proposed": _("%(actor)s proposed the tandem %(target)s"),
    "tandem.accepted": _("%(actor)s accepted the tandem %(target)s"),
    "tandem.declined": _("%(actor)s declined the tandem %(target)s"),
    "tandem.withdrawn": _("%(actor)s withdrew the tandem %(target)s"),
    "tandem.closed": _("%(actor)s closed the tandem %(target)s"),
    "tandem.meeting_logged": _("%(actor)s recorded a meeting of the tandem %(target)s"),
    "tandem.learnings_saved": _("%(actor)s saved the learnings of the tandem %(target)s"),
    "tandem.learnings_shared": _("%(actor)s shared the learnings of the tandem %(target)s"),
    # Training
    "training.programme_create": _("%(actor)s created the programme %(target)s"),
    "training.programme_update": _("%(actor)s changed the programme %(target)s"),
    "training.step_create": _("%(actor)s added the step %(target)s"),
    "training.step_update": _("%(actor)s changed the step %(target)s"),
    "training.enrolment_cohort": _("%(actor)s enrolled a group of people in %(target)s"),
    "training.exercise_accept": _("%(actor)s accepted the exercise %(target)s"),
    "training.session_create": _("%(actor)s created the live session %(target)s"),
    "training.session_update": _("%(actor)s changed the live session %(target)s"),
    "training.session_cancel": _("%(actor)s cancelled the live session %(target)s"),
    "training.attendance_mark": _("%(actor)s recorded attendance in %(target)s"),
    "training.certificate_issue": _("%(actor)s issued the certificate %(target)s"),
    "training.certificate_revoke": _("%(actor)s revoked the certificate %(target)s"),
    "training.circle_member_added": _("%(actor)s added a member to the learning circle %(target)s"),
    "training.circle_member_removed": _("%(actor)s removed a member from the learning circle %(target)s"),
    "training.bank_created": _("%(actor)s created the question bank %(target)s"),
    "training.bank_updated": _("%(actor)s changed the question bank %(target)s"),
    "training.topic_created": _("%(actor)s created the topic %(target)s"),
    "training.topic_updated": _("%(actor)s changed the topic %(target)s"),
    "training.question_created": _("%(actor)s created the question %(target)s"),
    "training.question_updated": _("%(actor)s changed the question %(target)s"),
    "training.question_retired": _("%(actor)s retired the question %(target)s"),
    "training.question_deleted": _("%(actor)s deleted the question %(target)s"),
    "training.exam_created": _("%(actor)s created the exam %(target)s"),
    "training.exam_updated": _("%(actor)s changed the exam %(target)s"),
    "training.answer_graded": _("%(actor)s graded an answer in %(target)s"),
    "health.recompute_requested": _("%(actor)s had the health scores and tandem suggestions recomputed"),
    "training.level_created": _("%(actor)s created the level %(target)s"),
    "training.level_changed": _("%(actor)s changed the level %(target)s"),
    "training.level_promoted": _("%(actor)s promoted %(person)s to the level %(value)s"),
    "training.level_demoted": _("%(actor)s set the level of %(person)s to %(value)s"),
    "training.level_application_approved": _("%(actor)s approved the level application of %(person)s"),
    "training.level_application_declined": _("%(actor)s declined the level application of %(person)s"),
    # Privacy (intranet/privacy): access requests answered with a data export
    "privacy.export_requested": _("%(actor)s asked for a copy of the data of %(person)s"),
    "privacy.export_downloaded": _("%(actor)s downloaded the data export of %(person)s"),
}

#: For a code without a sentence (rows written by an older release): say what is known.
FALLBACK = _("%(actor)s: %(value)s on %(target)s")

#: Keys of ``before``/``after`` that hold the id of the person an action concerns, by action.
PERSON_KEYS: dict[str, tuple[str, str]] = {
    "community.handed_over": ("after", "owner"),
    "community.orphaned": ("before", "owner"),
    "inbox.assigned": ("after", "assignee"),
    "training.level_promoted": ("after", "user"),
    "training.level_demoted": ("after", "user"),
    "training.level_application_approved": ("after", "user"),
    "training.level_application_declined": ("after", "user"),
}
#: Keys holding the id of a second community, by action.
OTHER_COMMUNITY_KEYS: dict[str, tuple[str, str]] = {
    "post.moved": ("after", "community_id"),
    "community.merged": ("after", "into"),
    "community.unmerged": ("before", "into"),
}

_INBOX_KINDS = {
    "report": pgettext_lazy("noun", "Report"),
    "held_post": _("Post held for approval"),
    "join_request": _("Join request"),
    "unanswered_question": _("Unanswered question"),
    "mention": _("Mention"),
    "flagged_post": _("Flagged by watched words"),
    "escalation": _("Escalation"),
}
_INBOX_STATUSES = {"new": _("New"), "claimed": _("Claimed"), "waiting": _("Waiting"), "done": _("Done")}
_ANSWERS = {
    "keep": _("Keep the community"),
    "archive": _("Archive the community"),
    "merge": _("Merge it into another community"),
}


@dataclass
class LogNames:
    """Everything the sentences of one page name, loaded in bulk (see the moderation selectors)."""

    users: dict[int, User] = field(default_factory=dict)
    communities: dict[int, Community] = field(default_factory=dict)
    posts: dict[int, Post] = field(default_factory=dict)
    comments: dict[int, Comment] = field(default_factory=dict)
    reports: dict[int, Report] = field(default_factory=dict)
    memberships: dict[int, Membership] = field(default_factory=dict)


@dataclass(frozen=True)
class LogLine:
    """One row of the moderation log as people read it, with the raw record for "details"."""

    entry: AuditEntry
    sentence: SafeString

    @property
    def before_json(self) -> str:
        return _json(self.entry.before)

    @property
    def after_json(self) -> str:
        return _json(self.entry.after)


def _json(data: object) -> str:
    return json.dumps(data, ensure_ascii=False, indent=1, sort_keys=True) if data not in (None, {}) else ""


# What a row points at --------------------------------------------------------------------------


def target_model(entry: AuditEntry) -> str:
    """``"app_label.model"`` of the row's target (query-free with ``target_type`` selected)."""
    content_type = entry.target_type if entry.target_type_id is not None else None
    return f"{content_type.app_label}.{content_type.model}" if content_type is not None else ""


def target_pk(entry: AuditEntry) -> int | None:
    return int(entry.target_id) if entry.target_id.isdigit() else None


def scope_id(entry: AuditEntry, prefix: str) -> int | None:
    """The id in ``scope`` (``"community:3"``, ``"user:7"``) when it has ``prefix``."""
    kind, _sep, pk = entry.scope.partition(":")
    return int(pk) if kind == prefix and pk.isdigit() else None


def _id_at(entry: AuditEntry, where: tuple[str, str] | None) -> int | None:
    if where is None:
        return None
    data = entry.before if where[0] == "before" else entry.after
    value = data.get(where[1]) if isinstance(data, Mapping) else None
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def person_id(entry: AuditEntry) -> int | None:
    """The member an action concerns, when the row names one by id (a sanctioned member, the new
    owner, a person's account); memberships are resolved through :attr:`LogNames.memberships`."""
    model = target_model(entry)
    if model == "accounts.user":
        return target_pk(entry)
    if entry.action in PERSON_KEYS:
        return _id_at(entry, PERSON_KEYS[entry.action])
    return scope_id(entry, "user")


def other_community_id(entry: AuditEntry) -> int | None:
    return _id_at(entry, OTHER_COMMUNITY_KEYS.get(entry.action))


def report_id(entry: AuditEntry) -> int | None:
    """The report a row is about: a report row itself, or an inbox item opened for one."""
    model = target_model(entry)
    if model == "communities.report":
        return target_pk(entry)
    if model == "communities.inboxitem":
        kind, key = _inbox_kind_key(entry)
        if kind == "report" and key.startswith("report:") and key[7:].isdigit():
            return int(key[7:])
    return None


def _inbox_kind_key(entry: AuditEntry) -> tuple[str, str]:
    """An inbox item's kind and key, from the name it was recorded under ("report report:1 in ...")."""
    parts = entry.target_repr.split(" ", 2)
    return (parts[0], parts[1]) if len(parts) >= 2 else ("", "")


# Rendering -------------------------------------------------------------------------------------


def _fill(template: Promise | str, **values: Any) -> SafeString:
    """``template`` (translated, then escaped) with ``values`` escaped unless already safe."""
    text = conditional_escape(str(template)) % {key: conditional_escape(value) for key, value in values.items()}
    return mark_safe(text)  # noqa: S308  (the template and every value are escaped above)


def _person_link(user: User | None, fallback: str = "") -> SafeString:
    if user is None:
        return format_html("<span>{}</span>", fallback or pgettext("moderation log", "someone"))
    return format_html('<a href="{}" class="log-person">{}</a>', user.get_absolute_url(), user.display_name)


def _community_link(community: Community | None, fallback: str = "") -> SafeString:
    if community is None:
        return format_html("<span>{}</span>", fallback or gettext("a community"))
    url = reverse("communities:community_detail", kwargs={"slug": community.slug})
    return format_html('<a href="{}" class="log-community">{}</a>', url, community.name)


def _quoted(text: str) -> SafeString:
    """``text`` in the quotation marks of the language (“…” in English, „…“ in German)."""
    return _fill(_("“%(text)s”"), text=text)


def _post_link(post: Post) -> SafeString:
    return format_html('<a href="{}">{}</a>', post.get_absolute_url(), _quoted(post.title))


def _content(entry: AuditEntry, names: LogNames) -> SafeString:
    """The post, comment or reported content with its author, in the accusative of the sentence."""
    model, pk = target_model(entry), target_pk(entry)
    post: Post | None = None
    comment: Comment | None = None
    author: User | None = None
    report = names.reports.get(report_id(entry) or 0)
    if model == "communities.post" and pk is not None:
        post = names.posts.get(pk)
    elif model == "communities.comment" and pk is not None:
        comment = names.comments.get(pk)
    elif report is not None:
        comment = names.comments.get(report.comment_id or 0)
        post = names.posts.get(report.post_id or 0)
        author = names.users.get(report.target_author_id or 0)
        if comment is None and post is None and report.message_id:
            return _fill(_("a direct message by %(author)s"), author=_person_link(author))
    if comment is not None:
        url = f"{comment.post.get_absolute_url()}#comment-{comment.pk}"
        return _fill(
            _("%(comment)s by %(author)s on %(post)s"),
            comment=format_html('<a href="{}">{}</a>', url, gettext("a comment")),
            author=_person_link(comment.author),
            post=_post_link(comment.post),
        )
    if post is not None:
        return _fill(
            _("the post %(post)s by %(author)s"), post=_post_link(post), author=_person_link(author or post.author)
        )
    return _quoted(entry.target_repr) if entry.target_repr else _fill(_("deleted content"))


def _target(entry: AuditEntry) -> SafeString:
    if target_model(entry) == "communities.inboxitem":
        kind, _key = _inbox_kind_key(entry)
        label = _INBOX_KINDS.get(kind, kind)
        url = reverse("communities:inbox_item", kwargs={"pk": entry.target_id}) if entry.target_id.isdigit() else ""
        return format_html('<a href="{}">{}</a>', url, _quoted(str(label))) if url else _quoted(str(label))
    return _quoted(entry.target_repr) if entry.target_repr else _fill(_("something that no longer exists"))


def _value(entry: AuditEntry) -> str:
    after = entry.after if isinstance(entry.after, Mapping) else {}
    action = entry.action
    if action == "membership.role_changed":
        role = after.get("role", "")
        return str(Membership.Role(role).label) if role in Membership.Role.values else str(role)
    if action == "membership.invited_bulk":
        return str(len(after.get("invited") or []))
    if action == "inbox.status_changed":
        status = str(after.get("status", ""))
        return str(_INBOX_STATUSES.get(status, status))
    if action == "lifecycle.answered":
        answer = str(after.get("answer", ""))
        return str(_ANSWERS.get(answer, answer))
    if action == "member.muted":
        try:
            until = dt.datetime.fromisoformat(str(after.get("muted_until", "")))
        except ValueError:
            return str(after.get("muted_until", ""))
        return date_format(timezone.localtime(until) if timezone.is_aware(until) else until, "SHORT_DATETIME_FORMAT")
    if action.startswith("training.level_"):
        return str(after.get("level_name") or gettext("no level"))
    return action


def _person(entry: AuditEntry, names: LogNames) -> SafeString:
    if target_model(entry) == "communities.membership":
        membership = names.memberships.get(target_pk(entry) or 0)
        if membership is not None:
            return _person_link(membership.user)
    pk = person_id(entry)
    return _person_link(names.users.get(pk or 0), entry.target_repr if target_model(entry) == "accounts.user" else "")


def sentence_for(entry: AuditEntry, names: LogNames) -> SafeString:
    """The row as one sentence (with its reason), every name escaped; no query."""
    template = SENTENCES.get(entry.action, FALLBACK)
    values: dict[str, Any] = {
        "actor": _person_link(entry.actor, gettext("The system")) if entry.actor_id else gettext("The system"),
        "community": _community_link(names.communities.get(scope_id(entry, "community") or 0)),
        "other": _community_link(names.communities.get(other_community_id(entry) or 0)),
        "content": _content(entry, names),
        "person": _person(entry, names),
        "target": _target(entry),
        "value": conditional_escape(_value(entry)),
    }
    text = _fill(template, **values)
    if entry.reason:
        text = _fill(_("%(sentence)s: “%(reason)s”"), sentence=text, reason=entry.reason)
    return text
