"""URLs of certificates (in the ``training`` namespace)."""

from django.urls import path

from . import views

urlpatterns = [
    path("certificates/", views.certificate_lookup, name="certificate_lookup"),
    path("certificates/<str:code>/", views.certificate_verify, name="certificate_verify"),
    path("certificates/<str:code>/print/", views.certificate_print, name="certificate_print"),
    path("certificates/<str:code>/revoke/", views.certificate_revoke_view, name="certificate_revoke"),
]
