"""Scoring of tandem candidates: which communities could learn from each other, and why.

Topic similarity is the heart of it, from two signals:

* **shared tags**, cosine of the two tag sets with each tag weighted by its inverse document
  frequency (``#sustainability`` shared by 40 communities says more than ``#it`` shared by 3,000);
* **text**, a TF-IDF cosine over the stemmed lexemes PostgreSQL already keeps in every community's
  GIN-indexed ``search_vector`` (name, tags, description and purpose; German and English stemming).

Why this and not a pairwise scan: 15,000 communities make 112 million pairs. The refresh loads
every active community once (two queries: rows with ``tsvector_to_array(search_vector)``, and tags),
builds inverted indexes of tags and of lexemes in memory, and takes each community's *candidates*
from them: communities sharing one of its tags, or one of its 15 rarest words (words on more than
5 % of all communities find nobody in particular and are skipped, as are tags on more than 10 %).
Only those (at most 60) candidates are scored, so the work grows linearly with the number of
communities. The document frequencies come from the same pass. PostgreSQL's lexemes are reused
rather than a tokenizer of our own, so German and English stemming match the search. pg_trgm
similarity was rejected: it compares spelling, not topics, and a long description drowns any
trigram overlap; a per-community ``ts_rank`` query would cost 15,000 index scans per refresh. The
refresh runs nightly in Celery (:func:`meetups.tandems.services.tandem_suggestions_refresh`);
pages read the stored :class:`~meetups.tandems.models.TandemSuggestion` rows.

Then smaller signals that make a tandem work in practice: the same size class, the same lifecycle
stage (age and recent activity), the same language and the same category. Every signal that holds
becomes a reason shown with the suggestion ("both tagged #sustainability, both 50 to 300 members,
both German").
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

#: Weights of the signals; they sum to 1 and the score is shown as a percentage.
WEIGHTS = {"tags": 0.40, "text": 0.25, "size": 0.12, "stage": 0.10, "language": 0.08, "category": 0.05}
#: Below this topic similarity a pair is no suggestion, however well the rest fits.
MIN_TOPIC = 0.08
#: Words shared by a text match must reach this cosine to be named as a reason.
TEXT_REASON_MIN = 0.15
#: Suggestions kept per community.
PER_COMMUNITY = 10
#: Candidates (from shared tags and rare shared words) scored per community.
CANDIDATES = 60

SIZE_CLASSES: list[tuple[str, int, int | None]] = [
    ("xs", 0, 50),
    ("s", 50, 300),
    ("m", 300, 1000),
    ("l", 1000, None),
]

NEW_DAYS = 180
ESTABLISHED_DAYS = 730
QUIET_DAYS = 60


def size_class(member_count: int) -> str:
    for code, low, high in SIZE_CLASSES:
        if member_count >= low and (high is None or member_count < high):
            return code
    return SIZE_CLASSES[-1][0]


def size_label(code: str) -> str:
    labels = {
        "xs": _("fewer than 50 members"),
        "s": _("50–300 members"),  # noqa: RUF001 - en dash in a number range
        "m": _("300–1,000 members"),  # noqa: RUF001 - en dash in a number range
        "l": _("more than 1,000 members"),
    }
    return labels.get(code, "")


def lifecycle_stage(*, created_at: dt.datetime, last_activity_at: dt.datetime, now: dt.datetime | None = None) -> str:
    """``quiet`` (no activity for two months), else ``new``, ``growing`` or ``established`` by age."""
    now = now or timezone.now()
    if now - last_activity_at > dt.timedelta(days=QUIET_DAYS):
        return "quiet"
    age = now - created_at
    if age < dt.timedelta(days=NEW_DAYS):
        return "new"
    if age < dt.timedelta(days=ESTABLISHED_DAYS):
        return "growing"
    return "established"


@dataclass(frozen=True)
class Profile:
    """What the scorer knows of one community (loaded in bulk by the service)."""

    id: int
    tags: frozenset[str]
    lexemes: frozenset[str]
    member_count: int
    stage: str
    language: str
    category_id: int | None
    category_name: str = ""


@dataclass
class Scored:
    other_id: int
    score: int
    reasons: list[dict[str, Any]] = field(default_factory=list)


def _idf(df: int, total: int) -> float:
    return math.log((1 + total) / (1 + df)) + 1.0


@dataclass
class Weights:
    """Squared IDF weights of tags and lexemes, computed once per refresh, and the profiles' norms
    (cached per profile), so scoring a pair costs one set intersection per signal."""

    tag: dict[str, float]
    lexeme: dict[str, float]
    rare: float
    _norms: dict[tuple[int, str], float] = field(default_factory=dict)

    @classmethod
    def build(cls, *, tag_df: Mapping[str, int], lexeme_df: Mapping[str, int], total: int) -> Weights:
        return cls(
            tag={t: _idf(n, total) ** 2 for t, n in tag_df.items()},
            lexeme={w: _idf(n, total) ** 2 for w, n in lexeme_df.items()},
            rare=_idf(1, total) ** 2,
        )

    def norm(self, profile: Profile, kind: str) -> float:
        key = (profile.id, kind)
        value = self._norms.get(key)
        if value is None:
            terms, weights = (profile.tags, self.tag) if kind == "tag" else (profile.lexemes, self.lexeme)
            value = self._norms[key] = math.sqrt(sum(weights.get(t, self.rare) for t in terms))
        return value

    def cosine(self, a: Profile, b: Profile, kind: str) -> float:
        """Cosine of the two profiles' binary term sets (tags or lexemes), weighted by IDF."""
        terms_a, terms_b, weights = (a.tags, b.tags, self.tag) if kind == "tag" else (a.lexemes, b.lexemes, self.lexeme)
        shared = terms_a & terms_b
        if not shared:
            return 0.0
        dot = sum(weights.get(t, self.rare) for t in shared)
        return dot / (self.norm(a, kind) * self.norm(b, kind))


