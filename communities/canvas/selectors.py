"""Reads of the Community Canvas: the canvas page, history, one version, the diff, and completeness.

Completeness (used as evidence in the training levels): a canvas is **complete** when every one of
the sixteen themes of the framework has an answer of at least ``CANVAS_MIN_ANSWER_CHARS`` characters
(default 40, counted after trimming whitespace). We ask for all themes rather than only the
stage-aware first eight: a new community may *start* with those, but "completed the canvas" as a
training achievement should mean the whole framework was thought through. The service stores
``completed_at`` on the canvas whenever a save makes it complete (and clears it when a later save
empties a theme again), so the checks below are a single indexed query and never re-read answers.
"""

from __future__ import annotations

import datetime as dt
import difflib
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.http import Http404
from django.utils import timezone
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from communities.canvas.models import CanvasComment, CanvasVersion, CommunityCanvas
from communities.canvas.permissions import can_view_canvas, can_view_canvas_comments
from communities.canvas.themes import THEME_KEYS, THEMES, Theme
from communities.core.models import Community
from communities.core.permissions import visible_communities
from intranet.core.pagination import Page, keyset_page
from intranet.core.viewer import Viewer

#: How many comments the canvas page shows (open ones first); older resolved ones drop off.
COMMENT_LIMIT = 50
VERSION_PAGE_SIZE = 20


def min_answer_chars() -> int:
    return int(getattr(settings, "CANVAS_MIN_ANSWER_CHARS", 40))


def new_community_days() -> int:
    return int(getattr(settings, "CANVAS_NEW_COMMUNITY_DAYS", 90))


def new_community_members() -> int:
    return int(getattr(settings, "CANVAS_NEW_COMMUNITY_MEMBERS", 10))


# Completeness -----------------------------------------------------------------------------------


def answered(text: str | None) -> bool:
    """Whether one theme counts as answered (enough characters after trimming)."""
    return len((text or "").strip()) >= min_answer_chars()


def answers_complete(answers: Mapping[str, str]) -> bool:
    """The completeness rule of the module docstring, on a plain answers dict (no query)."""
    return all(answered(answers.get(key)) for key in THEME_KEYS)


def canvas_completed_community_ids(community_ids: Iterable[int]) -> set[int]:
    """The ids among ``community_ids`` whose canvas is complete (one query; no permission check)."""
    ids = sorted(set(community_ids))
    if not ids:
        return set()
    return set(
        CommunityCanvas.objects.filter(community_id__in=ids, completed_at__isnull=False).values_list(
            "community_id", flat=True
        )
    )


def canvas_is_complete(community: Community) -> bool:
    """Whether ``community`` has a complete canvas (one query; no permission check)."""
    return CommunityCanvas.objects.filter(community_id=community.pk, completed_at__isnull=False).exists()


# Stage ------------------------------------------------------------------------------------------


def is_new_community(community: Community, *, now: dt.datetime | None = None) -> bool:
    """A community is "new" while it is younger than ``CANVAS_NEW_COMMUNITY_DAYS`` (90) days or has
    fewer than ``CANVAS_NEW_COMMUNITY_MEMBERS`` (10) members: the canvas then starts with the themes
    that matter first (``STAGE_THEME_KEYS``)."""
    now = now or timezone.now()
    young = community.created_at > now - dt.timedelta(days=new_community_days())
    return young or community.member_count < new_community_members()


# Reading ----------------------------------------------------------------------------------------


@dataclass
class ThemeAnswer:
    theme: Theme
    text: str
    first: bool  # shown before "show all themes" in stage-aware mode

    @property
    def is_answered(self) -> bool:
        return answered(self.text)


@dataclass
class CanvasPage:
    community: Community
    canvas: CommunityCanvas | None
    is_new: bool
    answers: list[ThemeAnswer]
    comments: list[CanvasComment] = field(default_factory=list)

    @property
    def version_number(self) -> int:
        return self.canvas.version_number if self.canvas else 0

    @property
    def answered_count(self) -> int:
        return sum(1 for answer in self.answers if answer.is_answered)

    @property
    def is_complete(self) -> bool:
        return self.canvas is not None and self.canvas.completed_at is not None

    @property
    def open_comment_count(self) -> int:
        return sum(1 for comment in self.comments if not comment.is_resolved)


def theme_answers(answers: Mapping[str, Any], *, is_new: bool) -> list[ThemeAnswer]:
    return [
        ThemeAnswer(theme=theme, text=str(answers.get(theme.key) or ""), first=not is_new or theme.stage_first)
        for theme in THEMES
    ]


def canvas_community_get_for_viewer(viewer: Viewer, slug: str) -> tuple[Community, CommunityCanvas | None]:
    """The community (with its canvas head, or ``None`` before the first save); ``Http404`` unless
    the viewer may read the canvas. One query plus the viewer's cached maps."""
    community = (
        visible_communities(viewer, Community.objects.select_related("canvas", "canvas__updated_by"))
        .filter(slug=slug)
        .first()
    )
    if community is None or not can_view_canvas(viewer, community):
        raise Http404
    canvas: CommunityCanvas | None = getattr(community, "canvas", None)
    return community, canvas


