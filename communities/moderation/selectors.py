"""Reads for the moderation screens: the moderation log (per community and platform-wide), reports,
rules and watched words, and the notice an author sees on their own held or hidden post.

The log is the shared audit table (``intranet.core.models.AuditEntry``): a community's rows carry
``scope="community:<id>"`` and are read through the index ``audit_scope_recent`` with keyset
pagination; platform rows (platform-wide words, reports on direct messages) carry ``"platform"``.
A moved post is one row in the scope of the community it left, listed in the log of the community it
arrived in too (matched on ``after["community_id"]``).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from django.db.models import BigIntegerField, CharField, Q, QuerySet, Value
from django.db.models.fields.json import KeyTextTransform
from django.db.models.functions import Cast, Concat
from django.http import Http404
from django.utils import timezone

from communities.core.models import Community, MemberMute, Membership
from communities.core.permissions import coordinator_reach, is_coordinator, moderated_communities
from communities.moderation import logtext
from communities.moderation.logtext import LogLine, LogNames
from communities.moderation.models import CommunityRules, HiddenMessage, Report, WatchedWord
from communities.moderation.permissions import (
    can_handle_report,
    can_manage_platform_words,
    can_manage_rules,
    can_move_post,
    can_report_message,
    can_restore_message,
    can_sanction_member,
    can_view_message_reports,
    can_view_moderation_log,
    can_view_platform_log,
)
from communities.moderation.screening import rules_for
from communities.posts.models import Comment, Post
from intranet.accounts.models import User
from intranet.core.models import AuditEntry
from intranet.core.pagination import Page, keyset_page
from intranet.core.permissions import require, require_visible
from intranet.core.viewer import Viewer
from intranet.messaging.models import Message
from intranet.messaging.selectors import participant_get_for_viewer

LOG_PAGE_SIZE = 50
LOG_ORDERING = ("-created_at", "-id")
QUERY_MAX = 100
PLATFORM_SCOPE = "platform"


# The moderation log -----------------------------------------------------------------------------


def _search(qs: QuerySet[AuditEntry], query: str) -> QuerySet[AuditEntry]:
    """Rows whose action, target, reason or actor name contain ``query`` (any case)."""
    query = " ".join((query or "").split())[:QUERY_MAX]
    if not query:
        return qs
    return qs.filter(
        Q(action__icontains=query)
        | Q(target_repr__icontains=query)
        | Q(reason__icontains=query)
        | Q(actor__display_name__icontains=query)
    )


#: Actions whose row lives in one community's scope but also concern the community in
#: ``after["community_id"]`` (a moved post arrives there): both logs list the one row.
CROSS_COMMUNITY_ACTIONS = ("post.moved",)


def _arrived(community_ids: object) -> Q:
    """Rows of cross-community actions whose ``after["community_id"]`` is in ``community_ids``
    (a list or a subquery of primary keys)."""
    return Q(action__in=CROSS_COMMUNITY_ACTIONS, arrived_in__in=community_ids)


def _with_arrival(qs: QuerySet[AuditEntry]) -> QuerySet[AuditEntry]:
    return qs.alias(arrived_in=Cast(KeyTextTransform("community_id", "after"), BigIntegerField()))


def _community_log(community: Community) -> QuerySet[AuditEntry]:
    """The community's rows, and the rows of posts moved into it from elsewhere (the move is one
    audit row in the scope of the community it left; the index on ``action`` finds the arrivals)."""
    return _with_arrival(AuditEntry.objects.all()).filter(
        Q(scope=f"community:{community.pk}") | _arrived([community.pk])
    )


def _platform_log(viewer: Viewer) -> QuerySet[AuditEntry]:
    """Every community row within the coordinator's reach (all rows for coordinators of everything),
    posts moved into the reach included."""
    reach = coordinator_reach(viewer)
    if reach is None:
        return AuditEntry.objects.none()
    if reach.everything:
        return AuditEntry.objects.all()
    scopes = [f"community:{pk}" for pk in sorted(reach.community_ids)]
    in_categories = Community.objects.filter(category_id__in=sorted(reach.category_ids))
    by_category = in_categories.annotate(
        scope_key=Concat(Value("community:"), Cast("pk", CharField()), output_field=CharField())
    ).values("scope_key")
    return _with_arrival(AuditEntry.objects.all()).filter(
        Q(scope__in=scopes)
        | Q(scope__in=by_category)
        | _arrived(sorted(reach.community_ids))
        | _arrived(in_categories.values("pk"))
    )


def _with_people(qs: QuerySet[AuditEntry]) -> QuerySet[AuditEntry]:
    return qs.select_related("actor", "target_type")


def log_lines(entries: list[AuditEntry], *, community: Community | None = None) -> list[LogLine]:
    """The rows of one log page as sentences with names and links.

    Names are loaded in bulk, one query per kind of thing the page mentions (reports, comments,
    posts, memberships, people, communities) and none for a kind it does not: the cost does not
    grow with the rows. ``community`` (the log's own) needs no loading.
    """
    names = LogNames()
    if community is not None:
        names.communities[community.pk] = community
    report_ids = {pk for e in entries if (pk := logtext.report_id(e)) is not None}
    if report_ids:
        names.reports = Report.objects.in_bulk(sorted(report_ids))
    comment_ids = {r.comment_id for r in names.reports.values() if r.comment_id}
    comment_ids |= _target_ids(entries, "communities.comment")
    if comment_ids:
        names.comments = (
            Comment.objects.select_related("author", "post").only(*_COMMENT_FIELDS).in_bulk(sorted(comment_ids))
        )
    post_ids = {r.post_id for r in names.reports.values() if r.post_id} | _target_ids(entries, "communities.post")
    if post_ids:
        names.posts = Post.objects.select_related("author").only(*_POST_FIELDS).in_bulk(sorted(post_ids))
    membership_ids = _target_ids(entries, "communities.membership")
    if membership_ids:
        names.memberships = (
            Membership.objects.select_related("user")
            .only("user_id", *(f"user__{f}" for f in _PEOPLE))
            .in_bulk(sorted(membership_ids))
        )
    user_ids = {pk for e in entries if (pk := logtext.person_id(e)) is not None}
    user_ids |= {r.target_author_id for r in names.reports.values() if r.target_author_id}
    if user_ids:
        names.users = User.objects.only(*_PEOPLE).in_bulk(sorted(user_ids))
    community_ids = {pk for e in entries if (pk := logtext.scope_id(e, "community")) is not None}
    community_ids |= {pk for e in entries if (pk := logtext.other_community_id(e)) is not None}
    community_ids -= set(names.communities)
    if community_ids:
        names.communities |= Community.objects.only("name", "slug").in_bulk(sorted(community_ids))
    return [LogLine(entry=e, sentence=logtext.sentence_for(e, names)) for e in entries]


_PEOPLE = ("display_name", "handle")
_POST_FIELDS = ("title", "author_id", *(f"author__{name}" for name in _PEOPLE))
_COMMENT_FIELDS = ("post__title", "author_id", "post_id", *(f"author__{name}" for name in _PEOPLE))


def _target_ids(entries: list[AuditEntry], model: str) -> set[int]:
    return {pk for e in entries if logtext.target_model(e) == model and (pk := logtext.target_pk(e)) is not None}


def log_page_for_community(
    viewer: Viewer, community: Community, *, query: str = "", cursor: str | None = None, page_size: int = LOG_PAGE_SIZE
) -> Page[AuditEntry]:
    """One keyset page of the community's moderation log, newest first, with actors (one query).
    ``Http404`` unless the viewer may read it; ``InvalidCursor`` for a bad cursor."""
    require_visible(can_view_moderation_log(viewer, community))
    qs = _with_people(_search(_community_log(community), query))
    return keyset_page(qs, ordering=LOG_ORDERING, cursor=cursor, page_size=page_size)


def log_page_for_platform(
    viewer: Viewer, *, query: str = "", cursor: str | None = None, page_size: int = LOG_PAGE_SIZE
) -> Page[AuditEntry]:
    """One keyset page of the moderation log across the coordinator's scope (one query)."""
    require_visible(can_view_platform_log(viewer))
    qs = _with_people(_search(_platform_log(viewer), query))
    return keyset_page(qs, ordering=LOG_ORDERING, cursor=cursor, page_size=page_size)


def log_rows_for_export(viewer: Viewer, community: Community | None, *, query: str = "") -> Iterator[AuditEntry]:
    """Every row of the (searched) log, newest first, streamed in chunks for the CSV export."""
    if community is not None:
        require_visible(can_view_moderation_log(viewer, community))
        qs = _community_log(community)
    else:
        require_visible(can_view_platform_log(viewer))
        qs = _platform_log(viewer)
    return _with_people(_search(qs, query)).order_by(*LOG_ORDERING).iterator(chunk_size=2000)


# Reports ----------------------------------------------------------------------------------------


def report_get_for_viewer(viewer: Viewer, pk: int) -> Report:
    """A report with its community, item and people, for those who may handle it; 404 otherwise."""
    report = (
        Report.objects.select_related(
            "community", "post__community", "comment__post__community", "target_author", "handled_by"
        )
        .defer("post__search_vector", "comment__post__search_vector", "community__search_vector")
        .filter(pk=pk)
        .first()
    )
    if report is None or not can_handle_report(viewer, report):
        raise Http404
    return report


def report_entries(report: Report) -> list[object]:
    """The individual reports of a case, oldest first, with their reporters (one query)."""
    return list(report.entries.select_related("reporter").order_by("created_at", "id"))


MESSAGE_REPORT_PAGE_SIZE = 25
MESSAGE_REPORT_ORDERING = ("-last_reported_at", "-id")


def message_reports_page(
    viewer: Viewer, *, cursor: str | None = None, page_size: int = MESSAGE_REPORT_PAGE_SIZE
) -> Page[Report]:
    """One keyset page of open reports on direct messages, most recently reported first, with their
    authors (one query, through ``report_community_status``). ``Http404`` unless the viewer
    coordinates everything; ``InvalidCursor`` for a bad cursor."""
    require_visible(can_view_message_reports(viewer))
    qs = Report.objects.filter(community__isnull=True, status=Report.Status.OPEN).select_related("target_author")
    return keyset_page(qs, ordering=MESSAGE_REPORT_ORDERING, cursor=cursor, page_size=page_size)


def hidden_message_for_report(report: Report) -> HiddenMessage | None:
    """The hiding of a reported direct message, if it is hidden (one query; none for posts)."""
    if report.message_id is None:
        return None
    return HiddenMessage.objects.filter(message_id=report.message_id).select_related("hidden_by").first()


# Rules, words and notices -----------------------------------------------------------------------


@dataclass
class ModerationSettings:
    rules: CommunityRules
    words: list[WatchedWord]
    platform_words: list[WatchedWord]


def settings_for_community(viewer: Viewer, community: Community) -> ModerationSettings:
    """The community's rules and its watched words plus the platform-wide ones (two queries)."""
    if not can_manage_rules(viewer, community):
        raise Http404
    words = list(WatchedWord.objects.filter(Q(community=community) | Q(community__isnull=True)).order_by("id"))
    return ModerationSettings(
        rules=rules_for(community),
        words=[w for w in words if w.community_id is not None],
        platform_words=[w for w in words if w.community_id is None],
    )


def platform_words(viewer: Viewer) -> list[WatchedWord]:
    require_visible(can_manage_platform_words(viewer))
    return list(WatchedWord.objects.filter(community__isnull=True).order_by("id"))


def move_targets(viewer: Viewer, post: Post, query: str = "") -> list[Community]:
    """Communities the viewer moderates (or coordinates) that ``post`` could move to (up to 50)."""
    qs = moderated_communities(viewer, Community.objects.active().exclude(pk=post.community_id).defer("search_vector"))
    query = " ".join((query or "").split())[:QUERY_MAX]
    if query:
        qs = qs.filter(name__icontains=query)
    return list(qs.order_by("name", "id")[:50])


def move_target_get(viewer: Viewer, post: Post, pk: int) -> Community | None:
    """The community ``pk`` if the viewer may move ``post`` there (one query), else ``None``."""
    target = Community.objects.defer("search_vector").filter(pk=pk).first()
    return target if target is not None and can_move_post(viewer, post, target) else None


# Direct messages and sanctions -----------------------------------------------------------------


def message_get_for_report(viewer: Viewer, pk: int) -> Message:
    """The direct message ``pk`` for the report dialog (two queries).

    ``Http404`` unless the viewer takes part in its conversation (messaging's own rule, so a
    message of someone else's conversation looks missing); ``PermissionDenied`` for its author.
    """
    message = Message.objects.filter(pk=pk).first()
    if message is None:
        raise Http404
    participant_get_for_viewer(viewer=viewer, conversation_id=message.conversation_id)
    require(can_report_message(viewer, author_id=message.author_id, is_participant=True))
    return message


def hidden_message_get_for_restore(viewer: Viewer, pk: int) -> tuple[HiddenMessage, Report | None]:
    """A hidden direct message and its latest report (two queries); ``Http404`` unless the viewer
    may restore messages."""
    require_visible(can_restore_message(viewer))
    hidden = HiddenMessage.objects.filter(pk=pk).first()
    if hidden is None:
        raise Http404
    return hidden, Report.objects.filter(message_id=hidden.message_id).order_by("-id").first()


@dataclass
class SanctionTarget:
    person: User
    role: str | None
    """Their role if they are an active member of the community, else ``None``."""
    mute: MemberMute | None
    """Their current mute in the community, if any."""


def sanction_target_get(viewer: Viewer, community: Community, user_id: int) -> SanctionTarget:
    """The person the sanctions page acts on, with their role and current mute (three queries).

    ``Http404`` for missing and inactive accounts; ``PermissionDenied`` unless the viewer may
    sanction them in ``community``.
    """
    person = User.objects.filter(pk=user_id, is_active=True).first()
    if person is None:
        raise Http404
    row = Membership.objects.filter(community=community, user=person).values_list("role", "state").first()
    role = row[0] if row and row[1] == Membership.State.ACTIVE else None
    require(can_sanction_member(viewer, community, person, role))
    mute = MemberMute.objects.filter(community=community, user=person, until__gt=timezone.now()).first()
    return SanctionTarget(person=person, role=role, mute=mute)


def watched_word_get_for_removal(viewer: Viewer, pk: int) -> WatchedWord:
    """A watched word the viewer may remove (one query); ``Http404`` otherwise."""
    word = WatchedWord.objects.select_related("community").filter(pk=pk).first()
    if word is None:
        raise Http404
    require_visible(can_manage_rules(viewer, word.community) if word.community else can_manage_platform_words(viewer))
    return word


__all__ = [
    "LOG_PAGE_SIZE",
    "ModerationSettings",
    "SanctionTarget",
    "hidden_message_for_report",
    "hidden_message_get_for_restore",
    "is_coordinator",
    "log_lines",
    "log_page_for_community",
    "log_page_for_platform",
    "log_rows_for_export",
    "message_get_for_report",
    "message_reports_page",
    "move_target_get",
    "move_targets",
    "platform_words",
    "report_entries",
    "report_get_for_viewer",
    "sanction_target_get",
    "settings_for_community",
    "watched_word_get_for_removal",
]
