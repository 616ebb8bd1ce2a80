"""URLs of peer-learning circles (in the ``training`` namespace)."""

from django.urls import path

from . import views

urlpatterns = [
    path("circles/", views.circle_list, name="circle_list"),
    path("circles/new/", views.circle_create_view, name="circle_create"),
    path("circles/<int:circle_id>/", views.circle_detail, name="circle_detail"),
    path("circles/<int:circle_id>/join/", views.circle_join_view, name="circle_join"),
    path("circles/<int:circle_id>/leave/", views.circle_leave_view, name="circle_leave"),
    path("circles/<int:circle_id>/start/", views.circle_start_view, name="circle_start"),
    path("circles/<int:circle_id>/check-in/", views.circle_checkin_view, name="circle_checkin"),
    path("circles/<int:circle_id>/retrospective/", views.circle_retrospective_view, name="circle_retrospective"),
    path("circles/<int:circle_id>/members/", views.circle_member_add_view, name="circle_member_add"),
    path(
        "circles/<int:circle_id>/members/<int:user_id>/remove/",
        views.circle_member_remove_view,
        name="circle_member_remove",
    ),
]
