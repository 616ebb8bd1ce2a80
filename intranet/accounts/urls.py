"""People directory and profiles (app namespace ``accounts``)."""

from django.urls import path

from . import views

app_name = "accounts"
urlpatterns = [
    path("", views.people_list, name="people_list"),
    path("me/edit/", views.profile_edit, name="profile_edit"),
    # "-" can never be a handle (handles neither start nor end with one), so this never hides a person.
    path("-/options/", views.person_options, name="person_options"),
    # Handles may contain dots ("anna.mueller"), so they are matched as plain path segments.
    path("<str:handle>/", views.profile_detail, name="profile_detail"),
    path("<str:handle>/edit/", views.profile_edit, name="profile_edit_for"),
    path("<str:handle>/follow/", views.follow_create, name="follow_create"),
    path("<str:handle>/unfollow/", views.follow_delete, name="follow_delete"),
]