def score_pair(me: Profile, other: Profile, *, weights: Weights) -> Scored | None:
    """Score ``other`` as a tandem for ``me`` (symmetric); ``None`` if their topics are too far apart."""
    tag_sim = weights.cosine(me, other, "tag")
    text_sim = weights.cosine(me, other, "lexeme")
    topic = (WEIGHTS["tags"] * tag_sim + WEIGHTS["text"] * text_sim) / (WEIGHTS["tags"] + WEIGHTS["text"])
    if topic < MIN_TOPIC:
        return None
    reasons: list[dict[str, Any]] = []
    # Rarest shared tags first: they say the most about the pair.
    shared_tags = sorted(me.tags & other.tags, key=lambda t: (-weights.tag.get(t, weights.rare), t))
    if shared_tags:
        reasons.append({"code": "tags", "params": {"tags": shared_tags[:3], "more": max(len(shared_tags) - 3, 0)}})
    if text_sim >= TEXT_REASON_MIN:
        reasons.append({"code": "text", "params": {}})
    value = WEIGHTS["tags"] * tag_sim + WEIGHTS["text"] * text_sim
    if size_class(me.member_count) == size_class(other.member_count):
        value += WEIGHTS["size"]
        reasons.append({"code": "size", "params": {"size": size_class(me.member_count)}})
    if me.stage == other.stage:
        value += WEIGHTS["stage"]
        reasons.append({"code": "stage", "params": {"stage": me.stage}})
    if me.language == other.language:
        value += WEIGHTS["language"]
        reasons.append({"code": "language", "params": {"language": me.language}})
    if me.category_id is not None and me.category_id == other.category_id:
        value += WEIGHTS["category"]
        reasons.append({"code": "category", "params": {"category": me.category_name}})
    return Scored(other_id=other.id, score=max(1, min(100, round(100 * value))), reasons=reasons)


def rank_candidates(
    me: Profile, candidates: Sequence[Profile], *, weights: Weights, limit: int = PER_COMMUNITY
) -> list[Scored]:
    """The best ``limit`` candidates for ``me``, best first (ties by id for a stable order)."""
    scored = [
        s
        for other in candidates
        if other.id != me.id
        for s in [score_pair(me, other, weights=weights)]
        if s is not None
    ]
    scored.sort(key=lambda s: (-s.score, s.other_id))
    return scored[:limit]


# Reasons as sentences ---------------------------------------------------------------------------


def _language_name(code: str) -> str:
    return {"de": _("German"), "en": _("English")}.get(code, code)


def _stage_phrase(stage: str) -> str:
    return {
        "new": _("both started within the last six months"),
        "growing": _("both between six months and two years old"),
        "established": _("both established for more than two years"),
        "quiet": _("both quiet for two months or more"),
    }.get(stage, "")


def reason_text(reason: Mapping[str, Any]) -> str:
    """One reason as a short phrase in the active language ("both tagged #sustainability")."""
    code = reason.get("code")
    params = reason.get("params") or {}
    if code == "tags":
        names = [f"#{t}" for t in params.get("tags", [])]
        tags = (
            names[0]
            if len(names) == 1
            else _("%(first)s and %(last)s") % {"first": ", ".join(names[:-1]), "last": names[-1]}
        )
        more = int(params.get("more", 0))
        if more:
            return ngettext(
                "both tagged %(tags)s and %(more)d more tag",
                "both tagged %(tags)s and %(more)d more tags",
                more,
            ) % {"tags": tags, "more": more}
        return _("both tagged %(tags)s") % {"tags": tags}
    if code == "text":
        return _("similar topics in their names and descriptions")
    if code == "size":
        return _("both %(size)s") % {"size": size_label(str(params.get("size", "")))}
    if code == "stage":
        return _stage_phrase(str(params.get("stage", "")))
    if code == "language":
        return _("both %(language)s") % {"language": _language_name(str(params.get("language", "")))}
    if code == "category":
        return _("both in the category %(category)s") % {"category": params.get("category", "")}
    return ""


def reasons_text(reasons: Sequence[Mapping[str, Any]]) -> list[str]:
    return [text for text in (reason_text(r) for r in reasons) if text]
