"""Permission matrix of career levels and applications, parity of predicates and queryset twins."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied

from intranet.core.models import AuditEntry
from tests.factories import UserFactory
from tests.training.qualification_helpers import (
    QUALIFICATION_ROLES,
    person_in_role,
)
from training.levels.permissions import (
    can_change_level_of,
    can_decide_level_application,
    can_view_level_application,
    visible_level_applications,
)
from training.levels.services import level_application_decide, level_application_submit, level_set
from training.models import Level, LevelApplication, UserLevel

pytestmark = pytest.mark.django_db

EXPECTED_LEVELS = {
    # role: (view application, decide it, change the applicant's level)
    "anonymous": (False, False, False),
    "learner": (True, False, False),
    "other_user": (False, False, False),
    "trainer": (False, False, False),
    "scoped_coordinator": (False, False, False),
    "coordinator": (True, True, True),
}


@pytest.mark.parametrize("role", QUALIFICATION_ROLES)
def test_level_matrix(role):
    learner = UserFactory.create()
    level = Level.objects.create(name_en="One", rank=1)
    application = level_application_submit(actor=learner, level=level, evidence_text="Evidence")
    viewer = person_in_role(role, learner)
    got = (
        can_view_level_application(viewer, application),
        can_decide_level_application(viewer, application),
        can_change_level_of(viewer, learner.pk),
    )
    assert got == EXPECTED_LEVELS[role]
    assert visible_level_applications(viewer).filter(pk=application.pk).exists() == got[0]
    if not got[1]:
        audits = AuditEntry.objects.count()
        with pytest.raises(PermissionDenied):
            level_application_decide(actor=viewer, application=application, approve=True)
        with pytest.raises(PermissionDenied):
            level_set(actor=viewer, user=learner, level=level, override=True, reason="x")
        assert AuditEntry.objects.count() == audits
        assert not UserLevel.objects.exists()
        assert LevelApplication.objects.get(pk=application.pk).state == LevelApplication.State.SUBMITTED
