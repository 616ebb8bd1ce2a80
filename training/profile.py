"""The training section of the profile page (level, level history, valid certificates).

Registered with :mod:`intranet.accounts.profile_sections` from ``TrainingConfig.ready()``; costs three
queries whatever the number of certificates or level changes.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.template.loader import render_to_string

from .certificates.selectors import certificates_for_users
from .levels.selectors import level_history_for_user

if TYPE_CHECKING:
    from django.http import HttpRequest

    from intranet.accounts.models import User


def training_profile_section(request: HttpRequest, person: User) -> str:
    standing = level_history_for_user(person.pk)
    certificates = certificates_for_users([person.pk]).get(person.pk, [])
    return render_to_string(
        "training/levels/level_profile_section.html",
        {"standing": standing, "certificates": certificates, "person": person},
        request=request,
    )
