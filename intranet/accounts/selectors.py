"""Reads for the people screens: the directory, a profile page and the directory's filter values."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.contrib.postgres.search import TrigramWordSimilarity
from django.core.cache import cache
from django.db import connection, transaction
from django.db.models import Count, Exists, FloatField, IntegerField, OuterRef, Prefetch, QuerySet, Subquery, Value
from django.db.models.functions import Cast, Coalesce
from django.http import Http404

from intranet.core.pagination import Page, keyset_page
from intranet.core.viewer import Viewer

from .models import Follow, Profile, Skill, TaggedSkill, User
from .permissions import visible_users
from .text import normalise_query

DIRECTORY_PAGE_SIZE = 24
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
    term = normalise_query(query)[:MAX_QUERY_LENGTH]
    if not term:
        return keyset_page(qs, ordering=("search_name", "id"), cursor=cursor, page_size=page_size)
    # word_similarity() returns a float4; as float8 the cursor's value survives the round trip
    # through Python exactly, so rows tied with a page's last row are neither lost nor repeated.
    similarity = Cast(TrigramWordSimilarity(term, "search_name"), FloatField())
    qs = qs.annotate(similarity=similarity).filter(search_name__trigram_word_similar=term)
    with transaction.atomic(savepoint=False):
        with connection.cursor() as sql:
            sql.execute(_NAME_SEARCH_SETTINGS, [str(NAME_MATCH_THRESHOLD)])
        return keyset_page(qs, ordering=("-similarity", "id"), cursor=cursor, page_size=page_size)


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
