"""Every payload of the brs-kb XSS knowledge base goes through render_markdown and must come out inert.

Each payload is rendered as raw text, as a link target, as an image source and as an autolink, with a
resolver that resolves every mention candidate to a hostile display name and URL, so the mention path
is attacked too. The output is parsed with the standard library's HTML parser and every element and
attribute is checked. Failures are collected and reported together so one run shows all of them.
"""

from __future__ import annotations

import html
import re
from collections.abc import Callable
from html.parser import HTMLParser

from brs_kb.payloads import get_all_payloads

from intranet.core.markdown import ALLOWED_TAGS, MentionTarget, render_markdown

FORBIDDEN_TAGS = frozenset(
    {"script", "iframe", "object", "embed", "svg", "math", "style", "form", "input", "base", "meta", "link"}
)
URL_ATTRIBUTES = frozenset(
    {
        *("href", "src", "action", "formaction", "xlink:href", "srcset", "background", "poster"),
        *("cite", "data", "codebase", "dynsrc", "lowsrc", "longdesc", "ping", "manifest"),
    }
)
BAD_SCHEMES = ("javascript:", "vbscript:", "data:")
# What a browser ignores inside a URL: ASCII whitespace and C0/C1 control characters.
_IGNORED_IN_URL = re.compile(r"[\x00-\x20\x7f-\x9f]+")

WRAPPERS: dict[str, Callable[[str], str]] = {
    "raw": lambda payload: payload,
    "link": lambda payload: f"[x]({payload})",
    "image": lambda payload: f"![x]({payload})",
    "autolink": lambda payload: f"<{payload}>",
}


def corpus() -> list[str]:
    return sorted({entry.payload for entry in get_all_payloads().values() if entry.payload})


def hostile_resolver(handles: set[str]) -> dict[str, MentionTarget]:
    return {
        handle: MentionTarget(
            handle=handle, display_name='"><script>alert(1)</script>', url="javascript:alert(document.cookie)"
        )
        for handle in handles
    }


def normalised_url(value: str) -> str:
    # html.parser already decodes character references once; decode again to catch double encoding.
    return _IGNORED_IN_URL.sub("", html.unescape(html.unescape(value))).lower()


class OutputInspector(HTMLParser):
    """Records every way the rendered HTML could execute script or load foreign content."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.problems: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in FORBIDDEN_TAGS:
            self.problems.append(f"forbidden element <{tag}>")
        elif tag not in ALLOWED_TAGS:
            self.problems.append(f"element outside the allow-list <{tag}>")
        for name, value in attrs:
            if name.startswith("on"):
                self.problems.append(f"event handler {name} on <{tag}>")
            if name == "style":
                self.problems.append(f"style attribute on <{tag}>")
            if name in URL_ATTRIBUTES and value is not None:
                url = normalised_url(value)
                if url.startswith(BAD_SCHEMES) or "data:" in url:
                    self.problems.append(f"dangerous URL {name}={value!r} on <{tag}>")
                if tag == "img" and name == "src" and not url.startswith("/media/"):
                    self.problems.append(f"foreign image source {value!r}")
            if name == "class" and value not in ("mention", ""):
                self.problems.append(f"class {value!r} on <{tag}>")

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)

    def handle_comment(self, data: str) -> None:
        self.problems.append(f"comment <!--{data}-->")

    def handle_decl(self, decl: str) -> None:
        self.problems.append(f"declaration <!{decl}>")

    def handle_pi(self, data: str) -> None:
        self.problems.append(f"processing instruction <?{data}>")


def problems_in(output: str) -> list[str]:
    inspector = OutputInspector()
    inspector.feed(output)
    inspector.close()
    return inspector.problems


def test_inspector_catches_what_it_should():
    """The checks below would be vacuous if the inspector missed things; prove it does not."""
    bad = (
        '<script>x</script><svg onload="x"></svg><a href=" jav&#x09;ascript:x">a</a><p style="x">'
        '<img src="data:image/png,x"><a href="https://e.example/?q=data:text/html,x">b</a><!-- c -->'
    )
    assert problems_in(bad) == [
        "forbidden element <script>",
        "forbidden element <svg>",
        "event handler onload on <svg>",
        "dangerous URL href=' jav\\tascript:x' on <a>",
        "style attribute on <p>",
        "dangerous URL src='data:image/png,x' on <img>",
        "foreign image source 'data:image/png,x'",
        "dangerous URL href='https://e.example/?q=data:text/html,x' on <a>",
        "comment <!-- c -->",
    ]


def test_corpus_is_large_enough():
    # A broken import or an upstream reshuffle must not turn the XSS test into a no-op.
    assert len(corpus()) >= 1000


def test_every_payload_renders_inert():
    payloads = corpus()
    failures: list[str] = []
    rendered = 0
    for payload in payloads:
        for wrapper_name, wrap in WRAPPERS.items():
            output = render_markdown(wrap(payload), resolve_mentions=hostile_resolver).html
            rendered += 1
            failures.extend(f"[{wrapper_name}] {payload!r}: {problem}" for problem in problems_in(output))

    # Shown with `pytest -s` and with any failure.
    print(f"XSS corpus: {len(payloads)} distinct payloads, {rendered} renders, {len(failures)} failures")  # noqa: T201
    assert rendered == len(payloads) * len(WRAPPERS) >= 4000
    assert not failures, "\n".join(failures[:50]) + f"\n... {len(failures)} failures in total"
