"""Reads of the managers' network: the directory of community managers and their profile cards.

A page of the directory costs a fixed number of queries whatever its length: the people (with
profile and network profile joined), then one batch each for their skills, the communities they
run, their certificates, their levels and the meetups they attend.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.http import Http404

from communities.api import (
    Category,
    Community,
    Membership,
    certificates_for,
    levels_for,
    managed_communities_for_users,
    visible_communities,
)
from intranet.accounts.models import TaggedSkill, User
from intranet.accounts.text import normalise_query
from intranet.core.pagination import Page, keyset_page
from intranet.core.viewer import Viewer
from meetups.events.selectors import meetups_attended_by_users

from .models import NetworkProfile
from .permissions import can_ask_for_advice, can_view_network

NETWORK_PAGE_SIZE = 20
MAX_QUERY_LENGTH = 100
MANAGER_ROLES = (Membership.Role.OWNER, Membership.Role.MANAGER)


@dataclass(frozen=True)
class NetworkFilters:
    query: str = ""  # name, skill or advice topic
    skill: str = ""  # skill slug
    language: str = ""  # a spoken language as people write it ("German")
    category: str = ""  # category slug of a community they run


@dataclass
class ManagerCard:
    """One person in the network directory, with everything the card shows (no lazy loads)."""

    user: User
    communities: list[Community] = field(default_factory=list)
    skills: list[str] = field(default_factory=list)
    languages: list[str] = field(default_factory=list)
    advice_topics: str = ""
    level: Any = None
    certificates: list[Any] = field(default_factory=list)
    meetups: list[Any] = field(default_factory=list)
    can_ask: bool = False


def _visible_run_communities(viewer: Viewer) -> QuerySet[Community]:
    return visible_communities(viewer, Community.objects.filter(lifecycle=Community.Lifecycle.ACTIVE))


def _language_variants(language: str) -> list[str]:
    language = " ".join(language.split())[:40]
    return sorted({language, language.lower(), language.title(), language.capitalize(), language.upper()})


def network_queryset(viewer: Viewer, filters: NetworkFilters) -> QuerySet[User]:
    """Active people who run (owner or manager) an active community the viewer may see, minus those
    who opted out; narrowed by the filters. No ordering, no page."""
    runs = Membership.objects.filter(
        user_id=OuterRef("pk"),
        state=Membership.State.ACTIVE,
        role__in=MANAGER_ROLES,
        community__in=_visible_run_communities(viewer),
    )
    if filters.category:
        runs = runs.filter(community__category__slug=filters.category)
    qs = (
        User.objects.filter(is_active=True)
        .filter(Exists(runs))
        .exclude(Exists(NetworkProfile.objects.filter(user_id=OuterRef("pk"), opted_out=True)))
        .select_related("profile", "network_profile")
    )
    term = " ".join(filters.query.split())[:MAX_QUERY_LENGTH]
    if term:
        skill_match = TaggedSkill.objects.filter(content_object_id=OuterRef("pk"), tag__name__icontains=term)
        qs = qs.filter(
            Q(search_name__contains=normalise_query(term))
            | Exists(skill_match)
            | Q(network_profile__advice_topics__icontains=term)
        )
    if filters.skill:
        qs = qs.filter(Exists(TaggedSkill.objects.filter(content_object_id=OuterRef("pk"), tag__slug=filters.skill)))
    if filters.language:
        qs = qs.filter(profile__languages__overlap=_language_variants(filters.language))
    return qs


def manager_list_for_network(
    *,
    viewer: Viewer,
    filters: NetworkFilters,
    cursor: str | None = None,
    page_size: int = NETWORK_PAGE_SIZE,
) -> tuple[Page[User], list[ManagerCard]]:
    """One keyset page (by name) of the managers' network, as cards.

    Six queries whatever the page length: people, skills, communities run (only those the viewer
    may see), certificates, levels and meetups attended; plus the viewer's role map and model
    permissions when not cached yet.
    ``Http404`` for viewers who may not browse the network; ``InvalidCursor`` for a foreign cursor.
    """
    if not can_view_network(viewer):
        raise Http404
    page: Page[User] = keyset_page(
        network_queryset(viewer, filters), ordering=("search_name", "id"), cursor=cursor, page_size=page_size
    )
    return page, manager_cards(viewer=viewer, users=page.items)


def manager_cards(*, viewer: Viewer, users: Sequence[User]) -> list[ManagerCard]:
    """Cards for ``users`` (profile and network profile already joined), with batched lookups."""
    ids = [u.pk for u in users]
    if not ids:
        return []
    skills: dict[int, list[str]] = {uid: [] for uid in ids}
    for object_id, name in (
        TaggedSkill.objects.filter(content_object_id__in=ids)
        .order_by("tag__name")
        .values_list("content_object_id", "tag__name")
    ):
        skills[object_id].append(name)
    communities = managed_communities_for_users(ids, visible_to=viewer)
    # Training fills the qualification registry; meetups never imports training.
    certificates = certificates_for(ids)
    levels = levels_for(ids)
    meetups = meetups_attended_by_users(ids)
    cards = []
    for user in users:
        profile = getattr(user, "profile", None)
        network = cached_network_profile(user)
        cards.append(
            ManagerCard(
                user=user,
                communities=communities.get(user.pk, []),
                skills=skills.get(user.pk, []),
                languages=list(profile.languages) if profile is not None else [],
                advice_topics=network.advice_topics if network is not None else "",
                level=levels.get(user.pk),
                certificates=list(certificates.get(user.pk, [])),
                meetups=list(meetups.get(user.pk, []))[:5],
                can_ask=can_ask_for_advice(viewer, user.pk, network),
            )
        )
    return cards


def cached_network_profile(user: User) -> NetworkProfile | None:
    try:
        return user.network_profile  # type: ignore[attr-defined, no-any-return]
    except NetworkProfile.DoesNotExist:
        return None


def network_categories() -> list[Category]:
    """Categories for the directory's filter menu (one query)."""
    return list(Category.objects.all())


def manager_get_for_advice(*, viewer: Viewer, handle: str) -> ManagerCard:
    """A listed manager the viewer may ask for advice, as a card; ``Http404`` for anyone else
    (unknown, not a manager of a community the viewer sees, opted out, or the viewer themself)."""
    if not can_view_network(viewer):
        raise Http404
    user = network_queryset(viewer, NetworkFilters()).filter(handle=handle).first()
    if user is None:
        raise Http404
    card = manager_cards(viewer=viewer, users=[user])[0]
    if not card.can_ask:
        raise Http404
    return card


def network_profile_for(viewer: Viewer) -> NetworkProfile:
    """The viewer's own network profile (an unsaved default when they have none); one query."""
    user_id = viewer.user_id
    if user_id is None:
        raise Http404
    profile = NetworkProfile.objects.filter(user_id=user_id).first()
    return profile or NetworkProfile(user_id=user_id)
