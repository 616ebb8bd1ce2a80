"""Operational endpoints of the kernel (health checks)."""

from django.urls import path

from . import health

app_name = "core"

urlpatterns = [
    path("healthz/live", health.live, name="health_live"),
    path("healthz/ready", health.ready, name="health_ready"),
]
