"""People: the directory search and a profile, through the people pages' selectors."""

from __future__ import annotations

from typing import Annotated, Any

from django.http import HttpRequest
from ninja import Field as NField
from ninja import Path, Query, Router, Schema

from intranet.accounts.selectors import user_get_for_profile, user_list_for_directory

from ..auth import READ
from ..problems import COMMON_ERRORS
from ..schemas import Cursor, Text

router = Router(tags=["people"])

Handle = Annotated[str, NField(pattern=r"^[a-z0-9][-a-z0-9._]*$", max_length=150)]


class PersonOut(Schema):
    handle: str
    name: str
    job_title: str
    department: str
    location: str
    skills: list[str]
    url: str


class PersonDetailOut(PersonOut):
    bio: str
    languages: list[str]
    follower_count: int
    following_count: int


class PeoplePage(Schema):
    items: list[PersonOut]
    next_cursor: str | None


class PeopleQuery(Schema):
    q: Annotated[Text, NField(max_length=100)] = ""
    department: Annotated[Text, NField(max_length=150)] = ""
    location: Annotated[Text, NField(max_length=150)] = ""
    skill: Annotated[str, NField(pattern=r"^[-a-zA-Z0-9_]*$", max_length=100)] = ""
    cursor: Cursor | None = None
    limit: Annotated[int, NField(ge=1, le=100)] = 20


def _person(user: Any, *, detail: bool = False) -> PersonOut:
    profile = getattr(user, "profile", None)
    fields: dict[str, Any] = {
        "handle": user.handle,
        "name": user.display_name,
        "job_title": profile.job_title if profile else "",
        "department": profile.department if profile else "",
        "location": profile.location if profile else "",
        "skills": [link.tag.name for link in getattr(profile, "skill_links", [])] if profile else [],
        "url": f"/people/{user.handle}/",
    }
    if detail:
        return PersonDetailOut(
            **fields,
            bio=profile.bio if profile else "",
            languages=list(profile.languages) if profile else [],
            follower_count=user.follower_count,
            following_count=user.following_count,
        )
    return PersonOut(**fields)


@router.get("/people", response={200: PeoplePage, **COMMON_ERRORS}, auth=READ, summary="Find people")
def people_search(request: HttpRequest, params: Query[PeopleQuery]) -> Any:
    """The people directory: by name (typo-tolerant), department, location and skill."""
    page = user_list_for_directory(
        viewer=request.viewer,  # type: ignore[attr-defined]
        query=params.q,
        department=params.department,
        location=params.location,
        skill=params.skill,
        cursor=params.cursor,
        page_size=params.limit,
    )
    return PeoplePage(items=[_person(u) for u in page.items], next_cursor=page.next_cursor)


@router.get("/people/{handle}", response={200: PersonDetailOut, **COMMON_ERRORS}, auth=READ, summary="A profile")
def person_detail(request: HttpRequest, handle: Path[Handle]) -> Any:
    return _person(user_get_for_profile(viewer=request.viewer, handle=handle), detail=True)  # type: ignore[attr-defined]