def canvas_get_for_viewer(viewer: Viewer, slug: str, *, now: dt.datetime | None = None) -> CanvasPage:
    """Everything the canvas page shows: current answers in framework order, the stage flag and,
    for managers and coordinators, the review comments (open first, at most ``COMMENT_LIMIT``)."""
    community, canvas = canvas_community_get_for_viewer(viewer, slug)
    is_new = is_new_community(community, now=now)
    comments: list[CanvasComment] = []
    if canvas is not None and can_view_canvas_comments(viewer, community):
        comments = list(
            CanvasComment.objects.filter(canvas_id=canvas.pk)
            .select_related("author", "resolved_by")
            .order_by("is_resolved", "-created_at", "-id")[:COMMENT_LIMIT]
        )
    return CanvasPage(
        community=community,
        canvas=canvas,
        is_new=is_new,
        answers=theme_answers(canvas.answers if canvas else {}, is_new=is_new),
        comments=comments,
    )


def canvas_versions_for_history(canvas: CommunityCanvas, *, cursor: str | None = None) -> Page[CanvasVersion]:
    """One page of the canvas's versions, newest first, with their authors (one query)."""
    qs = CanvasVersion.objects.filter(canvas_id=canvas.pk).select_related("author").defer("answers")
    return keyset_page(qs, ordering=("-number", "-id"), cursor=cursor, page_size=VERSION_PAGE_SIZE)


def canvas_version_get(canvas: CommunityCanvas | None, number: int) -> CanvasVersion:
    """Version ``number`` of ``canvas`` (its author selected); ``Http404`` if there is none."""
    if canvas is None:
        raise Http404
    version = CanvasVersion.objects.filter(canvas_id=canvas.pk, number=number).select_related("author").first()
    if version is None:
        raise Http404
    return version


def canvas_versions_get(canvas: CommunityCanvas | None, numbers: Iterable[int]) -> dict[int, CanvasVersion]:
    """Several versions of ``canvas`` by number, in one query; ``Http404`` if any is missing."""
    wanted = set(numbers)
    if canvas is None:
        raise Http404
    rows = CanvasVersion.objects.filter(canvas_id=canvas.pk, number__in=sorted(wanted)).select_related("author")
    found = {version.number: version for version in rows}
    if set(found) != wanted:
        raise Http404
    return found


# Diff -------------------------------------------------------------------------------------------

_WORDS = re.compile(r"\s+|[^\s]+")


@dataclass
class ThemeDiff:
    theme: Theme
    html: SafeString
    changed: bool
    inserted: int
    deleted: int


def _tokens(text: str, mode: str) -> list[str]:
    if mode == "line":
        return text.splitlines(keepends=False)
    return _WORDS.findall(text)


def _wrap(tag: str, tokens: list[str], mode: str) -> str:
    if mode == "line":
        return "".join(
            f'<div class="canvas-diff-line"><{tag}>{escape(token) or "&nbsp;"}</{tag}></div>' for token in tokens
        )
    return f"<{tag}>{escape(''.join(tokens))}</{tag}>"


def _plain(tokens: list[str], mode: str) -> str:
    if mode == "line":
        return "".join(f'<div class="canvas-diff-line">{escape(token) or "&nbsp;"}</div>' for token in tokens)
    return str(escape("".join(tokens)))


def diff_text(old: str, new: str, *, mode: str = "word") -> tuple[SafeString, int, int]:
    """HTML of the changes from ``old`` to ``new`` with ``<ins>``/``<del>``, plus the number of
    inserted and deleted tokens (words or lines). Every piece of user text is escaped before it is
    wrapped, so the result is safe to render as is."""
    a, b = _tokens(old, mode), _tokens(new, mode)
    matcher = difflib.SequenceMatcher(None, a, b, autojunk=False)
    parts: list[str] = []
    inserted = deleted = 0
    for op, i1, i2, j1, j2 in matcher.get_opcodes():
        if op == "equal":
            parts.append(_plain(a[i1:i2], mode))
            continue
        if op in ("delete", "replace"):
            removed = a[i1:i2]
            deleted += sum(1 for token in removed if token.strip())
            parts.append(_wrap("del", removed, mode))
        if op in ("insert", "replace"):
            added = b[j1:j2]
            inserted += sum(1 for token in added if token.strip())
            parts.append(_wrap("ins", added, mode))
    return mark_safe("".join(parts)), inserted, deleted  # noqa: S308  (every token escaped above)


def diff_answers(old: Mapping[str, Any], new: Mapping[str, Any], *, mode: str = "word") -> list[ThemeDiff]:
    """Per-theme diffs between two answer dicts, in framework order (unchanged themes included)."""
    result = []
    for theme in THEMES:
        before, after = str(old.get(theme.key) or ""), str(new.get(theme.key) or "")
        html, inserted, deleted = diff_text(before, after, mode=mode)
        result.append(ThemeDiff(theme=theme, html=html, changed=before != after, inserted=inserted, deleted=deleted))
    return result


def canvas_themes_changed_since(community_id: int, base_version: int) -> set[str]:
    """Keys of the themes changed by versions after ``base_version`` (for the conflict screen)."""
    rows = CanvasVersion.objects.filter(canvas_id=community_id, number__gt=base_version).values_list(
        "changed_themes", flat=True
    )
    return {key for keys in rows for key in (keys or [])}


def canvas_comment_get(canvas: CommunityCanvas | None, pk: int) -> CanvasComment:
    """Comment ``pk`` of ``canvas``; ``Http404`` if it belongs elsewhere or does not exist."""
    if canvas is None:
        raise Http404
    comment = CanvasComment.objects.filter(canvas_id=canvas.pk, pk=pk).first()
    if comment is None:
        raise Http404
    return comment
