"""Operational endpoints of the kernel (health checks, CSP violation reports)."""

from django.urls import path

from . import health, security

app_name = "core"

urlpatterns = [
    path("healthz/live", health.live, name="health_live"),
    path("healthz/ready", health.ready, name="health_ready"),
    path("csp-report/", security.csp_report, name="csp_report"),
]
