"""URLs of exams, grading and authoring (in the ``training`` namespace)."""

from django.urls import path

from .views import attempts, authoring

urlpatterns = [
    path("exams/", attempts.exam_list, name="exam_list"),
    path("exams/<int:exam_id>/", attempts.exam_detail, name="exam_detail"),
    path("exams/<int:exam_id>/start/", attempts.exam_start, name="exam_start"),
    path("attempts/<int:attempt_id>/", attempts.attempt_detail, name="attempt_detail"),
    path("attempts/<int:attempt_id>/answer/", attempts.attempt_answer, name="attempt_answer"),
    path("attempts/<int:attempt_id>/review/", attempts.attempt_review, name="attempt_review"),
    path("grading/", attempts.grading_queue, name="grading_queue"),
    path("grading/<int:answer_id>/", attempts.answer_grade_view, name="answer_grade"),
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
