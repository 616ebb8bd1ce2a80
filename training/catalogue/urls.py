"""URLs of the learner's training page and programme pages (in the ``training`` namespace)."""

from django.urls import path

from . import views

urlpatterns = [
    path("", views.index, name="index"),
    path("programmes/<int:programme_id>/", views.programme_detail, name="programme_detail"),
]
