"""URLs of the communities app's health screens (joined into ``communities.urls``)."""

from django.urls import path

from communities.health import views as health

urlpatterns = [
    path("communities/<slug:slug>/health/", health.community_health, name="community_health"),
    path(
        "communities/<slug:slug>/health/measured/",
        health.community_health_measures,
        name="community_health_measures",
    ),
    path("community-health/measured/", health.health_measures, name="health_measures"),
    path("community-health/recompute/", health.health_recompute, name="health_recompute"),
]
