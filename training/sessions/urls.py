"""URLs of sessions and the calendar (in the ``training`` namespace)."""

from django.urls import path

from . import views

urlpatterns = [
    path("sessions/<int:session_id>/", views.session_detail, name="session_detail"),
    path("sessions/<int:session_id>/book/", views.session_book_view, name="session_book"),
    path("sessions/<int:session_id>/cancel-booking/", views.booking_cancel_view, name="booking_cancel"),
    path("sessions/<int:session_id>/calendar.ics", views.session_ics_view, name="session_ics"),
    path("calendar/", views.calendar_settings, name="calendar_settings"),
    path("calendar/<str:token>.ics", views.calendar_feed, name="calendar_feed"),
    path("manage/programmes/<int:programme_id>/sessions/new/", views.session_create_view, name="session_create"),
    path("manage/sessions/<int:session_id>/", views.manage_session, name="manage_session"),
    path("manage/sessions/<int:session_id>/edit/", views.session_edit_view, name="session_edit"),
    path("manage/sessions/<int:session_id>/attendance/", views.attendance_view, name="attendance_mark"),
    path("manage/sessions/<int:session_id>/cancel/", views.session_cancel_view, name="session_cancel"),
    path("manage/sessions/<int:session_id>/bookings.csv", views.bookings_csv, name="bookings_csv"),
]
