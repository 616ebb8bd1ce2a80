"""Screening of new and edited posts and comments: watched words, pre-moderation and new members'
rate limit (edits: watched words only, see :func:`screen_edit`).

``post_create`` and ``comment_create`` call :func:`screen_post` / :func:`screen_comment` after their
own validation and before writing anything; a refusal raises ``ValidationError`` (nothing saved),
otherwise the returned :class:`Screening` says whether the text is published or held (pending) and
which watched word flagged it. After the row exists they call :func:`screening_opened` to put held
and flagged content into the managers' inbox.

Regular expressions run on RE2 (``google-re2``), whose matching time grows linearly with the text
whatever the pattern: no pattern can stall a worker, however it nests its repetitions. RE2 has no
backreferences and no look-around; :func:`validate_pattern` rejects what RE2 cannot compile and
patterns matching the empty text. Its classes ``\\w``, ``\\d`` and ``\\b`` are ASCII-only (use
``\\p{L}`` for letters of any script). Texts are capped at 20,000 characters, patterns at 200.
"""

from __future__ import annotations

import datetime as dt
import functools
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import re2
from django.contrib.postgres.expressions import ArraySubquery
from django.core.exceptions import ValidationError
from django.db.models import OuterRef, Q
from django.db.models.functions import JSONObject
from django.utils import timezone
from django.utils.translation import gettext as _

from communities.core.models import Community, Membership
from communities.core.permissions import can_moderate_community
from communities.moderation import events
from communities.moderation.models import CommunityRules, WatchedWord
from communities.posts.models import ContentStatus, Post
from intranet.core.viewer import Viewer

if TYPE_CHECKING:
    from communities.posts.models import Comment

PATTERN_MAX = 200
# Not a letter, mark, digit or "_" of any script: what Python's ``\W`` means, spelled for RE2.
_NOT_WORD_CHAR = r"[^\p{L}\p{M}\p{N}_]"


# Patterns ---------------------------------------------------------------------------------------


def _options() -> re2.Options:
    options = re2.Options()
    options.case_sensitive = False
    # A refused pattern is a user's typo, answered as a form error: not a line on stderr.
    options.log_errors = False
    return options


def _compile(source: str) -> Any:
    """The RE2 matcher of ``source`` (case-insensitive); ``re2.error`` if RE2 cannot compile it."""
    return re2.compile(source, _options())


def _reason(error: Exception) -> str:
    detail = error.args[0] if error.args else ""
    if isinstance(detail, bytes):
        detail = detail.decode("utf-8", "replace")
    return str(detail)


def validate_pattern(pattern: str, *, is_regex: bool) -> str:
    """The trimmed pattern, or ``ValidationError({"pattern": ...})`` explaining what is wrong.

    Regular expressions must compile with RE2 (no backreferences, no look-around) and must not match
    the empty text (they would match every post).
    """
    pattern = (pattern or "").strip()
    if not pattern:
        raise ValidationError({"pattern": _("Enter a word, a phrase or a pattern.")}, code="required")
    if len(pattern) > PATTERN_MAX:
        raise ValidationError(
            {"pattern": _("A pattern may have at most %(max)d characters.") % {"max": PATTERN_MAX}}, code="max_length"
        )
    if not is_regex:
        return pattern
    try:
        compiled = _compile(pattern)
    except re2.error as error:
        raise ValidationError(
            {
                "pattern": _(
                    "This regular expression cannot be used: %(error)s. Backreferences (\\1) and look-around "
                    "((?=…), (?<!…)) are not supported."
                )
                % {"error": _reason(error)}
            },
            code="invalid",
        ) from None
    if compiled.search("") is not None:
        raise ValidationError({"pattern": _("This pattern matches every text.")}, code="matches_empty")
    return pattern


@functools.lru_cache(maxsize=512)
def _matcher(pattern: str, is_regex: bool) -> Any:
    try:
        if is_regex:
            return _compile(pattern)
        # Plain words match as whole words: not preceded or followed by a letter, digit or "_".
        return _compile(f"(?:^|{_NOT_WORD_CHAR}){re2.escape(pattern)}(?:{_NOT_WORD_CHAR}|$)")
    except re2.error:
        return None


def compile_word(word: WatchedWord) -> Any:
    """The compiled RE2 matcher of a stored word (plain words match as whole words, any case), or
    ``None`` for a stored pattern RE2 cannot compile (saved before RE2 was used)."""
    return _matcher(word.pattern, word.is_regex)


