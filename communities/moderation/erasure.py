"""Erasing a person (issue 23): what moderation keeps as evidence no longer names them.

Reports keep a snapshot of the reported text and hidden direct messages keep their original text;
both stay (the register keeps them as evidence), but where they quote the erased person's name,
e-mail address or ``@handle`` it becomes "former employee". Registered by ``CommunitiesConfig``.
"""

from __future__ import annotations

from django.db.models import F, Q, Value
from django.db.models.functions import Replace

from communities.moderation.models import HiddenMessage, Report
from intranet.core.erasure import ErasureContext

FORMER_EMPLOYEE_HANDLE = "former-employee"


def _scrubbed(field: str, ctx: ErasureContext, label: str) -> Replace:
    expression: F | Replace = F(field)
    for identifier in ctx.identifiers:
        replacement = f"@{FORMER_EMPLOYEE_HANDLE}" if identifier.startswith("@") else label
        expression = Replace(expression, Value(identifier), Value(replacement))
    return expression  # type: ignore[return-value]


def _quoting(field: str, ctx: ErasureContext) -> Q:
    query = Q()
    for identifier in ctx.identifiers:
        query |= Q(**{f"{field}__contains": identifier})
    return query


def erase_person_from_evidence(ctx: ErasureContext) -> None:
    label = ctx.label
    reports = Report.objects.filter(_quoting("snapshot", ctx) | _quoting("resolution_note", ctx))
    ctx.count(
        "communities.Report",
        "anonymised",
        reports.update(
            snapshot=_scrubbed("snapshot", ctx, label), resolution_note=_scrubbed("resolution_note", ctx, label)
        ),
    )
    hidden = HiddenMessage.objects.filter(_quoting("original_source", ctx) | _quoting("original_text", ctx))
    ctx.count(
        "communities.HiddenMessage",
        "anonymised",
        hidden.update(
            original_source=_scrubbed("original_source", ctx, label),
            original_html=_scrubbed("original_html", ctx, label),
            original_text=_scrubbed("original_text", ctx, label),
        ),
    )
