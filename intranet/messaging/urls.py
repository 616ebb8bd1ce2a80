"""Direct messages (app namespace ``messaging``), mounted at ``/messages/``."""

from django.urls import path

from . import views

app_name = "messaging"

urlpatterns = [
    path("", views.conversation_list, name="conversation_list"),
    path("new/", views.conversation_start, name="conversation_start"),
    path("badge/", views.unread_badge, name="badge"),
    path("people/", views.people_options, name="people_options"),
    # Handles may contain dots ("anna.mueller"), so they are matched as plain path segments.
    path("with/<str:handle>/", views.conversation_with, name="conversation_with"),
    path("block/<str:handle>/", views.block_toggle, name="block_toggle"),
    path("<int:pk>/", views.conversation_detail, name="conversation_detail"),
    path("<int:pk>/send/", views.message_create, name="message_create"),
    path("<int:pk>/leave/", views.conversation_leave, name="conversation_leave"),
    path("<int:pk>/messages/<int:message_id>/", views.message_fragment, name="message_fragment"),
]