def words_for(community: Community | None) -> list[WatchedWord]:
    """The community's watched words and the platform-wide ones (one query)."""
    scope = Q(community__isnull=True)
    if community is not None:
        scope |= Q(community=community)
    return list(WatchedWord.objects.filter(scope).select_related("community").order_by("community_id", "id"))


_SEVERITY: dict[str, int] = {WatchedWord.Action.BLOCK: 3, WatchedWord.Action.HOLD: 2, WatchedWord.Action.FLAG: 1}


def matching_words(text: str, words: list[WatchedWord]) -> list[WatchedWord]:
    """The words that match ``text``, most severe first (block, hold, flag)."""
    hits = []
    for word in words:
        matcher = compile_word(word)
        if matcher is not None and matcher.search(text):
            hits.append(word)
    return sorted(hits, key=lambda w: -_SEVERITY[w.action])


def rule_name(word: WatchedWord) -> str:
    where = word.community.name if word.community_id and word.community else _("the platform")
    return _("watched word “%(pattern)s” of %(where)s") % {"pattern": word.pattern, "where": where}


# Screening --------------------------------------------------------------------------------------


@dataclass
class Screening:
    status: str = ContentStatus.PUBLISHED
    held_because: str = ""
    flagged_by: list[WatchedWord] = field(default_factory=list)

    @property
    def is_held(self) -> bool:
        return self.status == ContentStatus.PENDING


def rules_for(community: Community) -> CommunityRules:
    """The community's rules, or unsaved defaults (one query)."""
    return CommunityRules.objects.filter(community=community).first() or CommunityRules(community=community)


def _post_inputs(community: Community) -> tuple[list[WatchedWord], CommunityRules]:
    """The watched words (the community's and the platform's) and the rules, in one query.

    Creating a post is the most frequent write; its screening needs both. The words come as a
    JSON array beside the community's row, with its rules joined; they are only matched and named,
    never saved, so unsaved instances suffice.
    """
    words = (
        WatchedWord.objects.filter(Q(community_id=OuterRef("pk")) | Q(community__isnull=True))
        .order_by("community_id", "id")
        .values(
            json=JSONObject(
                id="id", community_id="community_id", pattern="pattern", is_regex="is_regex", action="action"
            )
        )
    )
    row = Community.objects.select_related("rules").annotate(watched=ArraySubquery(words)).get(pk=community.pk)
    found = []
    for data in row.watched:  # type: ignore[attr-defined]
        word = WatchedWord(**data)
        word.community = community if word.community_id == community.pk else None
        found.append(word)
    try:
        rules = row.rules  # type: ignore[attr-defined]
    except CommunityRules.DoesNotExist:
        rules = CommunityRules(community=community)
    return found, rules


def _check_words(
    text: str, community: Community, *, exempt: bool, screening: Screening, words: list[WatchedWord] | None = None
) -> None:
    hits = matching_words(text, words_for(community) if words is None else words)
    blocking = [w for w in hits if w.action == WatchedWord.Action.BLOCK]
    if blocking:
        raise ValidationError(
            {
                "body": _(
                    "Your text was not saved: it contains something this community does not allow "
                    "(%(rule)s). Please rephrase it."
                )
                % {"rule": rule_name(blocking[0])}
            },
            code="watched_word",
        )
    if exempt:
        return
    held = [w for w in hits if w.action == WatchedWord.Action.HOLD]
    if held:
        screening.status = ContentStatus.PENDING
        screening.held_because = _("It matches the %(rule)s.") % {"rule": rule_name(held[0])}
    screening.flagged_by = [w for w in hits if w.action == WatchedWord.Action.FLAG]


def _rate_limit(viewer: Viewer, community: Community, rules: CommunityRules, now: dt.datetime) -> None:
    limit, days = rules.new_member_posts_per_day, rules.new_member_days
    if not limit or not days:
        return
    joined = (
        Membership.objects.filter(community=community, user_id=viewer.user_id or 0)
        .values_list("created_at", flat=True)
        .first()
    )
    if joined is None or joined <= now - dt.timedelta(days=days):
        return
    window = now - dt.timedelta(days=1)
    recent = list(
        Post.objects.filter(community=community, author_id=viewer.user_id, created_at__gt=window)
        .order_by("created_at")
        .values_list("created_at", flat=True)[:limit]
    )
    if len(recent) >= limit:
        again = timezone.localtime(recent[0] + dt.timedelta(days=1))
        raise ValidationError(
            _(
                "New members can start at most %(limit)d posts a day during their first %(days)d days in this "
                "community. You can post again from %(time)s."
            )
            % {"limit": limit, "days": days, "time": again.strftime("%d.%m.%Y %H:%M")},
            code="rate_limited",
        )


