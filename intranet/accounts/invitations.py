"""Sign-up invitations for people outside the company e-mail domains.

Staff invite an address; the link in the e-mail opens the sign-up for that one address. The
invitation is spent when the account is created (see ``AccountAdapter.save_user``).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import TYPE_CHECKING, Any, Literal

from allauth.account.models import EmailAddress
from django.db import transaction
from django.db.models import Case, CharField, Q, QuerySet, Value, When
from django.db.models.functions import Lower
from django.utils import timezone

from intranet.core.addresses import normalise_address, split_entries
from intranet.core.audit import audit_log
from intranet.core.pagination import Page, keyset_page
from intranet.core.permissions import require
from intranet.core.viewer import Viewer, viewer_for

from . import events
from .models import Invitation, User
from .permissions import can_invite_people

if TYPE_CHECKING:
    from django.http import HttpRequest

INVITATION_VALIDITY = timedelta(days=14)
SESSION_KEY = "accounts.invitation_token"
_REQUEST_CACHE = "_intranet_invitation"


#: Addresses one submission of the invitation form may carry.
MAX_ADDRESSES_PER_REQUEST = 200
INVITATION_ORDERING = ("-created_at", "-id")


class InvitationUnusableError(Exception):
    """The invitation has expired, was revoked or was already used."""


def invitation_create(*, actor: User, email: str, valid_for: timedelta = INVITATION_VALIDITY) -> Invitation:
    """Create an invitation for ``email`` and mail the link to it.

    Only staff may invite. The audit row and the outbox event ``invitation.created`` are written in
    the same transaction; the e-mail goes out after commit (``notify.py``).
    """
    require(can_invite_people(viewer_for(actor)))
    with transaction.atomic():
        invitation = Invitation.objects.create(
            email=email.strip().lower(),
            invited_by=actor,
            expires_at=timezone.now() + valid_for,
        )
        audit_log(
            actor=actor,
            action="invitation.created",
            target=invitation,
            after={"email": invitation.email, "expires_at": invitation.expires_at.isoformat()},
        )
        events.invitation_created(invitation_id=invitation.pk)
    return invitation


def invitation_get_usable(*, token: str) -> Invitation | None:
    """The invitation with ``token`` if it can still be used, else ``None``."""
    if not token:
        return None
    invitation = Invitation.objects.filter(token=token).first()
    if invitation is None or not invitation.is_usable():
        return None
    return invitation


def invitation_remember(request: HttpRequest, invitation: Invitation) -> None:
    """Keep the invitation in the session so the sign-up pages honour it."""
    request.session[SESSION_KEY] = invitation.token
    setattr(request, _REQUEST_CACHE, invitation)


def invitation_forget(request: HttpRequest, *, keep_for_request: bool = False) -> None:
    """Drop the invitation from the session.

    ``keep_for_request`` leaves it visible to the rest of this request: allauth validates the
    address once more while it stores it, after the invitation was spent.
    """
    request.session.pop(SESSION_KEY, None)
    if not keep_for_request:
        setattr(request, _REQUEST_CACHE, None)


def invitation_pending(request: HttpRequest | None) -> Invitation | None:
    """The usable invitation carried by this request's session, looked up once per request."""
    if request is None or not hasattr(request, "session"):
        return None
    if hasattr(request, _REQUEST_CACHE):
        cached: Invitation | None = getattr(request, _REQUEST_CACHE)
        return cached
    invitation = invitation_get_usable(token=request.session.get(SESSION_KEY, ""))
    setattr(request, _REQUEST_CACHE, invitation)
    return invitation


def invitation_accept(*, invitation: Invitation, user: User) -> Invitation:
    """Mark ``invitation`` as used by the newly signed-up ``user``.

    Locks the invitation row, so two sign-ups racing on one link cannot both spend it; raises
    ``InvitationUnusableError`` for the loser and for an expired invitation.
    """
    with transaction.atomic():
        locked = Invitation.objects.select_for_update().get(pk=invitation.pk)
        if not locked.is_usable():
            raise InvitationUnusableError(locked.pk)
        locked.accepted_at = timezone.now()
        locked.accepted_user = user
        locked.save(update_fields=["accepted_at", "accepted_user"])
        audit_log(actor=user, action="invitation.accepted", target=locked, after={"user_id": user.pk})
    return locked


def invitation_resend(*, actor: User, invitation_id: int) -> Invitation:
    """Mail a pending invitation again and give it a fresh validity period.

    Staff only. The link stays the same, so an earlier mail keeps working. Raises
    ``Invitation.DoesNotExist`` for an unknown id and ``InvitationUnusableError`` when the
    invitation was accepted, revoked or has expired. Audited; the e-mail goes out after commit
    (event ``invitation.resent``).
    """
    require(can_invite_people(viewer_for(actor)))
    with transaction.atomic():
        invitation = Invitation.objects.select_for_update().get(pk=invitation_id)
        if not invitation.is_usable():
            raise InvitationUnusableError(invitation.pk)
        before = invitation.expires_at
        invitation.expires_at = timezone.now() + INVITATION_VALIDITY
        invitation.save(update_fields=["expires_at"])
        audit_log(
            actor=actor,
            action="invitation.resent",
            target=invitation,
            before={"expires_at": before.isoformat()},
            after={"expires_at": invitation.expires_at.isoformat()},
        )
        events.invitation_resent(invitation_id=invitation.pk)
    return invitation


