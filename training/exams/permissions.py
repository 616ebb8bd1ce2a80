"""Access rules of exams, attempts, grading and authoring (query-free predicates and queryset twins).

Who is who:

* a *learner* is any signed-in employee: they take published exams and see their own attempts;
* a *trainer* holds ``training.grade_exam`` (directly or through a group) or trains live sessions:
  they grade free-text answers of submitted attempts and read those attempts, never their own;
* *coordinators* who coordinate everything (staff, unscoped holders of ``communities.coordinate``)
  may do what trainers do. Scoped coordinators are ordinary learners here: exams and levels are
  company-wide, not tied to the communities of their scope.

Authoring in the app:

* **exam administrators** (:func:`is_exam_admin`: staff and coordinators of everything) create
  and edit question banks, topics, questions and every exam. Scoped coordinators look after some
  communities, not the company-wide training catalogue, so they author nothing here (as in the rules for
  programmes and exams).
* **trainers** (people who train a live session of a programme, the sessions' trainer map) edit the
  settings and draw rules of exams linked to a step of a programme they train. They create no
  exams and edit no banks.
"""

from __future__ import annotations

from django.contrib.auth.models import Permission
from django.db.models import Q, QuerySet

from communities.api import coordinates_everything
from intranet.core.viewer import Viewer
from training.programmes.models import Step
from training.roles import is_trainer as is_session_trainer
from training.roles import trainer_map

from .models import Attempt, AttemptAnswer, Exam

TRAINING_PERMISSIONS_KEY = "training.exams.permissions"


def training_permissions(viewer: Viewer) -> frozenset[str]:
    """Codenames of the training app's model permissions the viewer holds (one query, cached)."""

    def load() -> frozenset[str]:
        if viewer.user_id is None:
            return frozenset()
        return frozenset(
            Permission.objects.filter(content_type__app_label="training")
            .filter(Q(user__id=viewer.user_id) | Q(group__user__id=viewer.user_id))
            .values_list("codename", flat=True)
            .distinct()
        )

    return viewer.remember(TRAINING_PERMISSIONS_KEY, load)


def is_exam_admin(viewer: Viewer) -> bool:
    """Coordinators of everything (staff included): run exams and levels company-wide."""
    return viewer.is_authenticated and (viewer.is_superuser or coordinates_everything(viewer))


def is_grader(viewer: Viewer) -> bool:
    """Trainers: coordinators of everything, holders of ``training.grade_exam`` and people who
    train live sessions (the trainer map of programmes and sessions)."""
    if not viewer.is_authenticated:
        return False
    return is_exam_admin(viewer) or "grade_exam" in training_permissions(viewer) or is_session_trainer(viewer)


def can_view_exam(viewer: Viewer, exam: Exam) -> bool:
    return viewer.is_authenticated and (exam.is_published or is_exam_admin(viewer))


def visible_exams(viewer: Viewer, qs: QuerySet[Exam] | None = None) -> QuerySet[Exam]:
    qs = Exam.objects.all() if qs is None else qs
    if not viewer.is_authenticated:
        return qs.none()
    if is_exam_admin(viewer):
        return qs
    return qs.filter(is_published=True)


def can_take_exam(viewer: Viewer, exam: Exam) -> bool:
    """Start or answer an attempt: signed-in employees, published exams (limits: the service)."""
    return viewer.is_authenticated and exam.is_published


def can_view_attempt(viewer: Viewer, attempt: Attempt) -> bool:
    """The learner always; trainers once it is submitted (an open attempt is nobody else's business)."""
    if not viewer.is_authenticated:
        return False
    if attempt.user_id == viewer.user_id:
        return True
    return not attempt.is_open and is_grader(viewer)


def visible_attempts(viewer: Viewer, qs: QuerySet[Attempt] | None = None) -> QuerySet[Attempt]:
    qs = Attempt.objects.all() if qs is None else qs
    if not viewer.is_authenticated:
        return qs.none()
    own = Q(user_id=viewer.user_id)
    if is_grader(viewer):
        return qs.filter(own | ~Q(state=Attempt.State.IN_PROGRESS))
    return qs.filter(own)


def can_answer_attempt(viewer: Viewer, attempt: Attempt) -> bool:
    """Save answers or submit: the learner, while the attempt is open (the deadline: the service)."""
    return viewer.is_authenticated and attempt.user_id == viewer.user_id and attempt.is_open


def can_review_attempt(viewer: Viewer, attempt: Attempt) -> bool:
    """See the correct answers and feedback: only after submission."""
    return can_view_attempt(viewer, attempt) and not attempt.is_open


def can_grade(viewer: Viewer) -> bool:
    """Open the grading queue."""
    return is_grader(viewer)


def can_grade_answer(viewer: Viewer, answer: AttemptAnswer, attempt: Attempt) -> bool:
    """Grade one free-text answer: trainers, submitted attempts waiting for grading, not their own."""
    return (
        is_grader(viewer)
        and attempt.state == Attempt.State.GRADING
        and attempt.user_id != viewer.user_id
        and answer.attempt_id == attempt.pk
    )


# Authoring ---------------------------------------------------------------------------------------


def can_author_banks(viewer: Viewer) -> bool:
    """List, create and edit question banks, topics and questions."""
    return is_exam_admin(viewer)


def can_create_exam(viewer: Viewer) -> bool:
    return is_exam_admin(viewer)


def can_open_exam_authoring(viewer: Viewer) -> bool:
    """See the authoring list of exams: exam administrators and trainers (graders; the list then
    shows only the exams they may edit)."""
    return is_grader(viewer)


def _trained_programme_id(exam: Exam) -> int | None:
    step = exam.step
    return step.programme_id if step is not None else None


def can_edit_exam(viewer: Viewer, exam: Exam) -> bool:
    """Exam administrators: every exam; trainers: exams linked to a programme they train
    (needs ``exam.step`` loaded to stay query-free)."""
    if is_exam_admin(viewer):
        return True
    if not viewer.is_authenticated:
        return False
    programme_id = _trained_programme_id(exam)
    return programme_id is not None and programme_id in trainer_map(viewer).programme_ids


def editable_exams(viewer: Viewer, qs: QuerySet[Exam] | None = None) -> QuerySet[Exam]:
    """Queryset twin of :func:`can_edit_exam`."""
    qs = Exam.objects.all() if qs is None else qs
    if is_exam_admin(viewer):
        return qs
    if not viewer.is_authenticated:
        return qs.none()
    return qs.filter(step__programme_id__in=trainer_map(viewer).programme_ids)


def linkable_steps(viewer: Viewer, exam: Exam | None = None) -> QuerySet[Step]:
    """Exam steps an exam may be linked to: free ones (or the exam's own), in programmes the viewer
    may author exams for."""
    qs = Step.objects.filter(kind=Step.Kind.EXAM).select_related("programme")
    free = Q(exam__isnull=True)
    if exam is not None and exam.pk is not None:
        free |= Q(exam=exam)
    qs = qs.filter(free)
    if not is_exam_admin(viewer):
        qs = qs.filter(programme_id__in=trainer_map(viewer).programme_ids)
    return qs.order_by("programme__title", "position", "id")
