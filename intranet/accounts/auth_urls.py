"""Sign-in extras around django-allauth (invitations). Included before ``allauth.urls``."""

from django.urls import path  # noqa: F401

urlpatterns: list = []
