"""Outbox subscribers of accounts that send e-mail: the invitation link."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.mail import send_mail
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation

from intranet.core.outbox import Event, subscriber

from .events import INVITATION_CREATED, INVITATION_RESENT
from .models import Invitation


@subscriber(INVITATION_CREATED, INVITATION_RESENT, name="accounts.invitations.send_mail")
def invitation_mail(event: Event) -> None:
    invitation_send_mail(invitation_id=event["invitation_id"])


def invitation_send_mail(*, invitation_id: int) -> None:
    """Send the invitation e-mail (idempotent enough to retry; skips spent invitations)."""
    invitation = Invitation.objects.select_related("invited_by").filter(pk=invitation_id).first()
    if invitation is None or not invitation.is_usable():
        return
    context: dict[str, Any] = {
        "invitation": invitation,
        "inviter": invitation.invited_by,
        "site_name": settings.WAGTAIL_SITE_NAME,
        "accept_url": settings.SITE_URL + reverse("account_invitation_accept", kwargs={"token": invitation.token}),
    }
    with translation.override(settings.LANGUAGE_CODE):
        subject = render_to_string("account/email/invitation_subject.txt", context).strip()
        body = render_to_string("account/email/invitation_message.txt", context)
    send_mail(" ".join(subject.splitlines()), body, settings.DEFAULT_FROM_EMAIL, [invitation.email])
