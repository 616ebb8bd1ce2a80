"""Reads for the people screens: the directory, a profile page and the directory's filter values."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

from django.contrib.postgres.search import TrigramWordSimilarity
from django.core.cache import cache
from django.db import connection, transaction
from django.db.models import (
    Count,
    Exists,
    FloatField,
    IntegerField,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Value,
)
from django.db.models.functions import Cast, Coalesce, Greatest
from django.http import Http404

from intranet.core.pagination import Page, keyset_page
from intranet.core.viewer import Viewer

from .models import Follow, Profile, Skill, TaggedSkill, User
from .permissions import visible_users
from .text import query_forms

DIRECTORY_PAGE_SIZE = 24
PICKER_LIMIT = 8
DIRECTORY_FACETS_CACHE_KEY = "accounts:directory-facets:v1"
DIRECTORY_FACETS_TIMEOUT = 10 * 60
MAX_QUERY_LENGTH = 100
# pg_trgm's default word-similarity threshold (0.6) drops ordinary typos in short names ("Fracois"
# 0.55, "Shmidt" 0.57); 0.5 keeps them while "Anna Muler" still leaves out "Anna Schmidt" (0.45).
# The threshold is a setting of the operator the GIN index answers, so it is set per transaction.
NAME_MATCH_THRESHOLD = 0.5
# The planner prices word_similarity() like a cheap operator and, for a common surname, prefers a
# sequential scan that computes it for every row: 200-400 ms at 100,000 people against 35-70 ms
# through the trigram index. With sequential scans off it falls back to walking the primary-key
# index with the same per-row filter, so plain index scans are switched off too: for the search's
# transaction only (the people query and the skills prefetch), leaving bitmap scans, of which the
# trigram index is the only one that can answer the name condition.
_NAME_SEARCH_SETTINGS = (
    "SELECT set_config('pg_trgm.word_similarity_threshold', %s, true), "
    "set_config('enable_seqscan', 'off', true), set_config('enable_indexscan', 'off', true)"
)


@dataclass(frozen=True)
class DirectoryFacets:
    """The values offered in the directory's filter menus."""

    departments: list[str] = field(default_factory=list)
    locations: list[str] = field(default_factory=list)
    skills: list[tuple[str, str]] = field(default_factory=list)  # (slug, name)


def _skill_prefetch() -> Prefetch:
    return Prefetch(
        "profile__taggedskill_set",
        queryset=TaggedSkill.objects.select_related("tag").order_by("tag__name"),
        to_attr="skill_links",
    )


def user_list_for_directory(
    *,
    viewer: Viewer,
    query: str = "",
    department: str = "",
    location: str = "",
    skill: str = "",
    cursor: str | None = None,
    page_size: int = DIRECTORY_PAGE_SIZE,
) -> Page[User]:
    """One page of the people directory: active people with their profile and skills.

    Without ``query`` people are listed by name; with it, by how well their name matches, typo- and
    accent-tolerant through the trigram index on ``search_name``. Costs two queries (people,
    skills) plus one that tunes the search's transaction. Raises ``InvalidCursor`` for a foreign
    cursor.
    """
    qs: QuerySet[User] = visible_users(viewer, User.objects.all())
    qs = qs.select_related("profile").prefetch_related(_skill_prefetch())
    if department:
        qs = qs.filter(profile__department=department)
    if location:
        qs = qs.filter(profile__location=location)
    if skill:
        qs = qs.filter(profile__skills__slug=skill)
    forms = query_forms(query[:MAX_QUERY_LENGTH])
    if not forms:
        return keyset_page(qs, ordering=("search_name", "id"), cursor=cursor, page_size=page_size)
    with name_search():
        return keyset_page(name_matches(qs, forms), ordering=("-similarity", "id"), cursor=cursor, page_size=page_size)


@contextmanager
def name_search() -> Iterator[None]:
    """The transaction a name search runs in, with the search's planner settings (one query).

    Every look-up of people by a typed name (the directory, the person picker, @mentions) runs its
    :func:`name_matches` queryset inside it, so all of them find the same people for the same text.
    """
    with transaction.atomic(savepoint=False):
        with connection.cursor() as sql:
            sql.execute(_NAME_SEARCH_SETTINGS, [str(NAME_MATCH_THRESHOLD)])
        yield


