"""Watched words run on RE2: the worst patterns finish in milliseconds on the longest texts, and
what RE2 cannot run is refused with a message (issue 17, item 5)."""

from __future__ import annotations

import time

import pytest
from django.core.exceptions import ValidationError

from communities.models import ContentStatus, WatchedWord
from communities.moderation import services as mod
from communities.moderation.screening import PATTERN_MAX, compile_word, matching_words, validate_pattern
from tests.communities.moderation.conftest import write_post

# Patterns that backtrack exponentially or polynomially in a backtracking engine (Python's ``re``).
WORST_PATTERNS = [
    r"(a+)+$",
    r"(a|a)*b",
    r"a*a*a*b",
    r"a*a*a*a*a*a*a*a*c",
    r"(x+x+)+y",
    r"((a+)+)+b",
    r"(a*)*b",
    r"(a|aa)+b",
    r"(\w+\s?)+\$",
    r"(.*a){12}",
    r"^(([a-z])+.)+[A-Z]([a-z])+$",
    r"(a|b|c|d|e|f|g|h|i|j|k|l|m|n|o|p|q|r|s|t|u|v|w|x|y|z|aa|ab|ac|ad)+!",
    "|".join(f"word{i}" for i in range(30)),
    r"(?:a{1,30}){1,30}b",
    r"[a-z]{1000}",
    r"\w{999}!",
    r".{1000}!",
]

# 20,000 characters each: the longest post text; shapes that make backtracking engines explode.
TEXTS = [
    "a" * 20_000,
    "a" * 19_999 + "!",
    "x" * 20_000,
    ("a" * 99 + " ") * 200,
    "ab" * 10_000,
]

# A generous bound for "finishes in milliseconds": Python's ``re`` needs hours for most of these.
BOUND_SECONDS = 0.2


@pytest.mark.parametrize("pattern", WORST_PATTERNS)
def test_worst_patterns_are_accepted_and_finish_in_milliseconds(pattern):
    assert validate_pattern(pattern, is_regex=True) == pattern
    word = WatchedWord(pattern=pattern, is_regex=True, action=WatchedWord.Action.FLAG)
    assert compile_word(word) is not None
    start = time.perf_counter()
    for text in TEXTS:
        matching_words(text, [word])
    assert time.perf_counter() - start < BOUND_SECONDS * len(TEXTS)


def test_matching_still_finds_what_it_should():
    words = [WatchedWord(pattern=p, is_regex=True, action=WatchedWord.Action.FLAG) for p in (r"a*a*a*b", r"(a+)+$")]
    assert matching_words("a" * 19_999 + "b", words[:1]) == words[:1]
    assert matching_words("a" * 20_000, words[1:]) == words[1:]
    assert matching_words("x" * 20_000, words) == []


@pytest.mark.django_db
def test_a_stored_worst_pattern_does_not_slow_down_posting(community, owner, member):
    mod.watched_word_add(actor=owner, community=community, pattern=r"a*a*a*b", is_regex=True, action="hold")
    mod.watched_word_add(actor=owner, community=community, pattern=r"(x+x+)+y", is_regex=True, action="flag")
    start = time.perf_counter()
    post = write_post(member, community, title="Long", body="a" * 19_000 + " " + "x" * 900)
    assert time.perf_counter() - start < 5
    assert post.status == ContentStatus.PUBLISHED
    held = write_post(member, community, title="Long", body="a" * 19_000 + "b")
    assert held.status == ContentStatus.PENDING


@pytest.mark.parametrize(
    ("pattern", "message"),
    [
        (r"(a)\1", "cannot be used"),
        (r"(?P<x>a)(?P=x)", "cannot be used"),
        (r"(?<!x)y", "cannot be used"),
        (r"y(?=x)", "cannot be used"),
        (r"a{1001}", "cannot be used"),
        (r"[unclosed", "cannot be used"),
        (r"x*", "matches every text"),
        (r"(a|)", "matches every text"),
        ("a" * (PATTERN_MAX + 1), "at most"),
    ],
)
def test_patterns_re2_cannot_run_are_refused_with_a_reason(pattern, message):
    with pytest.raises(ValidationError) as error:
        validate_pattern(pattern, is_regex=True)
    assert message in " ".join(error.value.message_dict["pattern"])


def test_plain_words_match_whole_words_in_any_script():
    word = WatchedWord(pattern="müll", is_regex=False, action=WatchedWord.Action.BLOCK)
    assert matching_words("So viel MÜLL hier.", [word]) == [word]
    assert matching_words("Müllabfuhr", [word]) == []
    assert matching_words("Kehrmüll", [word]) == []
    assert matching_words("müll", [word]) == [word]
    special = WatchedWord(pattern="c++", is_regex=False, action=WatchedWord.Action.FLAG)
    assert matching_words("we write C++ daily", [special]) == [special]
    assert matching_words("c+++", [special]) == [special]
