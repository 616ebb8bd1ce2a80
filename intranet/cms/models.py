"""Wagtail page types: the content root, news and guides.

The tree is ``Root > ContentHomePage > (NewsIndexPage > NewsPage*, GuideIndexPage > GuidePage*)``;
Wagtail serves it below ``/pages/``. Every page needs a signed-in viewer (``wagtail_hooks``).
"""

from __future__ import annotations

from typing import Any

from django.db import models
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel
from wagtail.fields import StreamField
from wagtail.models import Page
from wagtail.search import index

from intranet.core.pagination import keyset_page

from .blocks import BodyBlock

NEWS_PAGE_SIZE = 10


class ContentHomePage(Page):
    """Root of the CMS site: an overview of its sections (the employees' home is ``/``)."""

    intro: models.TextField = models.TextField(_("introduction"), blank=True)

    content_panels = [*Page.content_panels, FieldPanel("intro")]
    parent_page_types = ["wagtailcore.Page"]
    subpage_types = ["cms.NewsIndexPage", "cms.GuideIndexPage"]
    max_count = 1

    class Meta:
        verbose_name = _("content home page")

    def get_context(self, request: HttpRequest, *args: Any, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context(request, *args, **kwargs)
        context["sections"] = list(self.get_children().live().specific().order_by("path"))
        return context


class NewsIndexPage(Page):
    intro: models.TextField = models.TextField(_("introduction"), blank=True)

    content_panels = [*Page.content_panels, FieldPanel("intro")]
    parent_page_types = ["cms.ContentHomePage"]
    subpage_types = ["cms.NewsPage"]
    icon_name = "newspaper"

    class Meta:
        verbose_name = _("news index page")

    def get_context(self, request: HttpRequest, *args: Any, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context(request, *args, **kwargs)
        news = NewsPage.objects.live().child_of(self).defer("body")
        page = keyset_page(
            news, ordering=("-date", "-page_ptr_id"), cursor=request.GET.get("after"), page_size=NEWS_PAGE_SIZE
        )
        context["news_page"] = page
        return context


class NewsPage(Page):
    date: models.DateField = models.DateField(_("date"), default=timezone.localdate)
    intro: models.TextField = models.TextField(
        _("introduction"), max_length=500, help_text=_("One or two sentences for lists.")
    )
    image: models.ForeignKey = models.ForeignKey(
        "wagtailimages.Image",
        verbose_name=_("image"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    body = StreamField(BodyBlock(), verbose_name=_("body"), blank=True)

    content_panels = [
        *Page.content_panels,
        FieldPanel("date"),
        FieldPanel("intro"),
        FieldPanel("image"),
        FieldPanel("body"),
    ]
    search_fields = [*Page.search_fields, index.SearchField("intro"), index.SearchField("body")]
    parent_page_types = ["cms.NewsIndexPage"]
    subpage_types: list[str] = []

    class Meta:
        verbose_name = _("news page")
        verbose_name_plural = _("news pages")
        indexes = [models.Index(fields=["-date", "-page_ptr"], name="cms_news_date_idx")]


class GuideIndexPage(Page):
    intro: models.TextField = models.TextField(_("introduction"), blank=True)

    content_panels = [*Page.content_panels, FieldPanel("intro")]
    parent_page_types = ["cms.ContentHomePage"]
    subpage_types = ["cms.GuidePage"]
    icon_name = "book"

    class Meta:
        verbose_name = _("guide index page")

    def get_context(self, request: HttpRequest, *args: Any, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context(request, *args, **kwargs)
        guides = GuidePage.objects.live().child_of(self).defer("body").order_by("title", "page_ptr_id")
        groups: dict[str, list[GuidePage]] = {}
        for guide in guides:
            groups.setdefault(guide.category, []).append(guide)
        # Categories in their declared order (getting started first), not alphabetically.
        context["guide_groups"] = [
            (label, groups[value]) for value, label in GuidePage.Category.choices if value in groups
        ]
        return context


class GuidePage(Page):
    class Category(models.TextChoices):
        GETTING_STARTED = "getting-started", _("Getting started")
        COMMUNITY_MANAGEMENT = "community-management", _("Community management")
        MODERATION = "moderation", _("Moderation")
        TOOLS = "tools", _("Tools and features")

    category: models.CharField = models.CharField(
        _("category"), max_length=40, choices=Category.choices, default=Category.GETTING_STARTED
    )
    intro: models.TextField = models.TextField(_("introduction"), max_length=500, blank=True)
    body = StreamField(BodyBlock(), verbose_name=_("body"), blank=True)

    content_panels = [*Page.content_panels, FieldPanel("category"), FieldPanel("intro"), FieldPanel("body")]
    search_fields = [
        *Page.search_fields,
        index.SearchField("intro"),
        index.SearchField("body"),
        index.FilterField("category"),
    ]
    parent_page_types = ["cms.GuideIndexPage"]
    subpage_types: list[str] = []

    class Meta:
        verbose_name = _("guide")
        verbose_name_plural = _("guides")