def invitation_revoke(*, actor: User, invitation_id: int) -> Invitation:
    """Withdraw a pending invitation so its link can no longer open the sign-up.

    Staff only. A revoked invitation expires now (no separate state: it looks expired in every
    check, including a sign-up already under way with the link in its session). Raises
    ``Invitation.DoesNotExist`` for an unknown id and ``InvitationUnusableError`` when the
    invitation was already accepted, revoked or has expired. Audited.
    """
    require(can_invite_people(viewer_for(actor)))
    with transaction.atomic():
        invitation = Invitation.objects.select_for_update().get(pk=invitation_id)
        if not invitation.is_usable():
            raise InvitationUnusableError(invitation.pk)
        before = invitation.expires_at
        invitation.expires_at = timezone.now()
        invitation.save(update_fields=["expires_at"])
        audit_log(
            actor=actor,
            action="invitation.revoked",
            target=invitation,
            before={"expires_at": before.isoformat()},
            after={"expires_at": invitation.expires_at.isoformat()},
        )
    return invitation


# Inviting several addresses at once ----------------------------------------------------------

OutcomeStatus = Literal["invited", "has_account", "already_invited", "resent", "invalid"]


@dataclass(frozen=True)
class InvitationOutcome:
    """What happened to one address of a batch: ``text`` as typed, ``email`` normalised."""

    text: str
    email: str
    status: OutcomeStatus
    invitation: Invitation | None = None


def invitation_addresses_split(text: str) -> list[str]:
    """The non-empty entries of ``text``, separated by commas, semicolons or line breaks."""
    return [entry for _line, entry in split_entries(text)]


def invitation_invite_addresses(*, actor: User, entries: list[str], resend: bool = False) -> list[InvitationOutcome]:
    """Invite every address in ``entries`` that has neither an account nor a pending invitation.

    Staff only. Returns one outcome per distinct entry, in input order: ``invited`` (through
    :func:`invitation_create`), ``has_account`` (a user or one of their e-mail addresses matches),
    ``already_invited`` (a pending invitation exists; with ``resend`` it is mailed again through
    :func:`invitation_resend` and reported as ``resent``) or ``invalid``. Each invitation is
    audited; the e-mails are sent after the whole batch commits.
    """
    require(can_invite_people(viewer_for(actor)))
    parsed: list[tuple[str, str | None]] = []
    seen: set[str] = set()
    for entry in entries:
        email = normalise_address(entry)
        key = email or entry
        if key in seen:
            continue
        seen.add(key)
        parsed.append((entry, email))
    addresses = {email for _text, email in parsed if email}
    outcomes: list[InvitationOutcome] = []
    with transaction.atomic():
        taken = {
            *User.objects.annotate(address=Lower("email"))
            .filter(address__in=addresses)
            .values_list("address", flat=True),
            *EmailAddress.objects.annotate(address=Lower("email"))
            .filter(address__in=addresses)
            .values_list("address", flat=True),
        }
        pending: dict[str, Invitation] = {}
        for invitation in (
            Invitation.objects.annotate(address=Lower("email"))
            .filter(address__in=addresses, accepted_at__isnull=True, expires_at__gt=timezone.now())
            .order_by("created_at", "id")
        ):
            pending[invitation.email.lower()] = invitation  # the newest one wins
        for text, email in parsed:
            if email is None:
                outcomes.append(InvitationOutcome(text=text, email="", status="invalid"))
            elif email in taken:
                outcomes.append(InvitationOutcome(text=text, email=email, status="has_account"))
            elif email in pending and resend:
                resent = invitation_resend(actor=actor, invitation_id=pending[email].pk)
                outcomes.append(InvitationOutcome(text=text, email=email, status="resent", invitation=resent))
            elif email in pending:
                outcomes.append(
                    InvitationOutcome(text=text, email=email, status="already_invited", invitation=pending[email])
                )
            else:
                created = invitation_create(actor=actor, email=email)
                outcomes.append(InvitationOutcome(text=text, email=email, status="invited", invitation=created))
    return outcomes


# The staff page ------------------------------------------------------------------------------

INVITATION_STATES = ("pending", "accepted", "expired")


def _state_filter(state: str, now: Any) -> Q:
    if state == "accepted":
        return Q(accepted_at__isnull=False)
    if state == "pending":
        return Q(accepted_at__isnull=True, expires_at__gt=now)
    return Q(accepted_at__isnull=True, expires_at__lte=now)


def invitation_list_for_staff(
    *, viewer: Viewer, state: str = "", cursor: str | None = None, page_size: int = 25
) -> Page[Invitation]:
    """One page of invitations, newest first, each annotated with ``state``.

    Staff only (``PermissionDenied`` otherwise). ``state`` narrows the list to one of
    ``INVITATION_STATES``; revoked invitations count as expired. The inviter and the account that
    accepted come along, so the page costs the same for any number of rows. Raises
    ``InvalidCursor`` for a cursor this list did not produce.
    """
    require(can_invite_people(viewer))
    now = timezone.now()
    qs: QuerySet[Invitation] = Invitation.objects.select_related("invited_by", "accepted_user").annotate(
        state=Case(
            When(accepted_at__isnull=False, then=Value("accepted")),
            When(expires_at__gt=now, then=Value("pending")),
            default=Value("expired"),
            output_field=CharField(),
        )
    )
    if state in INVITATION_STATES:
        qs = qs.filter(_state_filter(state, now))
    return keyset_page(qs, ordering=INVITATION_ORDERING, cursor=cursor, page_size=page_size)
