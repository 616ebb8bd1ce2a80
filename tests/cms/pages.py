"""Helpers that build CMS pages for tests through Wagtail's own tree API."""

from __future__ import annotations

import datetime as dt
from itertools import count

from django.utils import timezone
from wagtail.rich_text import RichText

from intranet.cms.models import GuideIndexPage, GuidePage, NewsIndexPage, NewsPage

_seq = count(1)


def add_news(
    index: NewsIndexPage,
    *,
    title: str | None = None,
    date: dt.date | None = None,
    intro: str = "A short summary.",
    live: bool = True,
) -> NewsPage:
    n = next(_seq)
    page = NewsPage(
        title=title or f"News item {n}",
        slug=f"news-item-{n}",
        date=date or timezone.localdate(),
        intro=intro,
        body=[("heading", "Details"), ("paragraph", RichText("<p>Body text.</p>"))],
        live=live,
    )
    index.add_child(instance=page)
    return page


def add_guide(index: GuideIndexPage, *, title: str, category: str = GuidePage.Category.GETTING_STARTED) -> GuidePage:
    n = next(_seq)
    page = GuidePage(
        title=title,
        slug=f"guide-{n}",
        category=category,
        intro="What this guide covers.",
        body=[("paragraph", RichText("<p>Step one.</p>"))],
    )
    index.add_child(instance=page)
    return page
