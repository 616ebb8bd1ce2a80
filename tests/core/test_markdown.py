"""The user-content text pipeline: Markdown features, sanitizing, mentions and plain-text previews."""

from __future__ import annotations

import dataclasses

import pytest

from intranet.core.markdown import MentionTarget, Rendered, plain_text, render_markdown, sanitize_html

REL = 'rel="noopener noreferrer nofollow"'


def html_of(source: str) -> str:
    return render_markdown(source).html


class RecordingResolver:
    """Resolves the given handles and records every call, like a caller's one-query lookup."""

    def __init__(self, people: dict[str, str]) -> None:
        self.people = people
        self.calls: list[set[str]] = []

    def __call__(self, handles: set[str]) -> dict[str, MentionTarget]:
        self.calls.append(set(handles))
        return {
            handle: MentionTarget(handle=handle, display_name=self.people[handle], url=f"/people/{handle}/")
            for handle in handles
            if handle in self.people
        }


@pytest.fixture
def resolver() -> RecordingResolver:
    return RecordingResolver({"anna": "Anna Schmidt", "anna.schmidt": "Anna S.", "bo": "Bo Li", "x_y-z": ""})


# --- Markdown features ----------------------------------------------------------------------------


def test_inline_formatting():
    assert html_of("**bold** *em* ~~gone~~ `code`") == (
        "<p><strong>bold</strong> <em>em</em> <s>gone</s> <code>code</code></p>\n"
    )


def test_single_newline_is_a_line_break():
    assert html_of("one\ntwo") == "<p>one<br>\ntwo</p>\n"


def test_lists_blockquote_rule_and_ordered_start():
    html = html_of("- a\n- b\n\n3. c\n4. d\n\n> quoted\n\n---")
    assert "<ul>\n<li>a</li>\n<li>b</li>\n</ul>" in html
    assert '<ol start="3">\n<li>c</li>\n<li>d</li>\n</ol>' in html
    assert "<blockquote>\n<p>quoted</p>\n</blockquote>" in html
    assert "<hr>" in html


def test_fenced_code_is_kept_verbatim_without_language_class():
    html = html_of("```python\nif a < b and c > d:\n    x = '<b>'\n```")
    assert html == "<pre><code>if a &lt; b and c &gt; d:\n    x = '&lt;b&gt;'\n</code></pre>\n"


def test_headings_shift_one_level_down():
    html = html_of("# One\n## Two\n##### Five\n###### Six")
    assert html == "<h2>One</h2>\n<h3>Two</h3>\n<h6>Five</h6>\n<h6>Six</h6>\n"
    assert "<h1" not in html


def test_table_alignment_becomes_align_attribute_not_style():
    html = html_of("| a | b | c |\n|:--|:-:|--:|\n| 1 | 2 | 3 |")
    assert '<th align="left">a</th>' in html
    assert '<th align="center">b</th>' in html
    assert '<td align="right">3</td>' in html
    assert "<table>" in html and "<thead>" in html and "<tbody>" in html
    assert "style" not in html


def test_bare_urls_are_linkified_with_rel():
    html = html_of("see https://example.com/a?b=c&d=e now")
    assert html == (
        f'<p>see <a href="https://example.com/a?b=c&amp;d=e" {REL}>https://example.com/a?b=c&amp;d=e</a> now</p>\n'
    )


# --- raw HTML and sanitizing ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ("<script>alert(1)</script>", "<p>&lt;script&gt;alert(1)&lt;/script&gt;</p>\n"),
        ("hi <b onclick=x>there</b>", "<p>hi &lt;b onclick=x&gt;there&lt;/b&gt;</p>\n"),
        ("<div>\nblock\n</div>", "<p>&lt;div&gt;<br>\nblock<br>\n&lt;/div&gt;</p>\n"),
        ("<!-- note -->", "<p>&lt;!-- note --&gt;</p>\n"),
        ("&lt;i&gt; stays text", "<p>&lt;i&gt; stays text</p>\n"),
    ],
)
def test_html_in_the_source_is_shown_as_escaped_text(source, expected):
    assert html_of(source) == expected


def test_every_link_gets_rel_and_keeps_its_title():
    html = html_of('[site](https://example.com "The site") [rel](/people/bo/)')
    assert f'<a href="https://example.com" title="The site" {REL}>site</a>' in html
    assert f'<a href="/people/bo/" {REL}>rel</a>' in html


@pytest.mark.parametrize(
    "url", ["http://example.com/", "https://example.com/x", "mailto:anna@example.com", "/relative/path", "#top"]
)
def test_allowed_link_urls_are_kept(url):
    assert f'href="{url}"' in html_of(f"[x]({url})")


