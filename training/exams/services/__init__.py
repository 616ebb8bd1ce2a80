"""Writes on exams: taking and grading attempts (:mod:`.attempts`), authoring banks and exams
(:mod:`.authoring`)."""

from .attempts import (
    DeadlinePassed,
    ExamError,
    StartCheck,
    answer_grade,
    attempt_close_if_expired,
    attempt_save_answers,
    attempt_start,
    attempt_start_check,
    attempt_submit,
    attempts_close_expired,
    draw_questions,
)
from .authoring import ChoiceData, RuleData, bank_save, exam_save, question_delete, question_save, topic_save

__all__ = [
    "ChoiceData",
    "DeadlinePassed",
    "ExamError",
    "RuleData",
    "StartCheck",
    "answer_grade",
    "attempt_close_if_expired",
    "attempt_save_answers",
    "attempt_start",
    "attempt_start_check",
    "attempt_submit",
    "attempts_close_expired",
    "bank_save",
    "draw_questions",
    "exam_save",
    "question_delete",
    "question_save",
    "topic_save",
]
