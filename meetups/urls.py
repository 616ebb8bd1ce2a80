"""URLs of the meetups app (namespace ``meetups``), mounted at ``/meetups/``."""

from django.urls import path  # noqa: F401

app_name = "meetups"
urlpatterns: list = []
