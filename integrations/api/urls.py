"""``/api/v1/`` (the API) and the token settings page (app namespace ``api_tokens``)."""

from django.urls import path

from . import views

app_name = "api_tokens"
urlpatterns = [
    path("", views.token_list, name="token_list"),
    path("<int:pk>/revoke/", views.token_revoke_view, name="token_revoke"),
]
