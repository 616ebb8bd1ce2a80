"""Models of the training app, split by sub-domain; import them from here."""

from .certificates import Certificate, new_certificate_code
from .circles import (
    CIRCLE_MAX_MEMBERS,
    CIRCLE_MIN_MEMBERS,
    CheckIn,
    Circle,
    CircleMember,
    CirclePlan,
    CircleWeek,
    Retrospective,
)
from .exams import Attempt, AttemptAnswer, Choice, Exam, ExamTopicRule, Question, QuestionBank, Topic
from .levels import EvidenceKind, Level, LevelApplication, LevelChange, LevelRight, UserLevel
from .programmes import Enrolment, Programme, ProgrammeQuerySet, Step, StepProgress
from .sessions import CalendarToken, Session, SessionBooking, SessionQuerySet, new_calendar_token

__all__ = [
    "CIRCLE_MAX_MEMBERS",
    "CIRCLE_MIN_MEMBERS",
    "Attempt",
    "AttemptAnswer",
    "CalendarToken",
    "Certificate",
    "CheckIn",
    "Choice",
    "Circle",
    "CircleMember",
    "CirclePlan",
    "CircleWeek",
    "Enrolment",
    "EvidenceKind",
    "Exam",
    "ExamTopicRule",
    "Level",
    "LevelApplication",
    "LevelChange",
    "LevelRight",
    "Programme",
    "ProgrammeQuerySet",
    "Question",
    "QuestionBank",
    "Retrospective",
    "Session",
    "SessionBooking",
    "SessionQuerySet",
    "Step",
    "StepProgress",
    "Topic",
    "UserLevel",
    "new_calendar_token",
    "new_certificate_code",
]
