"""What the accounts app records about people (the register, intranet/core/privacy.py)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from intranet.core.privacy import OnErase, actor, not_personal, own, personal_data

from .models import Follow, Invitation, Profile, Skill, User

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
