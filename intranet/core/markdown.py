"""The text pipeline for user content: Markdown in, sanitized HTML out (pure functions, no database).

Every piece of user-written text (posts, comments, direct messages) goes through
:func:`render_markdown` once, when it is saved; the stored HTML is what templates output with
``|safe``. :func:`plain_text` turns that HTML into a short preview for notifications and search.

Two layers keep the output safe, so one mistake does not open a hole:

1. markdown-it-py runs with ``html=False``: raw HTML in the source becomes escaped text, and its
   link validator refuses ``javascript:``, ``vbscript:``, ``file:`` and ``data:`` URLs.
2. nh3 (ammonia) then cleans the HTML against an explicit allow-list of tags, attributes, classes
   and URL schemes, and puts ``rel="noopener noreferrer nofollow"`` on every link.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from html import escape, unescape
from html.parser import HTMLParser
from typing import Any
from urllib.parse import unquote

import nh3
from markdown_it import MarkdownIt
from markdown_it.rules_core import StateCore
from markdown_it.rules_inline import StateInline
from markdown_it.token import Token
from markdown_it.utils import EnvType, OptionsDict

__all__ = ["MentionResolver", "MentionTarget", "Rendered", "plain_text", "render_markdown", "sanitize_html"]

MAX_HANDLE_LENGTH = 60
# Images may only come from our own storage; anything else would let a post load third-party
# resources (tracking pixels) in every reader's browser. Matches settings.MEDIA_URL.
IMAGE_PREFIX = "/media/"


@dataclass(frozen=True, slots=True)
class MentionTarget:
    """Someone a ``@handle`` may link to; built by the caller's resolver."""

    handle: str
    display_name: str
    url: str


@dataclass(frozen=True, slots=True)
class Rendered:
    html: str
    """Sanitized HTML, safe to output unescaped."""
    mentions: frozenset[str]
    """Lower-case handles that were resolved and rendered as mention links."""


MentionResolver = Callable[[set[str]], Mapping[str, MentionTarget]]


# --- mentions -------------------------------------------------------------------------------------

_HANDLE_RE = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]*")
_CANDIDATE_RE = re.compile(r"@([A-Za-z0-9][A-Za-z0-9._-]*)")
# Characters that, right before "@", make it part of a word, an e-mail address or a URL path.
_NOT_BEFORE_MENTION = frozenset(".+-@/=&%")


def _can_start_mention(previous: str) -> bool:
    return not (previous.isalnum() or previous in _NOT_BEFORE_MENTION)


def _handles_at(text: str, start: int) -> list[str]:
    """Handles the text at ``text[start:]`` (just after the "@") may mean, longest first."""
    match = _HANDLE_RE.match(text, start)
    if match is None:
        return []
    # A trailing dot ends the sentence, it is not part of the handle ("Thanks @anna."). A trailing
    # "_" or "-" usually is markup ("_@anna_"), but a handle may end with one: try both.
    full = match.group().rstrip(".")
    variants = dict.fromkeys((full, full.rstrip("._-")))
    return [handle for handle in variants if 0 < len(handle) <= MAX_HANDLE_LENGTH]


def _mention_candidates(source: str) -> set[str]:
    candidates: set[str] = set()
    for match in _CANDIDATE_RE.finditer(source):
        at = match.start()
        if at == 0 or _can_start_mention(source[at - 1]):
            candidates.update(handle.lower() for handle in _handles_at(source, at + 1))
    return candidates


def _mention_rule(state: StateInline, silent: bool) -> bool:
    """Inline rule: ``@handle`` of a resolved person becomes a ``mention`` token."""
    pos = state.pos
    if state.src[pos] != "@" or state.linkLevel > 0:
        return False
    if pos > 0 and not _can_start_mention(state.src[pos - 1]):
        return False
    targets: Mapping[str, MentionTarget] = state.env.get("mention_targets", {})
    for handle in _handles_at(state.src, pos + 1):
        target = targets.get(handle.lower())
        if target is not None:
            break
    else:
        return False
    if not silent:
        token = state.push("mention", "", 0)
        token.content = "@" + handle
        token.meta = {"handle": handle.lower(), "target": target}
    state.pos = pos + 1 + len(handle)
    return True


def _render_mention(self: Any, tokens: Sequence[Token], idx: int, options: OptionsDict, env: EnvType) -> str:
    target: MentionTarget = tokens[idx].meta["target"]
    env.setdefault("rendered_mentions", set()).add(tokens[idx].meta["handle"])
    label = target.display_name or target.handle
    return f'<a class="mention" href="{escape(target.url)}">@{escape(label)}</a>'


