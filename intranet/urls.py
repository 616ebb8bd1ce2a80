from django.conf import settings
from django.contrib import admin
from django.urls import include, path, re_path
from django.utils.module_loading import import_string
from wagtail import urls as wagtail_urls
from wagtail.admin import urls as wagtailadmin_urls
from wagtail.documents import urls as wagtaildocs_urls

from communities.posts.views import feed as feed_views
from integrations.api.v1 import api as api_v1
from intranet.accounts import login_doors
from intranet.accounts.language_views import set_language
from intranet.core.media import media_urlpatterns

# The error pages (intranet/core/errors.py). A database outage raised outside a view still answers
# the 503 page (intranet/core/unavailable.py); allauth answers its rate limits with ``handler429``.
handler400 = "intranet.core.errors.bad_request"
handler403 = "intranet.core.errors.permission_denied"
handler404 = "intranet.core.errors.page_not_found"
handler429 = "intranet.core.errors.account_rate_limited"
handler500 = "intranet.core.unavailable.server_error"

urlpatterns = [
    # The home page is the personal feed (with the latest news beside it).
    path("", feed_views.feed, name="home"),
    path("", include("intranet.core.urls")),
    path("accounts/", include("intranet.accounts.auth_urls")),
    path("accounts/", include("allauth.urls")),
    path("people/", include("intranet.accounts.urls")),
    path("search/", include("intranet.search.urls")),
    path("notifications/", include("intranet.notifications.urls")),
    path("messages/", include("intranet.messaging.urls")),
    path("privacy/", include("intranet.privacy.urls")),
    path("", include("communities.urls")),
    path("training/", include("training.urls")),
    path("meetups/", include("meetups.urls")),
    path("scim/v2/", include("integrations.scim.urls")),
    path("api/v1/", api_v1.urls),
    path("settings/api-tokens/", include("integrations.api.urls")),
    path("integrations/webhooks/", include("integrations.webhooks.urls")),
    path("i18n/setlang/", set_language, name="set_language"),
    # One door (issue 17): the libraries' own sign-in and password pages hand over to allauth's, so
    # its rate limits, lockout and second-factor stage always apply. They shadow the URLs below.
    path("cms/login/", login_doors.cms_login),
    re_path(r"^cms/password_reset/", login_doors.password_reset),
    path("django-admin/login/", login_doors.admin_login),
    re_path(r"^django-admin/password_change/", login_doors.password_change),
    path("pages/_util/login/", login_doors.pages_login),
    path("cms/", include(wagtailadmin_urls)),
    path("documents/", include(wagtaildocs_urls)),
    path("django-admin/", admin.site.urls),
]

if settings.BENCHMARK:
    # ``make bench`` only: the benchmark's hooks are referenced from the composition root alone.
    urlpatterns.insert(0, path("bench/limit/", import_string("bench.hooks.limit"), name="bench_limit"))

# Development only: public uploads (avatars, covers, CMS images) from MEDIA_ROOT; attachments and
# other private files are never served here, only by their permission-checked views.
urlpatterns += media_urlpatterns()

# Wagtail serves the news and guide pages below /pages/; the employees' home is the platform's own.
urlpatterns += [path("pages/", include(wagtail_urls))]
