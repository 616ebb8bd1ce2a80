"""Privacy pages (app namespace ``privacy``)."""

from django.urls import path

from . import views

app_name = "privacy"
urlpatterns = [
    path("my-data/", views.my_data, name="my_data"),
    path("exports/<int:pk>/<str:token>/", views.export_download, name="export_download"),
    path("staff/exports/", views.staff_exports, name="staff_exports"),
    path("records/", views.records, name="records"),
    path("retention/", views.retention, name="retention"),
]
