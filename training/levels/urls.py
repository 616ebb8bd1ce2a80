"""URLs of career levels (in the ``training`` namespace)."""

from django.urls import path

from . import views

urlpatterns = [
    path("levels/", views.level_list, name="level_list"),
    path("levels/<int:level_id>/apply/", views.level_apply, name="level_apply"),
    path("levels/applications/", views.level_application_queue, name="level_application_queue"),
    path("levels/applications/<int:application_id>/", views.level_application_detail, name="level_application"),
    path(
        "levels/applications/<int:application_id>/withdraw/",
        views.level_application_withdraw_view,
        name="level_application_withdraw",
    ),
    path("levels/people/<str:handle>/", views.level_person, name="level_person"),
    path("manage/levels/", views.level_manage_list, name="level_manage_list"),
    path("manage/levels/new/", views.level_manage_edit, name="level_manage_create"),
    path("manage/levels/<int:level_id>/edit/", views.level_manage_edit, name="level_manage_edit"),
]
