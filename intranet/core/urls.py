"""Operational endpoints of the kernel (health checks)."""

from django.urls import path  # noqa: F401

urlpatterns: list = []
