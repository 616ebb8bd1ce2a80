"""Reads of inspiration tandems for screens: suggestions, the coordinators' bulk list, tandems."""

from __future__ import annotations

from dataclasses import dataclass, field

from anyascii import anyascii
from django.contrib.postgres.lookups import Unaccent
from django.contrib.postgres.search import TrigramWordSimilarity
from django.db.models import Exists, F, OuterRef, Q, QuerySet, Value
from django.db.models.functions import Lower
from django.http import Http404

from communities.api import Community, Membership, community_ids_where, coordinator_reach, visible_communities
from intranet.core.pagination import Page, keyset_page
from intranet.core.permissions import require_visible
from intranet.core.viewer import Viewer

from . import scoring
from .models import PartnerCommunity, Tandem, TandemMeeting, TandemSuggestion
from .permissions import (
    can_propose_tandem,
    can_propose_tandems_in_bulk,
    can_view_tandem,
    can_view_tandem_suggestions,
    visible_tandems,
)

SUGGESTIONS_PER_COMMUNITY = 10
BULK_PAGE_SIZE = 30
TANDEM_PAGE_SIZE = 20
OPEN_STATES = [Tandem.State.PROPOSED, Tandem.State.ACTIVE]


@dataclass
class SuggestionRow:
    suggestion: TandemSuggestion
    reasons: list[str] = field(default_factory=list)
    can_propose: bool = False


def _open_tandem_between(community: str, other: str) -> Exists:
    """Whether the pair (two outer-ref names) has an open tandem, whichever side proposed it."""
    return Exists(
        Tandem.objects.filter(state__in=OPEN_STATES).filter(
            Q(community_id=OuterRef(community), other_community_id=OuterRef(other))
            | Q(community_id=OuterRef(other), other_community_id=OuterRef(community))
        )
    )


def _active_visible(viewer: Viewer) -> QuerySet[Community]:
    return visible_communities(viewer, Community.objects.filter(lifecycle=Community.Lifecycle.ACTIVE))


def suggestion_list_for_community(
    *, viewer: Viewer, community: Community, limit: int = SUGGESTIONS_PER_COMMUNITY
) -> list[SuggestionRow]:
    """The best suggested partners of ``community`` the viewer may see, without pairs that have an
    open tandem, each with its reasons as phrases. One query (plus the viewer's maps).
    ``Http404`` for viewers who may not see the community's suggestions."""
    require_visible(can_view_tandem_suggestions(viewer, community))
    rows = (
        TandemSuggestion.objects.filter(community=community, other__in=_active_visible(viewer))
        .exclude(_open_tandem_between("community_id", "other_id"))
        .select_related("other__category")
        .order_by("-score", "other_id")[:limit]
    )
    result = []
    for s in rows:
        s.community = community
        result.append(
            SuggestionRow(
                suggestion=s,
                reasons=scoring.reasons_text(s.reasons),
                can_propose=can_propose_tandem(viewer, community, s.other),
            )
        )
    return result


def suggestion_list_for_bulk(
    *, viewer: Viewer, cursor: str | None = None, page_size: int = BULK_PAGE_SIZE
) -> Page[TandemSuggestion]:
    """Suggested pairs across the communities a coordinator covers, best first, each pair once,
    without secret communities (a coordinator's proposal must not reveal one) and without pairs
    that have an open tandem. One query for the page; ``reason_texts`` set on every row."""
    require_visible(can_propose_tandems_in_bulk(viewer))
    reach = coordinator_reach(viewer)
    assert reach is not None
    listable = _active_visible(viewer).exclude(visibility=Community.Visibility.SECRET)
    qs = (
        TandemSuggestion.objects.filter(community__in=listable, other__in=listable)
        .filter(reach.q("community"))
        .filter(
            Q(community_id__lt=F("other_id")) | ~reach.q("other")
            if not reach.everything
            else Q(community_id__lt=F("other_id"))
        )
        .exclude(_open_tandem_between("community_id", "other_id"))
        .select_related("community__category", "other__category")
    )
    page: Page[TandemSuggestion] = keyset_page(qs, ordering=("-score", "-id"), cursor=cursor, page_size=page_size)
    for s in page.items:
        s.reason_texts = scoring.reasons_text(s.reasons)  # type: ignore[attr-defined]
    return page


