"""Signals of accounts for apps that accounts must not import.

``user_deactivating`` is sent by :func:`intranet.accounts.services.user_deactivate` inside its
transaction, before the account is switched off, with kwargs ``user`` (the account, still active),
``actor`` (the staff member, or ``None`` for the system) and ``reason``. Receivers do their own
writes in the same transaction (handing over what the person owned); an exception rolls the whole
deactivation back, so receivers raise only when the account must not be deactivated.
"""

from __future__ import annotations

from django.dispatch import Signal

user_deactivating = Signal()
