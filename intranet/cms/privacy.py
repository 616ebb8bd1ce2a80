"""The CMS pages hold editorial content of the company (the register, intranet/core/privacy.py).

Who created, owns or locked a page is recorded on Wagtail's own ``Page`` model, declared with the
other third-party models in ``intranet/privacy/privacy.py``.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from intranet.core.privacy import not_personal

from .models import ContentHomePage, GuideIndexPage, GuidePage, NewsIndexPage, NewsPage

for model in (ContentHomePage, NewsIndexPage, NewsPage, GuideIndexPage, GuidePage):
    not_personal(model, _("Editorial content published for the company; names no one by its fields."))
