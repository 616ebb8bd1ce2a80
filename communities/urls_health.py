"""URLs of the communities app's health screens (joined into ``communities.urls``)."""

from django.urls import path  # noqa: F401

urlpatterns: list = []
