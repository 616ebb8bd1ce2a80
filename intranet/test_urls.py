"""URLs for the test settings: the platform plus an OpenID Connect provider to log in against."""

from django.urls import include, path

from intranet.urls import handler400, handler403, handler404, handler429, handler500  # noqa: F401 (the same pages)
from intranet.urls import urlpatterns as platform_urlpatterns

urlpatterns = [
    path("o/", include("oauth2_provider.urls", namespace="oauth2_provider")),
    *platform_urlpatterns,
]
