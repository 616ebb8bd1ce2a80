"""Who may author question banks and exams in the app (query-free predicates, queryset twins).

* **exam administrators** (:func:`is_exam_admin`: staff and coordinators of everything) create
  and edit question banks, topics, questions and every exam. Scoped coordinators look after some
  communities, not the company-wide training catalogue, so they author nothing here (as in the rules for
  programmes and exams).
* **trainers** (people who train a live session of a programme, the sessions' trainer map) edit the
  settings and draw rules of exams linked to a step of a programme they train. They create no
  exams and edit no banks.
"""

from __future__ import annotations

from django.db.models import Q, QuerySet

from intranet.core.viewer import Viewer

from .models import Exam, Step
from .permissions import trainer_map
from .permissions_exams import is_exam_admin, is_grader


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
