"""The per-theme diff: word and line level, counts, and escaping of user text."""

from __future__ import annotations

from communities.canvas.selectors import diff_answers, diff_text


def test_word_diff_marks_insertions_and_deletions():
    html, inserted, deleted = diff_text("We share solar know-how.", "We share solar and wind know-how.")
    assert html == "We share solar <ins>and wind </ins>know-how."
    assert (inserted, deleted) == (2, 0)

    html, inserted, deleted = diff_text("Meet every Monday at noon.", "Meet every Friday at noon.")
    assert html == "Meet every <del>Monday</del><ins>Friday</ins> at noon."
    assert (inserted, deleted) == (1, 1)


def test_line_diff_works_per_line():
    html, inserted, deleted = diff_text("one\ntwo\nthree", "one\nthree\nfour", mode="line")
    assert '<div class="canvas-diff-line">one</div>' in html
    assert '<div class="canvas-diff-line"><del>two</del></div>' in html
    assert '<div class="canvas-diff-line"><ins>four</ins></div>' in html
    assert (inserted, deleted) == (1, 1)


def test_user_html_is_escaped_in_every_part_of_the_diff():
    old = "Keep <b>bold</b> & stay"
    new = 'Keep <script>alert(1)</script> & stay "safe"'
    for mode in ("word", "line"):
        html, _, _ = diff_text(old, new, mode=mode)
        assert "<script>" not in html and "<b>" not in html
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
        assert "&amp;" in html
        assert "&quot;safe&quot;" in html


def test_diff_answers_covers_every_theme_in_order():
    diffs = diff_answers({"purpose": "Old", "values": "Same"}, {"purpose": "New", "values": "Same", "data": "Added"})
    assert len(diffs) == 16
    changed = {d.theme.key: d for d in diffs if d.changed}
    assert set(changed) == {"purpose", "data"}
    assert str(changed["purpose"].html) == "<del>Old</del><ins>New</ins>"
    assert str(changed["data"].html) == "<ins>Added</ins>"
    assert diffs[0].theme.key == "purpose" and diffs[-1].theme.key == "data"
