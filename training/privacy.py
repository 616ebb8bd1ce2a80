"""What the training app records about people (the register, intranet/core/privacy.py).

Training records, exam attempts, certificates and levels belong to the learner: they are exported
and erased with them. Programmes, sessions and exams are company content: they stay, and the link
to the person who wrote or ran them is anonymised.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from intranet.core.privacy import (
    COMPANY_CONTENT_REASON,
    CONVERSATION_REASON,
    OnErase,
    actor,
    anonymised,
    kept,
    not_personal,
    own,
    personal_data,
)
from training.models import (
    Attempt,
    AttemptAnswer,
    CalendarToken,
    Certificate,
    CheckIn,
    Choice,
    Circle,
    CircleMember,
    CirclePlan,
    CircleWeek,
    Enrolment,
    Exam,
    Level,
    LevelApplication,
    LevelChange,
    Programme,
    Question,
    QuestionBank,
    Retrospective,
    Session,
    SessionBooking,
    Step,
    StepProgress,
    Topic,
    UserLevel,
)

RENDERED = _("The same text as the source, rendered; follows the source.")

# Company content ----------------------------------------------------------------------------------

for model in (Step, CirclePlan, CircleWeek, QuestionBank, Topic, Question, Choice, Exam, Level):
    not_personal(model, _("Training material written for the company; names no learner."))

personal_data(
    Programme,
    kind="training_content_written",
    label=_("Training content written"),
    owners=("created_by",),
    fields={
        "created_by": actor(export=True, reason=COMPANY_CONTENT_REASON),
        "title": kept(COMPANY_CONTENT_REASON),
        "description": kept(COMPANY_CONTENT_REASON),
        "description_html": kept(RENDERED, export=False),
        "audience": kept(COMPANY_CONTENT_REASON),
    },
    on_erase=OnErase.ANONYMISE,
    reason=COMPANY_CONTENT_REASON,
)
personal_data(
    Session,
    kind="training_sessions_run",
    label=_("Training sessions run"),
    owners=("created_by", "trainers"),
    fields={
        "created_by": actor(export=True, reason=COMPANY_CONTENT_REASON),
        "trainers": anonymised(COMPANY_CONTENT_REASON),
        "title": kept(COMPANY_CONTENT_REASON),
        "description": kept(COMPANY_CONTENT_REASON),
        "place": kept(COMPANY_CONTENT_REASON),
        "online_url": kept(COMPANY_CONTENT_REASON),
        "cancel_reason": kept(COMPANY_CONTENT_REASON),
    },
    on_erase=OnErase.ANONYMISE,
    reason=COMPANY_CONTENT_REASON,
)

# The learner's records ----------------------------------------------------------------------------

personal_data(
    Enrolment,
    kind="training_records",
    label=_("Training records"),
    owners=("user",),
    fields={"user": own()},
    other_fields={"cohort": _("The name of a course group, shared by its learners.")},
    on_erase=OnErase.DELETE,
)
personal_data(
    StepProgress,
    kind="training_records",
    owners=("enrolment__user",),
    fields={"answer": own(), "accepted_by": actor()},
    on_erase=OnErase.DELETE,
)
personal_data(
    SessionBooking,
    kind="training_records",
    owners=("user",),
    fields={"user": own(), "attendance_marked_by": actor()},
    on_erase=OnErase.DELETE,
)
personal_data(
    CalendarToken,
    kind="calendar_feeds",
    label=_("Calendar feeds"),
    owners=("user",),
    fields={"user": own(), "token": own(export=False)},
    on_erase=OnErase.DELETE,
)
personal_data(
    Attempt,
    kind="exam_attempts",
    label=_("Exam attempts"),
    owners=("user",),
    fields={"user": own()},
    on_erase=OnErase.DELETE,
    retention="RETENTION_EXAM_ATTEMPTS_DAYS",
)
personal_data(
    AttemptAnswer,
    kind="exam_attempts",
    owners=("attempt__user",),
    fields={"text": own(), "feedback": own(), "graded_by": actor()},
    on_erase=OnErase.DELETE,
    retention="RETENTION_EXAM_ATTEMPTS_DAYS",
)
personal_data(
    Certificate,
    kind="certificates",
    label=_("Certificates"),
    owners=("user",),
    fields={"user": own(), "revoked_by": actor(), "revoke_reason": own()},
    other_fields={"code": _("The certificate's public verification code.")},
    on_erase=OnErase.DELETE,
)
personal_data(
    UserLevel,
    kind="levels",
    label=_("Levels"),
    owners=("user",),
    fields={"user": own(), "awarded_by": actor()},
    on_erase=OnErase.DELETE,
)
personal_data(
    LevelChange,
    kind="levels",
    owners=("user",),
    fields={"user": own(), "actor": actor(), "reason": own()},
    on_erase=OnErase.DELETE,
)
personal_data(
    LevelApplication,
    kind="levels",
    owners=("user",),
    fields={
        "user": own(),
        "evidence_text": own(),
        "evidence_links": own(),
        "decided_by": actor(),
        "decision_note": own(),
    },
    on_erase=OnErase.DELETE,
)

# Learning circles -----------------------------------------------------------------------------------

personal_data(
    Circle,
    kind="learning_circles",
    label=_("Learning circles"),
    owners=("created_by",),
    fields={
        "created_by": actor(export=True, reason=COMPANY_CONTENT_REASON),
        "name": kept(COMPANY_CONTENT_REASON),
        "description": kept(COMPANY_CONTENT_REASON),
    },
    on_erase=OnErase.ANONYMISE,
    reason=COMPANY_CONTENT_REASON,
)
personal_data(
    CircleMember,
    kind="learning_circles",
    owners=("user",),
    fields={"user": own(), "added_by": actor()},
    on_erase=OnErase.DELETE,
)
personal_data(
    CheckIn,
    kind="learning_circles",
    owners=("user",),
    fields={"user": anonymised(CONVERSATION_REASON), "text": kept(CONVERSATION_REASON)},
    on_erase=OnErase.ANONYMISE,
    reason=CONVERSATION_REASON,
)
personal_data(
    Retrospective,
    kind="learning_circles",
    owners=("user",),
    fields={"user": own(), "went_well": own(), "to_improve": own(), "next_steps": own()},
    on_erase=OnErase.DELETE,
)
