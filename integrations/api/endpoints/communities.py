"""Communities (directory, detail, create, settings) and memberships (join, request, leave,
decide, roles): the same selectors and services as the community pages."""

from __future__ import annotations

from typing import Annotated, Any

from django.core.exceptions import ValidationError
from django.http import HttpRequest
from ninja import Field as NField
from ninja import Path, Query, Router, Schema, Status

from communities.core.selectors import (
    DirectoryFilters,
    DirectorySort,
    community_get_for_viewer,
    community_list_for_directory,
    membership_get_for_community,
)
from communities.core.services.community import community_create, community_update
from communities.core.services.membership import (
    membership_approve,
    membership_change_role,
    membership_decline,
    membership_join,
    membership_leave,
    membership_request,
)
from communities.models import Category, Community

from ..auth import READ, WRITE
from ..conditional import check_if_match
from ..idempotency import run_idempotent
from ..problems import COMMON_ERRORS, Problem
from ..schemas import (
    CommunityIn,
    CommunityOut,
    CommunityPage,
    CommunityPatch,
    Cursor,
    DecisionIn,
    Id,
    MembershipOut,
    MembershipRequestIn,
    RoleIn,
    Slug,
    Text,
)

router = Router(tags=["communities"])


class DirectoryQuery(Schema):
    q: Annotated[Text, NField(max_length=200)] = ""
    category: Annotated[str, NField(pattern=r"^[-a-zA-Z0-9_]*$", max_length=80)] = ""
    language: Annotated[str, NField(pattern=r"^[a-z]{0,5}$")] = ""
    official: bool = False
    mine: bool = False
    visibility: Annotated[str, NField(pattern=r"^(|public|private|secret)$")] = ""
    sort: Annotated[str, NField(pattern=r"^(activity|members|newest|name)$")] = DirectorySort.ACTIVITY
    cursor: Cursor | None = None
    limit: Annotated[int, NField(ge=1, le=100)] = 20


def _category(slug: str | None) -> Category | None:
    if not slug:
        return None
    category = Category.objects.filter(slug=slug).first()
    if category is None:
        raise ValidationError({"category": ["Unknown category."]})
    return category


@router.get("/communities", response={200: CommunityPage, **COMMON_ERRORS}, auth=READ, summary="Community directory")
def community_directory(request: HttpRequest, filters: Query[DirectoryQuery]) -> Any:
    """The directory with the same filters as the page, one keyset page at a time."""
    page = community_list_for_directory(
        viewer=request.viewer,  # type: ignore[attr-defined]
        filters=DirectoryFilters(
            query=filters.q,
            category=filters.category,
            language=filters.language,
            official=filters.official,
            mine=filters.mine,
            visibility=filters.visibility,
            sort=filters.sort,
        ),
        cursor=filters.cursor,
        page_size=filters.limit,
    )
    return CommunityPage(items=[CommunityOut.of(c) for c in page.items], next_cursor=page.next_cursor)


@router.post("/communities", response={201: CommunityOut, **COMMON_ERRORS}, auth=WRITE, summary="Create a community")
def community_create_endpoint(request: HttpRequest, data: CommunityIn) -> Any:
    def create() -> CommunityOut:
        community = community_create(
            actor=request.viewer,  # type: ignore[attr-defined]
            name=data.name,
            slug=data.slug,
            description=data.description,
            purpose=data.purpose,
            category=_category(data.category),
            tags=data.tags,
            language=data.language,
            visibility=data.visibility,
            join_policy=data.join_policy,
        )
        return CommunityOut.of(community)

    return run_idempotent(request, create)


@router.get("/communities/{slug}", response={200: CommunityOut, **COMMON_ERRORS}, auth=READ, summary="One community")
def community_detail(request: HttpRequest, slug: Path[Slug]) -> Any:
    return CommunityOut.of(community_get_for_viewer(request.viewer, slug))  # type: ignore[attr-defined]


@router.patch(
    "/communities/{slug}", response={200: CommunityOut, 412: Problem, **COMMON_ERRORS}, auth=WRITE, summary="Settings"
)
def community_settings(request: HttpRequest, slug: Path[Slug], data: CommunityPatch) -> Any:
    """Change the settings (managers and owners, coordinators); ``If-Match`` guards lost updates."""
    viewer = request.viewer  # type: ignore[attr-defined]
    community = community_get_for_viewer(viewer, slug)
    check_if_match(request, CommunityOut.of(community))
    changes: dict[str, Any] = {k: v for k, v in data.model_dump(exclude_unset=True).items() if v is not None}
    if "category" in changes:
        changes["category"] = _category(changes["category"])
    updated = community_update(actor=viewer, community=community, **changes)
    return CommunityOut.of(updated)


# Memberships -------------------------------------------------------------------------------------


def _community_for_action(request: HttpRequest, slug: str) -> Community:
    return community_get_for_viewer(request.viewer, slug)  # type: ignore[attr-defined]


@router.post(
    "/communities/{slug}/membership",
    response={201: MembershipOut, 409: Problem, **COMMON_ERRORS},
    auth=WRITE,
    summary="Join, or ask to join",
)
def membership_enter(request: HttpRequest, slug: Path[Slug], data: MembershipRequestIn) -> Any:
    """Join an open community, or send a join request where the community decides (``message``)."""
    viewer = request.viewer  # type: ignore[attr-defined]
    community = _community_for_action(request, slug)
    if community.join_policy == Community.JoinPolicy.REQUEST:
        membership = membership_request(actor=viewer, community=community, message=data.message)
    else:
        membership = membership_join(actor=viewer, community=community)
    membership.user = viewer.user
    return Status(201, MembershipOut.of(membership, community))


@router.delete(
    "/communities/{slug}/membership", response={204: None, 409: Problem, **COMMON_ERRORS}, auth=WRITE, summary="Leave"
)
def membership_exit(request: HttpRequest, slug: Path[Slug]) -> Any:
    membership_leave(actor=request.viewer, community=_community_for_action(request, slug))  # type: ignore[attr-defined]
    return Status(204, None)


@router.post(
    "/communities/{slug}/memberships/{membership_id}/decision",
    response={200: MembershipOut, 409: Problem, **COMMON_ERRORS},
    auth=WRITE,
    summary="Approve or decline a join request",
)
def membership_decide(request: HttpRequest, slug: Path[Slug], membership_id: Path[Id], data: DecisionIn) -> Any:
    viewer = request.viewer  # type: ignore[attr-defined]
    community = _community_for_action(request, slug)
    membership = membership_get_for_community(community=community, membership_id=membership_id)
    decide = membership_approve if data.approve else membership_decline
    decided = decide(actor=viewer, membership=membership, message=data.message)
    return MembershipOut.of(decided, community)


@router.put(
    "/communities/{slug}/memberships/{membership_id}/role",
    response={200: MembershipOut, 409: Problem, **COMMON_ERRORS},
    auth=WRITE,
    summary="Change a member's role",
)
def membership_role(request: HttpRequest, slug: Path[Slug], membership_id: Path[Id], data: RoleIn) -> Any:
    viewer = request.viewer  # type: ignore[attr-defined]
    community = _community_for_action(request, slug)
    membership = membership_get_for_community(community=community, membership_id=membership_id)
    changed = membership_change_role(actor=viewer, membership=membership, role=data.role)
    return MembershipOut.of(changed, community)
