"""Open websockets follow the session: sign-out and a new password close every socket of the person.

A socket authenticates only at its handshake, so without these it would keep hearing events after
``POST /accounts/logout/`` or a password change. The browser reconnects at once; only a session
that still signs the person in (with the current password) gets a socket again. Connected by
importing this module from :meth:`intranet.accounts.apps.AccountsConfig.ready`.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth.signals import user_logged_out
from django.db.models.signals import pre_save
from django.dispatch import receiver

from intranet.core.realtime import close_sockets_on_commit

from .models import User


@receiver(user_logged_out, dispatch_uid="accounts.close_sockets_on_logout")
def close_sockets_on_logout(sender: Any, request: Any = None, user: Any = None, **kwargs: Any) -> None:
    if user is not None and user.pk is not None:
        close_sockets_on_commit(user.pk)


@receiver(pre_save, sender=User, dispatch_uid="accounts.close_sockets_on_new_password")
def close_sockets_on_new_password(sender: Any, instance: User, **kwargs: Any) -> None:
    """Every door that changes a password (allauth's change and reset, the Wagtail account page,
    ``manage.py changepassword``) calls ``set_password()`` and saves: Django keeps the new raw
    password in ``_password`` until that save. A signal, not a ``save()`` override: the model stays
    free of side effects, and this is access control, not domain logic."""
    if instance._state.adding or instance.pk is None or getattr(instance, "_password", None) is None:
        return
    close_sockets_on_commit(instance.pk)
