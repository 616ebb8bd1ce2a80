"""URLs of the coordinator and trainer area (in the ``training`` namespace)."""

from django.urls import path

from . import views

urlpatterns = [
    path("manage/", views.manage_index, name="manage_index"),
    path("manage/programmes/<int:programme_id>/", views.manage_programme, name="manage_programme"),
    path("manage/programmes/<int:programme_id>/enrolments.csv", views.enrolments_csv, name="enrolments_csv"),
    path(
        "manage/programmes/<int:programme_id>/enrolments/<int:enrolment_id>/cohort/",
        views.enrolment_cohort_view,
        name="enrolment_cohort",
    ),
    path("manage/certified/", views.certified_view, name="certified"),
    path("manage/certified.csv", views.certified_csv, name="certified_csv"),
    path("manage/expiring/", views.expiring_view, name="expiring"),
    path("manage/stuck/", views.stuck_view, name="stuck"),
]
