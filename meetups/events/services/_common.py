"""Helpers shared by the meetup services."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.core.exceptions import ValidationError
from django.db.models.functions import Lower
from django.utils.translation import gettext as _

from intranet.core.markdown import render_markdown

from ..models import MeetupTag

MAX_TAGS = 12
TAG_MAX_LENGTH = 50


class _Unset:
    def __repr__(self) -> str:
        return "UNSET"


#: Marks an argument the caller did not pass (so ``None`` can mean "clear it").
UNSET: Any = _Unset()


def is_set(value: Any) -> bool:
    return value is not UNSET


def render(source: str) -> str:
    """Sanitized HTML for user Markdown (no mentions in meetup texts)."""
    return render_markdown(source).html if source.strip() else ""


def clean_tags(tags: Iterable[str]) -> list[str]:
    """Trimmed, de-duplicated (case-insensitively) topic names, spelled like existing ones (one query)."""
    names: dict[str, str] = {}
    for raw in tags:
        name = " ".join(str(raw).split()).strip(",;#")
        if not name:
            continue
        if len(name) > TAG_MAX_LENGTH:
            raise ValidationError(
                {"tags": _("A topic may have at most %(max)d characters.") % {"max": TAG_MAX_LENGTH}},
                code="tag_length",
            )
        names.setdefault(name.lower(), name)
    if len(names) > MAX_TAGS:
        raise ValidationError({"tags": _("Use at most %(max)d topics.") % {"max": MAX_TAGS}}, code="too_many_tags")
    if names:
        existing = MeetupTag.objects.annotate(lower_name=Lower("name")).filter(lower_name__in=list(names))
        for tag in existing:
            names[tag.lower_name] = tag.name  # type: ignore[attr-defined]
    return list(names.values())
