"""Reads of CMS content for the platform's own screens."""

from __future__ import annotations

from django.contrib.contenttypes.models import ContentType
from django.db.models import Exists, F, OuterRef
from django.db.models.lookups import StartsWith
from wagtail.models import Page, PageViewRestriction

from .models import GuideIndexPage, NewsIndexPage, NewsPage


def news_list_for_home(*, limit: int = 5) -> list[NewsPage]:
    """The latest live news pages, newest first, in one query.

    Pages behind a Wagtail view restriction (on themselves or an ancestor) are left out: the home
    page shows the same news to everyone, so it only lists what every signed-in employee may read.
    """
    # A restriction applies to its page and everything below it, i.e. to every path it prefixes.
    restricted = PageViewRestriction.objects.filter(StartsWith(OuterRef("path"), F("page__path")))
    news = NewsPage.objects.live().filter(~Exists(restricted)).defer("body").order_by("-date", "-page_ptr_id")
    return list(news[:limit])


def section_pages_for_home() -> dict[str, Page]:
    """The live news and guide index pages, keyed ``"news"`` and ``"guides"`` (one query).

    Plain ``Page`` rows suffice: the home page only needs their titles and URLs. Where an editor
    made several, the first in tree order wins.
    """
    kinds = {
        ContentType.objects.get_for_model(NewsIndexPage).pk: "news",
        ContentType.objects.get_for_model(GuideIndexPage).pk: "guides",
    }
    sections: dict[str, Page] = {}
    for page in Page.objects.live().filter(content_type_id__in=kinds).order_by("path"):
        sections.setdefault(kinds[page.content_type_id], page)
    return sections
