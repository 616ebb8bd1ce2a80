"""``{% idempotency_input %}``: the hidden key of a hand-written creating form (see
:mod:`intranet.core.idempotency`)."""

from __future__ import annotations

from django import template
from django.utils.html import format_html
from django.utils.safestring import SafeString

from intranet.core.idempotency import FIELD, new_key

register = template.Library()


@register.simple_tag
def idempotency_input(element_id: str = "", *, oob: bool = False) -> SafeString:
    """A hidden input with a fresh key: each rendered form is one submission, however often it is
    sent. ``element_id`` names it, and ``oob=True`` makes it an htmx out-of-band swap that gives a
    form the server answered (and that stays on the page) a fresh key for its next submission."""
    if not element_id:
        return format_html('<input type="hidden" name="{}" value="{}">', FIELD, new_key())
    extra = format_html(' hx-swap-oob="{}"', "true") if oob else ""
    return format_html('<input type="hidden" name="{}" value="{}" id="{}"{}>', FIELD, new_key(), element_id, extra)
