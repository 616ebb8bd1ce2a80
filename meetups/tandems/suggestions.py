"""Computing tandem suggestions: every active community as a scoring profile, its candidates from
inverted indexes, scored by :mod:`meetups.tandems.scoring`. Reads only; the refresh service
(:func:`meetups.tandems.services.tandem_suggestions_refresh`) stores the result.
"""

from __future__ import annotations

import datetime as dt
import heapq
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from django.contrib.postgres.fields import ArrayField
from django.db import models
from django.db.models.expressions import RawSQL
from django.utils import timezone

from communities.api import Community, TaggedCommunity

from . import scoring

#: Lexemes in more than this share of communities are too common to make anyone a candidate.
CANDIDATE_MAX_SHARE = 0.05
#: Postings up to this length always look for candidates.
CANDIDATE_MIN_CAP = 200
#: Of each community's lexemes, this many of the rarest look for candidates.
CANDIDATE_LEXEMES = 15


@dataclass
class _Corpus:
    profiles: dict[int, scoring.Profile]
    tag_df: dict[str, int]
    lexeme_df: dict[str, int]
    total: int


def _load_corpus(now: dt.datetime) -> _Corpus:
    """Every active community as a scoring profile: two queries (rows with lexemes, tags)."""
    lexemes = RawSQL(
        'tsvector_to_array("communities_community"."search_vector")', [], output_field=ArrayField(models.TextField())
    )
    rows = (
        Community.objects.filter(lifecycle=Community.Lifecycle.ACTIVE)
        .annotate(lexemes=lexemes)
        .values_list(
            "id",
            "member_count",
            "created_at",
            "last_activity_at",
            "language",
            "category_id",
            "category__name",
            "lexemes",
        )
    )
    tags: dict[int, set[str]] = defaultdict(set)
    for community_id, name in TaggedCommunity.objects.filter(
        content_object__lifecycle=Community.Lifecycle.ACTIVE
    ).values_list("content_object_id", "tag__name"):
        tags[community_id].add(name.lower())
    profiles: dict[int, scoring.Profile] = {}
    lexeme_df: dict[str, int] = defaultdict(int)
    tag_df: dict[str, int] = defaultdict(int)
    for cid, members, created, active, language, category_id, category_name, words in rows:
        words = frozenset(w for w in (words or []) if len(w) > 2)
        for w in words:
            lexeme_df[w] += 1
        for t in tags.get(cid, ()):
            tag_df[t] += 1
        profiles[cid] = scoring.Profile(
            id=cid,
            tags=frozenset(tags.get(cid, ())),
            lexemes=words,
            member_count=members,
            stage=scoring.lifecycle_stage(created_at=created, last_activity_at=active, now=now),
            language=language,
            category_id=category_id,
            category_name=category_name or "",
        )
    return _Corpus(profiles=profiles, tag_df=dict(tag_df), lexeme_df=dict(lexeme_df), total=len(profiles))


def corpus_cap(corpus: _Corpus) -> int:
    """Postings longer than this (words on more than 5 % of communities) find no candidates; short
    postings are cheap whatever the share, so small platforms keep all of theirs."""
    return max(CANDIDATE_MIN_CAP, int(corpus.total * CANDIDATE_MAX_SHARE))


def _candidates(
    me: scoring.Profile, corpus: _Corpus, by_tag: dict[str, list[int]], by_lexeme: dict[str, list[int]]
) -> list[int]:
    """Candidate partners of ``me`` from the inverted indexes: shared tags, then shared rare words."""
    found: dict[int, float] = defaultdict(float)
    for tag in me.tags:
        # A tag on a tenth of all communities finds no one in particular (it still scores).
        for other in by_tag.get(tag, ()) if len(by_tag.get(tag, ())) <= 2 * corpus_cap(corpus) else ():
            found[other] += 2.0 / max(corpus.tag_df.get(tag, 1), 1) + 1.0
    rare = sorted((w for w in me.lexemes if w in by_lexeme), key=lambda w: (corpus.lexeme_df.get(w, 0), w))
    for word in rare[:CANDIDATE_LEXEMES]:
        for other in by_lexeme[word]:
            found[other] += 1.0 / corpus.lexeme_df[word]
    found.pop(me.id, None)
    best = heapq.nsmallest(scoring.CANDIDATES, found.items(), key=lambda item: (-item[1], item[0]))
    return [cid for cid, _weight in best]


def compute_suggestions(
    community_ids: Iterable[int] | None = None, *, now: dt.datetime | None = None
) -> dict[int, list[scoring.Scored]]:
    """Best partners for each of ``community_ids`` (all active communities when ``None``).

    Loads every active community once (two queries), builds inverted indexes of tags and of lexemes
    (leaving out words used by more than ``CANDIDATE_MAX_SHARE`` of communities) and scores only the
    candidates they yield: linear in the number of communities, never all pairs.
    """
    corpus = _load_corpus(now or timezone.now())
    by_tag: dict[str, list[int]] = defaultdict(list)
    by_lexeme: dict[str, list[int]] = defaultdict(list)
    cap = corpus_cap(corpus)
    for profile in corpus.profiles.values():
        for tag in profile.tags:
            by_tag[tag].append(profile.id)
        for word in profile.lexemes:
            if corpus.lexeme_df[word] <= cap:
                by_lexeme[word].append(profile.id)
    wanted = list(corpus.profiles) if community_ids is None else [c for c in community_ids if c in corpus.profiles]
    weights = scoring.Weights.build(tag_df=corpus.tag_df, lexeme_df=corpus.lexeme_df, total=corpus.total)
    result: dict[int, list[scoring.Scored]] = {}
    for cid in wanted:
        me = corpus.profiles[cid]
        candidates = [corpus.profiles[o] for o in _candidates(me, corpus, by_tag, by_lexeme)]
        result[cid] = scoring.rank_candidates(me, candidates, weights=weights)
    return result
