"""Invite many people at once from pasted e-mail addresses or an uploaded CSV file."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models.functions import Lower
from django.utils.translation import gettext as _

from communities.core import events
from communities.core.models import Community, Membership
from communities.core.permissions import can_manage_members
from communities.core.services._common import acting_user, audit, lock_community
from intranet.core.addresses import normalise_address, split_entries
from intranet.core.permissions import require
from intranet.core.viewer import Viewer, as_viewer

if TYPE_CHECKING:
    from intranet.accounts.models import User

MAX_ADDRESSES = 2000
MAX_FILE_BYTES = 1024 * 1024
#: Header cells that name the e-mail column of a CSV export (German and English spellings).
_EMAIL_HEADERS = frozenset(
    {"email", "e-mail", "mail", "emailaddress", "e-mail-adresse", "e-mail address", "email address"}
)


@dataclass(frozen=True)
class InvalidLine:
    line: int
    text: str


@dataclass
class BulkInviteReport:
    """What a bulk invitation did (or, with ``dry_run``, would do)."""

    invited: list[User] = field(default_factory=list)
    already_member: list[User] = field(default_factory=list)
    #: An invitation is open already, or the person has asked to join (approve instead).
    already_invited: list[User] = field(default_factory=list)
    banned: list[User] = field(default_factory=list)
    #: Well-formed addresses without an active account.
    unknown: list[str] = field(default_factory=list)
    invalid: list[InvalidLine] = field(default_factory=list)
    dry_run: bool = False

    @property
    def total(self) -> int:
        return (
            len(self.invited)
            + len(self.already_member)
            + len(self.already_invited)
            + len(self.banned)
            + len(self.unknown)
            + len(self.invalid)
        )


def parse_text(text: str) -> list[tuple[int, str]]:
    """Entries of pasted text split at newlines, commas, semicolons and tabs, with line numbers."""
    return split_entries(text)


def _decode(raw: bytes) -> str:
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        # Spreadsheet programs on Windows still save CSV as Windows-1252.
        return raw.decode("cp1252", errors="replace")


def parse_csv(upload: UploadedFile) -> list[tuple[int, str]]:
    """Entries of a CSV file: the column headed e-mail if there is one, else the first cell with an
    "@" in each row. A first row without any "@" is taken as the header."""
    if upload.size is not None and upload.size > MAX_FILE_BYTES:
        raise ValidationError(_("The file may be at most 1 MB."), code="file_too_large")
    upload.seek(0)
    text = _decode(upload.read(MAX_FILE_BYTES + 1))
    try:
        dialect: type[csv.Dialect] | csv.Dialect = csv.Sniffer().sniff(text[:4096], delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    entries: list[tuple[int, str]] = []
    column: int | None = None
    seen_content = False
    for number, row in enumerate(csv.reader(io.StringIO(text), dialect), start=1):
        cells = [cell.strip() for cell in row]
        if not any(cells):
            continue
        if not seen_content:
            seen_content = True
            if not any("@" in cell for cell in cells):
                lowered = [cell.lower() for cell in cells]
                column = next((i for i, cell in enumerate(lowered) if cell in _EMAIL_HEADERS), None)
                continue
        if column is not None and column < len(cells) and cells[column]:
            entries.append((number, cells[column]))
        else:
            entries.append((number, next((cell for cell in cells if "@" in cell), ";".join(cells))))
    return entries


@transaction.atomic
def membership_invite_bulk(
    *,
    actor: Viewer | User,
    community: Community,
    text: str = "",
    csv_file: UploadedFile | None = None,
    dry_run: bool = False,
) -> BulkInviteReport:
    """Invite everyone listed in ``text`` and/or ``csv_file`` who has an account and no membership row.

    All invitations are created in one transaction (all or none) and recorded in one audit row.
    Invalid lines, unknown addresses and people with a row already are reported, not fatal.
    ``dry_run`` returns the same report without writing anything.
    """
    viewer = as_viewer(actor)
    require(can_manage_members(viewer, community))
    entries = parse_text(text) if text else []
    if csv_file is not None:
        entries += parse_csv(csv_file)
    if not entries:
        raise ValidationError(_("Enter e-mail addresses or upload a CSV file."), code="empty")
    if len(entries) > MAX_ADDRESSES:
        raise ValidationError(_("Invite at most %(max)d people at once.") % {"max": MAX_ADDRESSES}, code="too_many")
    community = lock_community(community) if not dry_run else community
    require(can_manage_members(viewer, community))

    report = BulkInviteReport(dry_run=dry_run)
    addresses: list[str] = []
    for number, entry in entries:
        address = normalise_address(entry)
        if address is None:
            report.invalid.append(InvalidLine(line=number, text=entry[:200]))
        elif address not in addresses:
            addresses.append(address)

    users_by_email: dict[str, User] = {
        u.email_lower: u  # type: ignore[attr-defined]
        for u in get_user_model()
        .objects.annotate(email_lower=Lower("email"))
        .filter(email_lower__in=addresses, is_active=True)
    }
    user_ids = [u.pk for u in users_by_email.values()]
    rows = dict(Membership.objects.filter(community=community, user_id__in=user_ids).values_list("user_id", "state"))
    buckets = {
        Membership.State.ACTIVE: report.already_member,
        Membership.State.PENDING: report.already_invited,
        Membership.State.INVITED: report.already_invited,
        Membership.State.BANNED: report.banned,
    }
    for address in addresses:
        user = users_by_email.get(address)
        if user is None:
            report.unknown.append(address)
        elif user.pk in rows:
            buckets[Membership.State(rows[user.pk])].append(user)
        else:
            report.invited.append(user)

    if dry_run or not report.invited:
        return report
    inviter = acting_user(viewer)
    Membership.objects.bulk_create(
        Membership(user=user, community=community, state=Membership.State.INVITED, invited_by=inviter)
        for user in report.invited
    )
    events.members_invited(community, [u.pk for u in report.invited], viewer.user_id)
    audit(
        viewer,
        action="membership.invited_bulk",
        community=community,
        target=community,
        after={"invited": [u.pk for u in report.invited], "state": Membership.State.INVITED},
    )
    return report
