"""URLs of the communities app's canvas screens (joined into ``communities.urls``)."""

from django.urls import path  # noqa: F401

urlpatterns: list = []