# --- markdown adjustments -------------------------------------------------------------------------


def _tidy_blocks(state: StateCore) -> None:
    """Shift headings one level down and turn table alignment styles into ``align`` attributes.

    The page around a post owns its single ``<h1>``; shifting keeps the author's hierarchy
    (``#`` -> h2, ``##`` -> h3, ``#####`` and ``######`` -> h6). Inline ``style`` attributes are
    refused by our CSP and by the sanitizer, so alignment travels as the ``align`` attribute.
    """
    for token in state.tokens:
        if token.type in ("heading_open", "heading_close"):
            token.tag = f"h{min(int(token.tag[1]) + 1, 6)}"
        elif token.type in ("th_open", "td_open"):
            style = token.attrs.pop("style", None)
            if isinstance(style, str) and style.startswith("text-align:"):
                token.attrSet("align", style.removeprefix("text-align:"))


def _alt_text(tokens: Sequence[Token] | None) -> str:
    parts: list[str] = []
    for token in tokens or ():
        if token.type in ("text", "code_inline", "mention"):
            parts.append(token.content)
        elif token.type == "image":
            parts.append(_alt_text(token.children))
        elif token.type in ("softbreak", "hardbreak"):
            parts.append(" ")
    return "".join(parts)


def _is_own_image(src: str) -> bool:
    # Browsers resolve "%2e%2e" like "..", so look at the percent-decoded path.
    path = unquote(src)
    return src.startswith(IMAGE_PREFIX) and ".." not in path and "\\" not in path


def _render_image(self: Any, tokens: Sequence[Token], idx: int, options: OptionsDict, env: EnvType) -> str:
    """Our own images render as ``<img>``; any other image becomes a link to it (or its alt text)."""
    token = tokens[idx]
    src = str(token.attrGet("src") or "")
    alt = _alt_text(token.children)
    if _is_own_image(src):
        token.attrSet("alt", alt)
        return str(self.renderToken(tokens, idx, options, env))
    inside_link = sum(1 if t.type == "link_open" else -1 if t.type == "link_close" else 0 for t in tokens[:idx]) > 0
    if inside_link or not src:
        return escape(alt)
    return f'<a href="{escape(src)}">{escape(alt or src)}</a>'


def _build_parser() -> MarkdownIt:
    md = MarkdownIt("commonmark", {"linkify": True, "html": False, "breaks": True})
    md.enable(["linkify", "table", "strikethrough"])
    md.inline.ruler.push("mention", _mention_rule)
    md.core.ruler.push("intranet_tidy", _tidy_blocks)
    md.add_render_rule("mention", _render_mention)
    md.add_render_rule("image", _render_image)
    return md


# --- sanitizer ------------------------------------------------------------------------------------

ALLOWED_TAGS = frozenset(
    {
        *("p", "br", "hr", "strong", "em", "del", "s", "code", "pre", "blockquote"),
        *("ul", "ol", "li", "a", "img", "span", "h2", "h3", "h4", "h5", "h6"),
        *("table", "thead", "tbody", "tr", "th", "td"),
    }
)
_ALLOWED_ATTRIBUTES = {
    "a": {"href", "title"},
    "img": {"src", "alt", "title"},
    "ol": {"start"},
}
# Table cells may carry ``align``, but only with these values (see tag_attribute_values below).
_ALIGNMENTS = {"left", "center", "right"}


# What browsers ignore inside a URL (ASCII whitespace, control characters).
_IGNORED_IN_URL = re.compile(r"[\x00-\x20\x7f-\x9f]+")
# A dangerous scheme at the start, or a data: URL anywhere (handed on by redirectors and proxies).
_DANGEROUS_URL = re.compile(r"^(?:javascript|vbscript|data):|(?<![a-z0-9])data:")


def _filter_attribute(tag: str, attribute: str, value: str) -> str | None:
    """Second look at URLs after nh3's scheme check, which sees the value decoded only once."""
    if attribute not in ("href", "src"):
        return value
    if tag == "img" and not _is_own_image(value):
        return None
    # Refuse what would turn dangerous if the value were decoded once more (entities by a later
    # template or script, e.g. "&#106&#97&#118..." without semicolons; percent-escapes by a
    # redirector, e.g. "?next=%22data:text/html,...").
    decoded = _IGNORED_IN_URL.sub("", unquote(unescape(value))).lower()
    if _DANGEROUS_URL.search(decoded):
        return None
    return value