def name_matches(qs: QuerySet[User], forms: list[str], *, handles: str = "") -> QuerySet[User]:
    """``qs`` narrowed to people whose name matches one of the query ``forms`` (see
    :func:`~intranet.accounts.text.query_forms`), typo- and accent-tolerant through the trigram
    index on ``search_name``, annotated with ``similarity`` (the best form's). ``handles="exact"``
    also matches a handle typed in full (through the handle's unique index, so the search over
    everyone stays on indexes); ``handles="prefix"`` a handle starting with the text, for
    searches within a small set (the readers of a community). Evaluate inside
    :func:`name_search`, which sets the match threshold.
    """
    # word_similarity() returns a float4; as float8 the cursor's value survives the round trip
    # through Python exactly, so rows tied with a page's last row are neither lost nor repeated.
    scores = [Cast(TrigramWordSimilarity(form, "search_name"), FloatField()) for form in forms]
    similarity = scores[0] if len(scores) == 1 else Greatest(*scores)
    condition = Q()
    for form in forms:
        condition |= Q(search_name__trigram_word_similar=form)
        if handles == "exact":
            condition |= Q(handle=form)
        elif handles == "prefix":
            condition |= Q(handle__startswith=form)
    return qs.annotate(similarity=similarity).filter(condition)


def user_list_for_picker(
    *, viewer: Viewer, query: str, exclude_ids: Iterable[int] = (), limit: int = PICKER_LIMIT
) -> list[User]:
    """Up to ``limit`` people the viewer may see whose name (or handle) matches ``query``, best
    first, with their profile: the options of the person picker. Deactivated people never show.
    Two queries (the search's settings, the people); none for a blank query.
    """
    forms = query_forms(query.strip().lstrip("@")[:MAX_QUERY_LENGTH])
    if not forms:
        return []
    qs = visible_users(viewer, User.objects.all()).exclude(pk__in=list(exclude_ids)).select_related("profile")
    with name_search():
        return list(name_matches(qs, forms, handles="exact").order_by("-similarity", "search_name", "id")[:limit])


def users_for_choice(*, viewer: Viewer, tokens: Iterable[str]) -> tuple[list[User], list[str]]:
    """The people a form names by handle or e-mail address (case-insensitive), in the order given,
    and the tokens that name nobody the viewer may see (one query; none for no tokens).
    """
    wanted = [token.strip().lstrip("@") for token in tokens if token.strip().lstrip("@")]
    if not wanted:
        return [], []
    lowered = [token.lower() for token in wanted]
    found = list(
        visible_users(viewer, User.objects.all())
        # Handles and e-mail addresses are stored in lower case.
        .filter(Q(handle__in=lowered) | Q(email__in=lowered))
        .select_related("profile")
    )
    by_token: dict[str, User] = {}
    for person in found:
        by_token[person.handle.lower()] = person
        by_token[person.email.lower()] = person
    people: list[User] = []
    missing: list[str] = []
    for token, key in zip(wanted, lowered, strict=True):
        chosen = by_token.get(key)
        if chosen is None:
            missing.append(token)
        elif chosen not in people:
            people.append(chosen)
    return people, missing


def _profile_queryset(viewer: Viewer) -> QuerySet[User]:
    followers = (
        Follow.objects.filter(followee=OuterRef("pk")).order_by().values("followee").annotate(n=Count("id")).values("n")
    )
    following = (
        Follow.objects.filter(follower=OuterRef("pk")).order_by().values("follower").annotate(n=Count("id")).values("n")
    )
    qs = visible_users(viewer, User.objects.all()).select_related("profile").prefetch_related(_skill_prefetch())
    return qs.annotate(
        follower_count=Coalesce(Subquery(followers, output_field=IntegerField()), Value(0)),
        following_count=Coalesce(Subquery(following, output_field=IntegerField()), Value(0)),
        viewer_follows=Exists(Follow.objects.filter(followee=OuterRef("pk"), follower_id=viewer.user_id)),
    )


def user_get_for_profile(*, viewer: Viewer, handle: str) -> User:
    """The person behind ``handle`` for their profile page, with skills, follower and following
    counts and whether the viewer follows them (two queries). Raises ``Http404`` for unknown and
    deactivated people alike.
    """
    try:
        return _profile_queryset(viewer).get(handle=handle)
    except User.DoesNotExist:
        raise Http404 from None


def user_get_for_viewer(*, viewer: Viewer, handle: str) -> User:
    """The active person behind ``handle`` (one query), or ``Http404``."""
    try:
        return visible_users(viewer, User.objects.all()).get(handle=handle)
    except User.DoesNotExist:
        raise Http404 from None


def directory_facets() -> DirectoryFacets:
    """Departments, locations and skills of active people, cached for ten minutes."""
    cached = cache.get(DIRECTORY_FACETS_CACHE_KEY)
    if isinstance(cached, DirectoryFacets):
        return cached
    active = Profile.objects.filter(user__is_active=True)
    facets = DirectoryFacets(
        departments=list(
            active.exclude(department="").order_by("department").values_list("department", flat=True).distinct()
        ),
        locations=list(active.exclude(location="").order_by("location").values_list("location", flat=True).distinct()),
        skills=list(
            Skill.objects.filter(tagged_profiles__content_object__user__is_active=True)
            .order_by("name")
            .values_list("slug", "name")
            .distinct()[:500]
        ),
    )
    cache.set(DIRECTORY_FACETS_CACHE_KEY, facets, DIRECTORY_FACETS_TIMEOUT)
    return facets
