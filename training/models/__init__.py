"""The training app's model registry: every feature's models, imported here so Django finds them.

``models/certificates.py`` and ``models/sessions.py`` only keep the dotted paths that migration
0001 uses for two field defaults.
"""

from training.certificates.models import Certificate, new_certificate_code
from training.circles.models import (
    CIRCLE_MAX_MEMBERS,
    CIRCLE_MIN_MEMBERS,
    CheckIn,
    Circle,
    CircleMember,
    CirclePlan,
    CircleWeek,
    Retrospective,
)
from training.exams.models import Attempt, AttemptAnswer, Choice, Exam, ExamTopicRule, Question, QuestionBank, Topic
from training.levels.models import (
    EvidenceKind,
    Level,
    LevelApplication,
    LevelChange,
    LevelRight,
    LevelRightGrant,
    UserLevel,
)
from training.programmes.models import Enrolment, Programme, ProgrammeQuerySet, Step, StepProgress
from training.sessions.models import CalendarToken, Session, SessionBooking, SessionQuerySet, new_calendar_token

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
    "LevelRightGrant",
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
