"""Posts, comments, reactions, attachments, mention autocomplete and Markdown preview."""

from django.urls import path  # noqa: F401

urlpatterns: list = []
