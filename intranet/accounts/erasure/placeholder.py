"""The shared "former employee" account that takes over what an erased person leaves behind.

Design (issue 23): one placeholder user instead of ``NULL`` authors. Posts, comments, attachments,
audit rows and handover records point at a person with ``PROTECT``; re-pointing them at one inactive
account keeps every template, selector and query count as it is (an author is always a user), and
conversations keep their sense: the reader sees "Former employee" where the name was. The account
cannot sign in (inactive, unusable password), has no profile page (inactive people have none) and
holds no identity of anyone. Its name is written in the platform's default language when it is
first needed.
"""

from __future__ import annotations

from django.conf import settings
from django.utils import translation
from django.utils.translation import pgettext

from ..models import User

PLACEHOLDER_EMAIL = "former-employee@erased.invalid"
PLACEHOLDER_HANDLE = "former-employee"


def former_employee_label() -> str:
    """ "Former employee" in the active language (for texts that mention an erased person)."""
    return pgettext("erased person", "Former employee")


def former_employee() -> User:
    """The placeholder account, created on first use (safe under concurrent erasures)."""
    existing = User.objects.filter(email=PLACEHOLDER_EMAIL).first()
    if existing is not None:
        return existing
    with translation.override(settings.LANGUAGE_CODE):
        name = former_employee_label()
    user, _created = User.objects.get_or_create(
        email=PLACEHOLDER_EMAIL,
        defaults={
            "display_name": name,
            "handle": PLACEHOLDER_HANDLE,
            "search_name": "",
            "is_active": False,
            "password": "!",  # unusable
        },
    )
    return user


def is_former_employee(user: User | None) -> bool:
    return user is not None and user.email == PLACEHOLDER_EMAIL
