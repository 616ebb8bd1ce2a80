"""XSS through the whole post pipeline: every brs-kb payload goes through ``post_create`` (as raw
text, link target, image source and autolink, with a real mention of a person whose display name is
hostile) and the stored HTML must be inert; a sample of the post pages must be too.

The stored HTML is checked with the inspector of ``tests/core/test_markdown_xss.py``. The page check
parses the whole rendered page and compares it with the page of a harmless post: the same script
elements, no event-handler attributes, no javascript:/vbscript:/data: URL anywhere.
"""

from __future__ import annotations

import random
from html.parser import HTMLParser

import pytest

from communities.models import Post
from communities.posts import services as post_services
from intranet.core.viewer import Viewer
from tests.communities.posts.conftest import add_person
from tests.core.test_markdown_xss import WRAPPERS, corpus, normalised_url, problems_in

pytestmark = pytest.mark.django_db

HOSTILE_NAME = '"><script>alert(1)</script><img src=x onerror=alert(2)>'
PAGE_SAMPLE = 300
RISKY_TAGS = frozenset({"script", "iframe", "object", "embed", "base", "meta", "link", "form", "frame", "style"})


def _body(payload: str) -> str:
    parts = [wrap(payload) for wrap in WRAPPERS.values()]
    return "\n\n".join(["@hostile said so", *parts])[:20_000]


class PageInspector(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.risky: list[str] = []
        self.problems: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in RISKY_TAGS:
            self.risky.append(f"<{tag} {sorted(k for k, _ in attrs)}>")
        for name, value in attrs:
            if name.startswith("on"):
                self.problems.append(f"event handler {name}={value!r} on <{tag}>")
            if name in ("href", "src", "action", "formaction", "xlink:href", "srcset", "poster") and value:
                url = normalised_url(value)
                if url.startswith(("javascript:", "vbscript:", "data:")) or "data:" in url:
                    self.problems.append(f"dangerous URL {name}={value!r} on <{tag}>")

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)


def inspect_page(html: str) -> PageInspector:
    inspector = PageInspector()
    inspector.feed(html)
    inspector.close()
    return inspector


@pytest.fixture
def writer(community):
    author = add_person(community)
    add_person(community, handle="hostile", display_name=HOSTILE_NAME)
    return author


CHUNKS = 4


def test_corpus_is_large_enough():
    assert len(corpus()) >= 1000


@pytest.mark.parametrize("chunk", range(CHUNKS))
def test_every_payload_is_stored_inert(writer, community, chunk):
    # Split in chunks so pytest-xdist can spread the corpus over workers.
    payloads = corpus()[chunk::CHUNKS]
    actor = Viewer(writer)
    failures: list[str] = []
    for payload in payloads:
        post = post_services.post_create(
            actor=actor, community=community, title=payload[:200].strip() or "x", body=_body(payload)
        )
        failures.extend(f"{payload!r}: {problem}" for problem in problems_in(post.body_html))
        if 'class="mention"' not in post.body_html:
            failures.append(f"{payload!r}: the hostile mention was not rendered")
    assert Post.objects.count() == len(payloads)
    assert not failures, "\n".join(failures[:50]) + f"\n... {len(failures)} failures in total"


@pytest.mark.parametrize("chunk", range(2))
def test_sample_of_post_pages_is_inert(client, writer, community, chunk):
    client.force_login(writer)
    harmless = post_services.post_create(actor=writer, community=community, title="Fine", body="Just **text** @hostile")
    post_services.comment_create(actor=writer, post=harmless, body="Fine too @hostile")
    baseline = inspect_page(client.get(harmless.get_absolute_url()).content.decode())
    assert not baseline.problems
    sample = random.Random(20261123).sample(corpus(), PAGE_SAMPLE)[chunk::2]
    actor = Viewer(writer)
    failures: list[str] = []
    for payload in sample:
        post = post_services.post_create(
            actor=actor, community=community, title=payload[:200].strip() or "x", body=_body(payload)
        )
        post_services.comment_create(actor=actor, post=post, body=_body(payload)[:10_000])
        response = client.get(post.get_absolute_url())
        assert response.status_code == 200
        page = inspect_page(response.content.decode())
        failures.extend(f"{payload!r}: {problem}" for problem in page.problems)
        if page.risky != baseline.risky:
            failures.append(f"{payload!r}: risky elements {page.risky} instead of {baseline.risky}")
    assert not failures, "\n".join(failures[:50]) + f"\n... {len(failures)} failures in total"
