"""The platform's URLs with error handlers, plus a view that fails (for the 500 page's tests)."""

from django.http import HttpRequest, HttpResponse
from django.urls import path

from intranet.urls import handler400, handler403, handler404, handler429, handler500  # noqa: F401
from intranet.urls import urlpatterns as platform_urlpatterns


def broken(request: HttpRequest) -> HttpResponse:
    raise RuntimeError("a bug in a view")


urlpatterns = [path("broken/", broken), *platform_urlpatterns]
