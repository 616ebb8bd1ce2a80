"""URLs of the training app (namespace ``training``), mounted at ``/training/``: one module per feature."""

from django.urls import include, path

app_name = "training"

urlpatterns = [
    path("", include("training.catalogue.urls")),
    path("", include("training.programmes.urls")),
    path("", include("training.sessions.urls")),
    path("", include("training.certificates.urls")),
    path("", include("training.manage.urls")),
    path("", include("training.exams.urls")),
    path("", include("training.levels.urls")),
    path("", include("training.circles.urls")),
]