def screen_post(*, viewer: Viewer, community: Community, title: str, body: str) -> Screening:
    """Decide on a new post before it is written (see the module docstring).

    Moderators+ and coordinators are held to blocking words only. Queries: watched words and rules
    (one), plus the membership date and recent posts when a rate limit is set, plus the
    author's approved posts with "first posts of new members".
    """
    screening = Screening()
    exempt = can_moderate_community(viewer, community)
    words, rules = _post_inputs(community)
    _check_words(f"{title}\n{body}", community, exempt=exempt, screening=screening, words=words)
    if exempt:
        return screening
    now = timezone.now()
    _rate_limit(viewer, community, rules, now)
    if screening.is_held:
        return screening
    mode = rules.premoderation
    if mode == CommunityRules.Premoderation.ALL:
        screening.status = ContentStatus.PENDING
        screening.held_because = _("Every post in this community is approved before it is published.")
    elif mode == CommunityRules.Premoderation.NEW_MEMBERS and rules.premoderation_posts:
        approved = Post.objects.filter(
            community=community, author_id=viewer.user_id, status=ContentStatus.PUBLISHED
        ).count()
        if approved < rules.premoderation_posts:
            screening.status = ContentStatus.PENDING
            screening.held_because = _("The first posts of new members are approved before they are published.")
    return screening


def screen_comment(*, viewer: Viewer, post: Post, body: str) -> Screening:
    """Decide on a new comment: watched words only (one query); moderators+ only blocking words."""
    screening = Screening()
    community = post.community
    _check_words(body, community, exempt=can_moderate_community(viewer, community), screening=screening)
    return screening


def screen_edit(*, viewer: Viewer, community: Community, old_text: str, new_text: str) -> Screening:
    """Decide on an edited post or comment: the same watched words as for new text (one query).

    A blocking word anywhere in the new text refuses the edit (``ValidationError``, nothing saved),
    so words added later also stop edits that keep them. Holding and flagging words count only when
    the edit brings them in (they did not match ``old_text``): fixing a typo in a post that was
    flagged or approved before does not hold or flag it again. Moderators+ and coordinators are held
    to blocking words only. Pre-moderation and the new members' rate limit apply to new posts only.
    """
    screening = Screening()
    exempt = can_moderate_community(viewer, community)
    words = words_for(community)
    hits = matching_words(new_text, words)
    blocking = [w for w in hits if w.action == WatchedWord.Action.BLOCK]
    if blocking:
        raise ValidationError(
            {
                "body": _(
                    "Your changes were not saved: the text contains something this community does not allow "
                    "(%(rule)s). Please rephrase it."
                )
                % {"rule": rule_name(blocking[0])}
            },
            code="watched_word",
        )
    if exempt:
        return screening
    before = {w.pk for w in matching_words(old_text, words)}
    fresh = [w for w in hits if w.pk not in before]
    held = [w for w in fresh if w.action == WatchedWord.Action.HOLD]
    if held:
        screening.status = ContentStatus.PENDING
        screening.held_because = _("The changed text matches the %(rule)s.") % {"rule": rule_name(held[0])}
    screening.flagged_by = [w for w in fresh if w.action == WatchedWord.Action.FLAG]
    return screening


def _summary(text: str) -> str:
    return " ".join(text.split())[:200]


def screening_opened(screening: Screening, *, post: Post, comment: Comment | None = None) -> None:
    """Record held or flagged content (inside the writer's transaction); the inbox opens its items."""
    text = comment.body_source if comment is not None else post.title
    if screening.is_held:
        events.content_screened(
            events.CONTENT_HELD, post=post, comment=comment, summary=_summary(f"{screening.held_because} {text}")
        )
    if screening.flagged_by:
        rules = ", ".join(rule_name(w) for w in screening.flagged_by[:3])
        events.content_screened(
            events.CONTENT_FLAGGED, post=post, comment=comment, summary=_summary(f"{rules}: {text}")
        )
