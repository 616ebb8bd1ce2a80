from django.urls import path

from . import views

app_name = "webhooks"

urlpatterns = [
    path("", views.platform_list, name="platform_list"),
    path("new/", views.platform_create, name="platform_create"),
    path("communities/<slug:slug>/", views.community_list, name="community_list"),
    path("communities/<slug:slug>/new/", views.community_create, name="community_create"),
    path("<int:pk>/", views.subscription_detail, name="subscription_detail"),
    path("<int:pk>/edit/", views.subscription_edit, name="subscription_edit"),
    path("<int:pk>/delete/", views.subscription_delete, name="subscription_delete"),
    path("<int:pk>/test/", views.subscription_test, name="subscription_test"),
    path("<int:pk>/active/", views.subscription_toggle, name="subscription_toggle"),
    path("<int:pk>/secret/", views.subscription_rotate_secret, name="subscription_rotate_secret"),
]
