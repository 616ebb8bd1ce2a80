"""Directory, community pages, settings and membership management."""

from django.urls import path  # noqa: F401

urlpatterns: list = []
