"""What the accounts app records about people (the register, intranet/core/privacy.py)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from intranet.core.privacy import EVIDENCE_REASON, OnErase, actor, kept, not_personal, own, personal_data

from .models import ErasureRequest, Follow, Invitation, Profile, Skill, User

personal_data(
    User,
    kind="profile",
    label=_("Profile"),
    owners=("pk",),
    fields={
        "email": own(),
        "display_name": own(),
        "search_name": own(export=False),
        "password": own(export=False),
    },
    on_erase=OnErase.DELETE,
    retention="RETENTION_INACTIVE_ACCOUNTS_DAYS",
)
personal_data(
    Profile,
    kind="profile",
    owners=("user",),
    fields={
        "user": own(),
        "job_title": own(),
        "department": own(),
        "location": own(),
        "bio": own(),
        "avatar": own(),
    },
    on_erase=OnErase.DELETE,
)
not_personal(Skill, _("A skill word shared by the profiles that list it."))
personal_data(
    Follow,
    kind="follows",
    label=_("Follows"),
    owners=("follower", "followee"),
    fields={"follower": own(), "followee": own()},
    on_erase=OnErase.DELETE,
)
personal_data(
    Invitation,
    kind="invitations",
    label=_("Invitations"),
    owners=("invited_by", "accepted_user"),
    fields={"email": own(), "token": own(export=False), "invited_by": actor(export=True), "accepted_user": own()},
    on_erase=OnErase.DELETE,
)
personal_data(
    ErasureRequest,
    kind="erasure_requests",
    label=_("Erasure requests"),
    owners=("subject",),
    fields={
        # The link to the person goes with the erasure; the former row number stays (subject_ref).
        "subject": own(),
        "requested_by": actor(export=True),
        "decided_by": actor(export=True),
        "reason": kept(EVIDENCE_REASON),
        "decision_note": kept(EVIDENCE_REASON),
    },
    other_fields={
        "summary": _("How many rows of each kind the erasure removed; counts only."),
        "subject_ref": _("The erased account's former row number; names no one once the account is gone."),
    },
    on_erase=OnErase.ANONYMISE,
    reason=EVIDENCE_REASON,
)
