"""URLs of programmes (in the ``training`` namespace)."""

from django.urls import path

from . import views

urlpatterns = [
    path("programmes/<int:programme_id>/enrol/", views.programme_enrol, name="programme_enrol"),
    path("programmes/<int:programme_id>/steps/<int:step_id>/", views.step_detail, name="step_detail"),
    path("programmes/<int:programme_id>/steps/<int:step_id>/done/", views.step_done, name="step_done"),
    path("programmes/<int:programme_id>/steps/<int:step_id>/submit/", views.step_submit, name="step_submit"),
    path("manage/programmes/new/", views.programme_create_view, name="programme_create"),
    path("manage/programmes/<int:programme_id>/edit/", views.programme_edit_view, name="programme_edit"),
    path("manage/programmes/<int:programme_id>/steps/new/", views.step_edit_view, name="step_create"),
    path("manage/programmes/<int:programme_id>/steps/<int:step_id>/edit/", views.step_edit_view, name="step_edit"),
    path("manage/exercises/<int:progress_id>/accept/", views.exercise_accept_view, name="exercise_accept"),
]
