"""Staff pages of erasure requests (included from ``accounts/auth_urls.py`` below ``/accounts/``)."""

from django.urls import path

from . import views

urlpatterns = [
    path("erasure/", views.erasure_list, name="account_erasures"),
    path("erasure/<int:pk>/", views.erasure_detail, name="account_erasure_detail"),
]