_CLEANER = nh3.Cleaner(
    tags=set(ALLOWED_TAGS),
    clean_content_tags={"script", "style"},
    attributes=_ALLOWED_ATTRIBUTES,
    attribute_filter=_filter_attribute,
    link_rel="noopener noreferrer nofollow",
    url_schemes={"http", "https", "mailto"},
    allowed_classes={"a": {"mention"}, "span": {"mention"}},
    tag_attribute_values={"th": {"align": _ALIGNMENTS}, "td": {"align": _ALIGNMENTS}},
    strip_comments=True,
)

_PARSER = _build_parser()


def sanitize_html(html: str) -> str:
    """Clean HTML against the user-content allow-list (what :func:`render_markdown` applies)."""
    return _CLEANER.clean(html)


def render_markdown(source: str, *, resolve_mentions: MentionResolver | None = None) -> Rendered:
    """Render user Markdown to sanitized HTML and collect the people it mentions.

    Supported: CommonMark plus tables, ``~~strikethrough~~``, bare URLs turned into links and
    single newlines kept as ``<br>``. Raw HTML in the source is shown as text. Headings are
    shifted one level down (``#`` becomes ``<h2>``). Images render only from ``/media/``; any other
    image becomes a link to its URL. Links keep only http, https, mailto and relative URLs.

    ``resolve_mentions`` receives the set of lower-case candidate handles found in the source
    (``@anna.schmidt``, ``@Anna`` -> ``"anna"``; not in e-mail addresses; a trailing dot is
    punctuation; for a trailing ``_`` or ``-`` both forms are candidates and the longer resolved one
    wins) and returns the ones that may be linked, keyed by the same lower-case handle. The set
    is a superset (it may contain handles that end up inside code); only the linked ones count.
    It is called at most once per render, and not at all when the source has no candidate, so a
    caller can load every candidate in one query. It is the caller's business to resolve only
    people allowed to see the content (and to be notified about it). Resolved handles outside
    code and outside link text become ``<a class="mention" href="{target.url}">@{display name or
    handle}</a>`` and are listed in ``Rendered.mentions``; everything else stays plain text.
    An unsafe ``target.url`` (``javascript:`` ...) is dropped by the sanitizer like any other link.
    """
    targets: Mapping[str, MentionTarget] = {}
    if resolve_mentions is not None:
        candidates = _mention_candidates(source)
        if candidates:
            targets = resolve_mentions(candidates)
    env: dict[str, Any] = {"mention_targets": targets}
    html = sanitize_html(_PARSER.render(source, env))
    return Rendered(html=html, mentions=frozenset(env.get("rendered_mentions", ())))


# --- plain text -----------------------------------------------------------------------------------

_BLOCK_TAGS = frozenset(
    {"p", "br", "hr", "li", "ul", "ol", "pre", "blockquote", "tr", "td", "th", "table", "div"}
    | {f"h{level}" for level in range(1, 7)}
)
_SKIP_TAGS = frozenset({"script", "style", "template"})


class _TextExtractor(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self._skipping = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _SKIP_TAGS:
            self._skipping += 1
        elif tag in _BLOCK_TAGS:
            self.parts.append(" ")
        elif tag == "img":
            self.parts.append(" " + (dict(attrs).get("alt") or "") + " ")

    def handle_endtag(self, tag: str) -> None:
        if tag in _SKIP_TAGS:
            self._skipping = max(self._skipping - 1, 0)
        elif tag in _BLOCK_TAGS:
            self.parts.append(" ")

    def handle_data(self, data: str) -> None:
        if not self._skipping:
            self.parts.append(data)


def plain_text(text: str, *, limit: int | None = None, markdown: bool = False) -> str:
    """Readable one-line text of rendered HTML (or of Markdown source with ``markdown=True``).

    Tags are dropped (block elements separate words), entities decoded and whitespace collapsed.
    With ``limit``, the result is at most ``limit`` characters: cut at a word boundary and ended
    with "…". The result is plain text: escape it when putting it into HTML.
    """
    html = render_markdown(text).html if markdown else text
    extractor = _TextExtractor()
    extractor.feed(html)
    extractor.close()
    result = " ".join("".join(extractor.parts).split())
    if limit is None or len(result) <= limit:
        return result
    if limit < 1:
        return ""
    cut = result[: limit - 1]
    if not result[limit - 1].isspace():
        space = cut.rfind(" ")
        if space > (limit - 1) // 2:
            cut = cut[:space]
    return cut.rstrip(" ,;:.-\u2013\u2014") + "…"
