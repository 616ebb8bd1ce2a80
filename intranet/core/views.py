from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from intranet.cms.selectors import news_list_for_home, section_pages_for_home

HOME_NEWS_LIMIT = 5


@login_required
def home(request: HttpRequest) -> HttpResponse:
    """The employees' start page: a welcome, the latest news and (later) the personal feed."""
    sections = section_pages_for_home()
    return render(
        request,
        "core/home.html",
        {
            "news": news_list_for_home(limit=HOME_NEWS_LIMIT),
            "news_index": sections.get("news"),
            "guide_index": sections.get("guides"),
        },
    )
