"""URLs for the test settings: the platform plus an OpenID Connect provider to log in against."""

from django.urls import include, path

from intranet.urls import handler500 as platform_handler500
from intranet.urls import urlpatterns as platform_urlpatterns

handler500 = platform_handler500

urlpatterns = [
    path("o/", include("oauth2_provider.urls", namespace="oauth2_provider")),
    *platform_urlpatterns,
]
