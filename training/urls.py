"""URLs of the training app (namespace ``training``), mounted at ``/training/``."""

from django.urls import path

from . import views_learner as learner
from . import views_manage as manage

app_name = "training"

# Programmes, sessions and certificates ----------------------------------------------------
urlpatterns: list = [
    path("", learner.index, name="index"),
    path("programmes/<int:programme_id>/", learner.programme_detail, name="programme_detail"),
    path("programmes/<int:programme_id>/enrol/", learner.programme_enrol, name="programme_enrol"),
    path("programmes/<int:programme_id>/steps/<int:step_id>/", learner.step_detail, name="step_detail"),
    path("programmes/<int:programme_id>/steps/<int:step_id>/done/", learner.step_done, name="step_done"),
    path("programmes/<int:programme_id>/steps/<int:step_id>/submit/", learner.step_submit, name="step_submit"),
    path("sessions/<int:session_id>/", learner.session_detail, name="session_detail"),
    path("sessions/<int:session_id>/book/", learner.session_book_view, name="session_book"),
    path("sessions/<int:session_id>/cancel-booking/", learner.booking_cancel_view, name="booking_cancel"),
    path("sessions/<int:session_id>/calendar.ics", learner.session_ics_view, name="session_ics"),
    path("calendar/", learner.calendar_settings, name="calendar_settings"),
    path("calendar/<str:token>.ics", learner.calendar_feed, name="calendar_feed"),
    path("certificates/", learner.certificate_lookup, name="certificate_lookup"),
    path("certificates/<str:code>/", learner.certificate_verify, name="certificate_verify"),
    path("certificates/<str:code>/print/", learner.certificate_print, name="certificate_print"),
    path("certificates/<str:code>/revoke/", manage.certificate_revoke_view, name="certificate_revoke"),
    path("manage/", manage.manage_index, name="manage_index"),
    path("manage/programmes/new/", manage.programme_create_view, name="programme_create"),
    path("manage/programmes/<int:programme_id>/", manage.manage_programme, name="manage_programme"),
    path("manage/programmes/<int:programme_id>/edit/", manage.programme_edit_view, name="programme_edit"),
    path("manage/programmes/<int:programme_id>/enrolments.csv", manage.enrolments_csv, name="enrolments_csv"),
    path(
        "manage/programmes/<int:programme_id>/enrolments/<int:enrolment_id>/cohort/",
        manage.enrolment_cohort_view,
        name="enrolment_cohort",
    ),
    path("manage/programmes/<int:programme_id>/steps/new/", manage.step_edit_view, name="step_create"),
    path("manage/programmes/<int:programme_id>/steps/<int:step_id>/edit/", manage.step_edit_view, name="step_edit"),
    path("manage/programmes/<int:programme_id>/sessions/new/", manage.session_create_view, name="session_create"),
    path("manage/exercises/<int:progress_id>/accept/", manage.exercise_accept_view, name="exercise_accept"),
    path("manage/sessions/<int:session_id>/", manage.manage_session, name="manage_session"),
    path("manage/sessions/<int:session_id>/edit/", manage.session_edit_view, name="session_edit"),
    path("manage/sessions/<int:session_id>/attendance/", manage.attendance_view, name="attendance_mark"),
    path("manage/sessions/<int:session_id>/cancel/", manage.session_cancel_view, name="session_cancel"),
    path("manage/sessions/<int:session_id>/bookings.csv", manage.bookings_csv, name="bookings_csv"),
    path("manage/certified/", manage.certified_view, name="certified"),
    path("manage/certified.csv", manage.certified_csv, name="certified_csv"),
    path("manage/expiring/", manage.expiring_view, name="expiring"),
    path("manage/stuck/", manage.stuck_view, name="stuck"),
]

# Exams, levels and circles ---------------------------------------------------------------
from . import views_circles as circles  # noqa: E402
from . import views_exams as exams  # noqa: E402
from . import views_levels as levels  # noqa: E402

urlpatterns += [
    path("exams/", exams.exam_list, name="exam_list"),
    path("exams/<int:exam_id>/", exams.exam_detail, name="exam_detail"),
    path("exams/<int:exam_id>/start/", exams.exam_start, name="exam_start"),
    path("attempts/<int:attempt_id>/", exams.attempt_detail, name="attempt_detail"),
    path("attempts/<int:attempt_id>/answer/", exams.attempt_answer, name="attempt_answer"),
    path("attempts/<int:attempt_id>/review/", exams.attempt_review, name="attempt_review"),
    path("grading/", exams.grading_queue, name="grading_queue"),
    path("grading/<int:answer_id>/", exams.answer_grade_view, name="answer_grade"),
    path("levels/", levels.level_list, name="level_list"),
    path("levels/<int:level_id>/apply/", levels.level_apply, name="level_apply"),
    path("levels/applications/", levels.level_application_queue, name="level_application_queue"),
    path("levels/applications/<int:application_id>/", levels.level_application_detail, name="level_application"),
    path(
        "levels/applications/<int:application_id>/withdraw/",
        levels.level_application_withdraw_view,
        name="level_application_withdraw",
    ),
    path("levels/people/<str:handle>/", levels.level_person, name="level_person"),
    path("circles/", circles.circle_list, name="circle_list"),
    path("circles/new/", circles.circle_create_view, name="circle_create"),
    path("circles/<int:circle_id>/", circles.circle_detail, name="circle_detail"),
    path("circles/<int:circle_id>/join/", circles.circle_join_view, name="circle_join"),
    path("circles/<int:circle_id>/leave/", circles.circle_leave_view, name="circle_leave"),
    path("circles/<int:circle_id>/start/", circles.circle_start_view, name="circle_start"),
    path("circles/<int:circle_id>/check-in/", circles.circle_checkin_view, name="circle_checkin"),
    path("circles/<int:circle_id>/retrospective/", circles.circle_retrospective_view, name="circle_retrospective"),
    path("circles/<int:circle_id>/members/", circles.circle_member_add_view, name="circle_member_add"),
    path(
        "circles/<int:circle_id>/members/<int:user_id>/remove/",
        circles.circle_member_remove_view,
        name="circle_member_remove",
    ),
]

# In-app authoring of question banks and exams ------------------------------------------------
from . import views_authoring as authoring  # noqa: E402

urlpatterns += [
    path("manage/banks/", authoring.bank_list, name="authoring_bank_list"),
    path("manage/banks/new/", authoring.bank_edit, name="authoring_bank_create"),
    path("manage/banks/<int:bank_id>/", authoring.bank_detail, name="authoring_bank"),
    path("manage/banks/<int:bank_id>/edit/", authoring.bank_edit, name="authoring_bank_edit"),
    path("manage/banks/<int:bank_id>/topics/new/", authoring.topic_edit, name="authoring_topic_create"),
    path("manage/banks/<int:bank_id>/topics/<int:topic_id>/edit/", authoring.topic_edit, name="authoring_topic_edit"),
    path(
        "manage/banks/topics/<int:topic_id>/questions/new/", authoring.question_edit, name="authoring_question_create"
    ),
    path(
        "manage/banks/topics/<int:topic_id>/questions/<int:question_id>/edit/",
        authoring.question_edit,
        name="authoring_question_edit",
    ),
    path(
        "manage/banks/questions/<int:question_id>/delete/",
        authoring.question_delete_view,
        name="authoring_question_delete",
    ),
    path("manage/exams/", authoring.exam_list, name="authoring_exam_list"),
    path("manage/exams/new/", authoring.exam_edit, name="authoring_exam_create"),
    path("manage/exams/<int:exam_id>/edit/", authoring.exam_edit, name="authoring_exam_edit"),
]
