"""URLs of the managers' network (included by ``meetups.urls``)."""

from django.urls import URLPattern, path

from . import views

urlpatterns: list[URLPattern] = [
    path("network/", views.network_directory, name="network_directory"),
    path("network/me/", views.network_profile_edit, name="network_profile"),
    # Handles may contain dots ("anna.mueller"), so they are matched as plain path segments.
    path("network/ask/<str:handle>/", views.network_ask, name="network_ask"),
]
