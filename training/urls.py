"""URLs of the training app (namespace ``training``), mounted at ``/training/``."""

from django.urls import path  # noqa: F401

app_name = "training"
urlpatterns: list = []
