"""URLs of the meetups app (namespace ``meetups``), mounted at ``/meetups/``: each feature's routes."""

from django.urls import URLPattern

from meetups.events import urls as events_urls
from meetups.network import urls as network_urls
from meetups.organisations import urls as organisations_urls
from meetups.tandems import urls as tandems_urls

app_name = "meetups"
urlpatterns: list[URLPattern] = [
    *network_urls.urlpatterns,
    *tandems_urls.urlpatterns,
    *events_urls.urlpatterns,
    *organisations_urls.urlpatterns,
]