@pytest.mark.parametrize(
    "url",
    [
        "javascript:alert(1)",
        "JaVaScRiPt:alert(1)",
        "jav&#x61;script:alert(1)",
        "vbscript:msgbox(1)",
        "data:text/html;base64,PHNjcmlwdD4=",
        "file:///etc/passwd",
        "ftp://example.com/",
        "tel:+49123",
    ],
)
def test_other_link_schemes_are_dropped(url):
    html = html_of(f"[x]({url}) <{url}>")
    assert "href" not in html


@pytest.mark.parametrize(
    "url",
    [
        "&#106&#97&#118&#97&#115&#99&#114&#105&#112&#116:alert(1)",
        "/redirect?next=data:text/html,x",
        "https://example.com/?u=%22data:text/html,x",
    ],
)
def test_links_that_turn_dangerous_when_decoded_again_are_dropped(url):
    assert "href" not in html_of(f"[x]({url})")


def test_data_inside_a_word_is_not_mistaken_for_a_data_url():
    assert 'href="https://example.com/metadata:v1"' in html_of("[x](https://example.com/metadata:v1)")


def test_images_only_from_own_media():
    html = html_of("![chart](/media/uploads/chart.png)")
    assert html == '<p><img src="/media/uploads/chart.png" alt="chart"></p>\n'


def test_foreign_image_becomes_a_link_to_it():
    html = html_of("![pixel](https://tracker.example/p.gif)")
    assert html == f'<p><a href="https://tracker.example/p.gif" {REL}>pixel</a></p>\n'
    assert "<img" not in html


@pytest.mark.parametrize(
    "src",
    [
        "data:image/png;base64,iVBORw0KGgo=",
        "/media/../admin/",
        "/media/%2e%2e/admin/",
        "//evil.example/x.png",
        "media/x.png",
        "https://example.com/media/x.png",
    ],
)
def test_unsafe_image_sources_render_no_img(src):
    assert "<img" not in html_of(f"![x]({src})")


def test_foreign_image_inside_a_link_becomes_its_alt_text():
    html = html_of("[![logo](https://example.com/l.png)](https://example.com)")
    assert html == f'<p><a href="https://example.com" {REL}>logo</a></p>\n'


def test_sanitizer_removes_styles_handlers_and_foreign_classes():
    dirty = (
        '<p style="color:red" onclick="x()" class="lead">a</p><span class="mention evil">b</span>'
        '<a href="javascript:x" class="btn">c</a><img src="https://e.example/x.png" onerror="x()"><iframe></iframe>'
    )
    assert sanitize_html(dirty) == (
        # ammonia leaves an empty class attribute behind when it removes every class; harmless.
        f'<p>a</p><span class="mention">b</span><a class="" {REL}>c</a><img>'
    )


# --- mentions -------------------------------------------------------------------------------------


def test_resolved_mention_links_to_the_person_with_display_name(resolver):
    rendered = render_markdown("Thanks @anna!", resolve_mentions=resolver)
    assert rendered == Rendered(
        html=f'<p>Thanks <a class="mention" href="/people/anna/" {REL}>@Anna Schmidt</a>!</p>\n',
        mentions=frozenset({"anna"}),
    )


def test_mention_without_display_name_shows_the_handle(resolver):
    rendered = render_markdown("cc @x_y-z", resolve_mentions=resolver)
    assert '<a class="mention" href="/people/x_y-z/"' in rendered.html
    assert ">@x_y-z</a>" in rendered.html
    assert rendered.mentions == {"x_y-z"}


def test_unresolved_mention_stays_plain_text(resolver):
    rendered = render_markdown("Hello @nobody and @anna", resolve_mentions=resolver)
    assert "<p>Hello @nobody and <a class" in rendered.html
    assert rendered.mentions == {"anna"}


def test_without_resolver_nothing_is_a_mention():
    rendered = render_markdown("Hello @anna")
    assert rendered == Rendered(html="<p>Hello @anna</p>\n", mentions=frozenset())


def test_email_address_is_not_a_mention(resolver):
    rendered = render_markdown("write to anna@example.com or bo+x@anna.example", resolve_mentions=resolver)
    assert rendered.mentions == frozenset()
    assert 'class="mention"' not in rendered.html
    assert resolver.calls == []


@pytest.mark.parametrize(
    "source",
    ["`@anna`", "```\n@anna\n```", "    @anna indented code", "``x @anna y``"],
)
def test_mention_in_code_is_not_a_mention(resolver, source):
    rendered = render_markdown(source, resolve_mentions=resolver)
    assert rendered.mentions == frozenset()
    assert "@anna" in rendered.html
    assert "mention" not in rendered.html


def test_mention_inside_link_text_is_not_a_nested_link(resolver):
    rendered = render_markdown("[ask @anna](https://example.com)", resolve_mentions=resolver)
    assert rendered.html == f'<p><a href="https://example.com" {REL}>ask @anna</a></p>\n'
    assert rendered.mentions == frozenset()


