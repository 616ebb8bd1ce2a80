"""People directory and profiles (app namespace ``accounts``)."""

from django.urls import path  # noqa: F401

app_name = "accounts"
urlpatterns: list = []