def _tandem_queryset() -> QuerySet[Tandem]:
    return Tandem.objects.select_related(
        "community__category", "other_community__category", "partner__organisation", "proposed_by"
    )


def tandem_list_for_viewer(
    *, viewer: Viewer, state: str = "", cursor: str | None = None, page_size: int = TANDEM_PAGE_SIZE
) -> Page[Tandem]:
    """The tandems the viewer may see (their communities', or those they coordinate), newest
    proposal first, ``state`` narrowing ("open" for proposed and active). One query."""
    qs = visible_tandems(viewer, _tandem_queryset())
    if state == "open":
        qs = qs.filter(state__in=OPEN_STATES)
    elif state in Tandem.State.values:
        qs = qs.filter(state=state)
    page: Page[Tandem] = keyset_page(qs, ordering=("-proposed_at", "-id"), cursor=cursor, page_size=page_size)
    for tandem in page.items:
        tandem.reason_texts = scoring.reasons_text(tandem.reasons)  # type: ignore[attr-defined]
    return page


def tandem_get_for_viewer(*, viewer: Viewer, pk: int) -> Tandem:
    """One tandem with both sides loaded; ``Http404`` for missing and hidden alike (one query)."""
    tandem = _tandem_queryset().filter(pk=pk).first()
    if tandem is None:
        raise Http404
    require_visible(can_view_tandem(viewer, tandem))
    tandem.reason_texts = scoring.reasons_text(tandem.reasons)  # type: ignore[attr-defined]
    return tandem


def meeting_list_for_tandem(*, tandem: Tandem) -> list[TandemMeeting]:
    """The tandem's meetings, latest first, with who logged them (one query; caller checked access)."""
    return list(TandemMeeting.objects.filter(tandem=tandem).select_related("logged_by").order_by("-date", "-id"))


def partner_list_for_choice() -> list[PartnerCommunity]:
    """Partner communities for the proposal form, with their organisation (one query)."""
    return list(PartnerCommunity.objects.select_related("organisation").order_by("name", "id")[:500])


PARTNER_OPTIONS_SHOWN = 8
PARTNER_NAME_SIMILARITY = 0.4


def partner_list_matching(*, query: str, limit: int = PARTNER_OPTIONS_SHOWN) -> list[PartnerCommunity]:
    """Partner communities whose name or organisation's name matches ``query``, best match first
    (case-, accent- and typo-tolerant, like the console's merge search): the options of the
    proposal form's partner search. One query; none without a search."""
    term = " ".join(anyascii(query or "").lower().split())[:80]
    if not term:
        return []
    folded = Unaccent(Lower("name"))
    folded_organisation = Unaccent(Lower("organisation__name"))
    qs = PartnerCommunity.objects.annotate(
        similarity=TrigramWordSimilarity(Value(term), folded),  # type: ignore[arg-type]  # an expression works too
        folded_name=folded,
        folded_organisation=folded_organisation,
    ).filter(
        Q(folded_name__contains=term)
        | Q(folded_organisation__contains=term)
        | Q(similarity__gte=PARTNER_NAME_SIMILARITY)
    )
    return list(qs.select_related("organisation").order_by("-similarity", "name", "pk")[:limit])


def managed_community_list(*, viewer: Viewer) -> list[Community]:
    """Active communities the viewer runs (owner or manager), by name: their suggestion pages (one query)."""
    ids = community_ids_where(viewer, min_role=Membership.Role.MANAGER)
    if not ids:
        return []
    return list(Community.objects.filter(pk__in=ids, lifecycle=Community.Lifecycle.ACTIVE).order_by("name", "id")[:50])
