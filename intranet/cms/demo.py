"""Demo content for the CMS: the page tree, a few news pages and guides (idempotent).

``seed_demo`` calls :func:`seed`; tests call :func:`ensure_page_tree` for an empty tree.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any, TextIO

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from wagtail.coreutils import get_supported_content_language_variant
from wagtail.models import Locale, Page, Site
from wagtail.rich_text import RichText

from .models import ContentHomePage, GuideIndexPage, GuidePage, NewsIndexPage, NewsPage


@dataclass(frozen=True)
class PageTree:
    home: ContentHomePage
    news_index: NewsIndexPage
    guide_index: GuideIndexPage


def _publish(page: Page) -> None:
    page.save_revision().publish()


def _root() -> Page:
    """Wagtail's tree root. Its migrations create it; a flushed database (transactional tests) lacks it."""
    root = Page.get_first_root_node()
    if root is not None:
        return root
    Locale.objects.get_or_create(language_code=get_supported_content_language_variant(settings.LANGUAGE_CODE))
    return Page.add_root(instance=Page(title="Root", slug="root", live=True))


@transaction.atomic
def ensure_page_tree() -> PageTree:
    """Create (or find) ``Root > Intranet > News, Guides`` and point the default site at it."""
    root = _root()
    home = ContentHomePage.objects.first()
    if home is None:
        home = ContentHomePage(
            title="Intranet",
            slug="intranet",
            intro="Neuigkeiten und Leitfäden für alle Mitarbeitenden. News and guides for everyone.",
        )
        root.add_child(instance=home)
        _publish(home)

    site = Site.objects.filter(is_default_site=True).first()
    if site is None:
        Site.objects.create(hostname="localhost", port=80, root_page=home, is_default_site=True, site_name="Intranet")
    elif site.root_page_id != home.pk:
        previous = site.root_page
        site.root_page = home
        site.site_name = site.site_name or "Intranet"
        site.save()
        # Wagtail's stock "Welcome to your new Wagtail site!" page is useless once replaced.
        if previous.content_type.model_class() is Page and previous.is_leaf():
            previous.delete()

    news_index = NewsIndexPage.objects.child_of(home).first()
    if news_index is None:
        news_index = NewsIndexPage(
            title="News", slug="news", intro="Aktuelles aus dem Unternehmen. What is new across the company."
        )
        home.add_child(instance=news_index)
        _publish(news_index)

    guide_index = GuideIndexPage.objects.child_of(home).first()
    if guide_index is None:
        guide_index = GuideIndexPage(
            title="Guides",
            slug="guides",
            intro="Leitfäden für Community-Manager. Guides for community managers and members.",
        )
        home.add_child(instance=guide_index)
        _publish(guide_index)
    return PageTree(home=home, news_index=news_index, guide_index=guide_index)


@dataclass(frozen=True)
class NewsSeed:
    slug: str
    title: str
    days_ago: int
    intro: str
    body: list[tuple[str, Any]]


@dataclass(frozen=True)
class GuideSeed:
    slug: str
    title: str
    category: str
    intro: str
    body: list[tuple[str, Any]]


def _p(*paragraphs: str) -> RichText:
    return RichText("".join(f"<p>{text}</p>" for text in paragraphs))


NEWS: list[NewsSeed] = [
    NewsSeed(
        slug="willkommen-im-neuen-intranet",
        title="Willkommen im neuen Intranet",
        days_ago=0,
        intro="Ab heute finden alle Mitarbeitenden Communities, Neuigkeiten und Kolleginnen und Kollegen an einem Ort.",
        body=[
            ("paragraph", _p("Das neue Intranet ersetzt die bisherigen Teamseiten und Verteiler.")),
            ("heading", "Was ist neu?"),
            ("paragraph", _p("Communities, ein persönlicher Feed und ein Personenverzeichnis mit Fähigkeiten.")),
            ("callout", {"kind": "info", "text": _p("Ergänzen Sie Ihr Profil, damit andere Sie finden.")}),
        ],
    ),
    NewsSeed(
        slug="community-manager-meetup-spring",
        title="Community manager meetup: registration is open",
        days_ago=2,
        intro="Meet community managers from all sites, share what works and plan joint activities.",
        body=[
            ("paragraph", _p("The next meetup brings together community managers from every location.")),
            ("quote", "The best ideas come from people who run communities every day."),
        ],
    ),
    NewsSeed(
        slug="neue-schulungen-moderation",
        title="Neue Schulungen zur Moderation",
        days_ago=5,
        intro="Das Koordinationsteam bietet ab nächsten Monat Grundlagen- und Aufbaukurse zur Moderation an.",
        body=[
            ("paragraph", _p("Die Kurse bereiten auf die Zertifizierung als Community-Manager vor.")),
        ],
    ),
    NewsSeed(
        slug="two-factor-sign-in",
        title="Protect your account with two-factor sign-in",
        days_ago=9,
        intro="Add an authenticator app to your account in two minutes; recovery codes keep you covered.",
        body=[
            ("heading", "How to set it up"),
            ("paragraph", _p("Open the user menu, choose Security and follow the steps.")),
            ("callout", {"kind": "warning", "text": _p("Store your recovery codes somewhere safe.")}),
        ],
    ),
]

GUIDES: list[GuideSeed] = [
    GuideSeed(
        slug="erste-schritte",
        title="Erste Schritte im Intranet",
        category=GuidePage.Category.GETTING_STARTED,
        intro="Profil anlegen, Communities finden und den eigenen Feed einrichten.",
        body=[
            ("heading", "Ihr Profil"),
            ("paragraph", _p("Tragen Sie Abteilung, Standort und Fähigkeiten ein.")),
            ("heading", "Communities finden"),
            ("paragraph", _p("Stöbern Sie im Verzeichnis und treten Sie offenen Communities direkt bei.")),
        ],
    ),
    GuideSeed(
        slug="starting-a-community",
        title="Starting a community",
        category=GuidePage.Category.COMMUNITY_MANAGEMENT,
        intro="From the first idea to a lively community: purpose, roles and the first weeks.",
        body=[
            ("paragraph", _p("Write down why the community exists and who it is for.")),
            ("callout", {"kind": "success", "text": _p("Invite five people before you announce it.")}),
        ],
    ),
    GuideSeed(
        slug="moderating-discussions",
        title="Moderating discussions",
        category=GuidePage.Category.MODERATION,
        intro="How to keep discussions friendly and useful, and when to step in.",
        body=[
            ("paragraph", _p("Moderators hide posts that break the rules and explain why.")),
        ],
    ),
]


@transaction.atomic
def seed(*, stdout: TextIO) -> None:
    """Create the page tree, four news pages and three guides unless they exist already."""
    tree = ensure_page_tree()
    today = timezone.localdate()
    created = 0
    for item in NEWS:
        if NewsPage.objects.child_of(tree.news_index).filter(slug=item.slug).exists():
            continue
        news = NewsPage(
            title=item.title,
            slug=item.slug,
            date=today - dt.timedelta(days=item.days_ago),
            intro=item.intro,
            body=item.body,
        )
        tree.news_index.add_child(instance=news)
        _publish(news)
        created += 1
    for guide_seed in GUIDES:
        if GuidePage.objects.child_of(tree.guide_index).filter(slug=guide_seed.slug).exists():
            continue
        guide = GuidePage(
            title=guide_seed.title,
            slug=guide_seed.slug,
            category=guide_seed.category,
            intro=guide_seed.intro,
            body=guide_seed.body,
        )
        tree.guide_index.add_child(instance=guide)
        _publish(guide)
        created += 1
    stdout.write(f"cms: page tree ready, {created} pages created\n")
