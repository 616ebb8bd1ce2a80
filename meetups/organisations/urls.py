"""URLs of organisations and people from outside (included by ``meetups.urls``)."""

from django.urls import URLPattern, path

from . import views

urlpatterns: list[URLPattern] = [
    path("organisations/", views.organisation_list, name="organisation_list"),
    path("organisations/new/", views.organisation_form, name="organisation_create"),
    path("organisations/<int:pk>/edit/", views.organisation_form, name="organisation_edit"),
    path("people/new/", views.person_form, name="person_create"),
    path("people/<int:pk>/edit/", views.person_form, name="person_edit"),
]