@pytest.mark.parametrize(
    ("source", "after"),
    [
        ("Thanks @anna.", "</a>.</p>"),
        ("Thanks @anna, and", "</a>, and</p>"),
        ("Thanks @anna...", "</a>...</p>"),
        ("(@anna)", "</a>)</p>"),
        ("@anna: see", "</a>: see</p>"),
        ("**@anna**", "</a></strong></p>"),
    ],
)
def test_punctuation_after_handle_is_not_part_of_it(resolver, source, after):
    rendered = render_markdown(source, resolve_mentions=resolver)
    assert rendered.mentions == {"anna"}
    assert after in rendered.html
    assert resolver.calls == [{"anna"}]


def test_trailing_underscore_or_hyphen_belongs_to_the_handle_only_if_it_resolves():
    resolver = RecordingResolver({"anna": "Anna", "bo_": "Bo Underscore"})
    rendered = render_markdown("_@anna_ and @bo_ and @anna-", resolve_mentions=resolver)
    assert resolver.calls == [{"anna_", "anna", "bo_", "bo", "anna-"}]
    assert rendered.mentions == {"anna", "bo_"}
    assert rendered.html == (
        f'<p><em><a class="mention" href="/people/anna/" {REL}>@Anna</a></em> and '
        f'<a class="mention" href="/people/bo_/" {REL}>@Bo Underscore</a> and '
        f'<a class="mention" href="/people/anna/" {REL}>@Anna</a>-</p>\n'
    )


def test_handles_with_dots_and_case(resolver):
    rendered = render_markdown("@Anna.Schmidt and @ANNA", resolve_mentions=resolver)
    assert rendered.mentions == {"anna.schmidt", "anna"}
    assert 'href="/people/anna.schmidt/"' in rendered.html
    assert ">@Anna S.</a> and <a" in rendered.html


def test_one_resolver_call_with_all_candidates(resolver):
    source = "@anna and @bo, @ghost\n\n- @anna again\n\n> @Bo.\n\nmail anna@example.com `@incode`"
    rendered = render_markdown(source, resolve_mentions=resolver)
    assert resolver.calls == [{"anna", "bo", "ghost", "incode"}]
    assert rendered.mentions == {"anna", "bo"}
    assert rendered.html.count('class="mention"') == 4


def test_no_resolver_call_without_candidates(resolver):
    render_markdown("nothing to see, anna@example.com, @ alone, @@", resolve_mentions=resolver)
    assert resolver.calls == []


def test_handle_longer_than_sixty_characters_is_not_a_candidate(resolver):
    render_markdown("@" + "a" * 61 + " @" + "b" * 60, resolve_mentions=resolver)
    assert resolver.calls == [{"b" * 60}]


def test_mention_display_name_and_url_are_escaped_and_sanitized():
    def hostile(handles: set[str]) -> dict[str, MentionTarget]:
        return {
            h: MentionTarget(handle=h, display_name="<img src=x onerror=alert(1)>", url="javascript:x") for h in handles
        }

    rendered = render_markdown("@eve", resolve_mentions=hostile)
    assert rendered.html == f'<p><a class="mention" {REL}>@&lt;img src=x onerror=alert(1)&gt;</a></p>\n'


def test_mention_in_image_alt_text_keeps_the_text(resolver):
    rendered = render_markdown("![photo of @anna](/media/p.png)", resolve_mentions=resolver)
    assert rendered.html == '<p><img src="/media/p.png" alt="photo of @anna"></p>\n'
    assert rendered.mentions == frozenset()


def test_rendered_is_frozen():
    rendered = render_markdown("x")
    with pytest.raises(dataclasses.FrozenInstanceError):
        rendered.html = "y"  # type: ignore[misc]


# --- plain text -----------------------------------------------------------------------------------


def test_plain_text_strips_tags_decodes_entities_and_collapses_whitespace(resolver):
    html = render_markdown("# Hi\n\n**Bold** &amp; <tag>\n\n- one\n- two\n\n@anna", resolve_mentions=resolver).html
    assert plain_text(html) == "Hi Bold & <tag> one two @Anna Schmidt"


def test_plain_text_separates_blocks_and_ignores_scripts():
    assert plain_text("<p>a</p><p>b<br>c</p><script>x()</script>  <td>d</td>") == "a b c d"


def test_plain_text_from_markdown_source():
    assert plain_text("**Hello**  _world_\n\n`code`", markdown=True) == "Hello world code"


def test_plain_text_truncates_at_a_word_boundary():
    text = "The quick brown fox jumps over the lazy dog"
    assert plain_text(text, limit=100) == text
    assert plain_text(text, limit=len(text)) == text
    assert plain_text(text, limit=18) == "The quick brown…"
    assert plain_text(text, limit=20) == "The quick brown fox…"
    assert len(plain_text(text, limit=20)) <= 20


def test_plain_text_cuts_a_long_word_hard():
    assert plain_text("Donaudampfschifffahrtsgesellschaft", limit=10) == "Donaudamp…"
