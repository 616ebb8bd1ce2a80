"""``{% person_picker "handle" "id_handle" %}``: the person picker of :mod:`intranet.accounts.forms`
for hand-written forms, so every place that asks for a person offers the same name search."""

from __future__ import annotations

from collections.abc import Iterable

from django import template
from django.utils.safestring import SafeString

from intranet.accounts.forms import PersonPicker

register = template.Library()


@register.simple_tag
def person_picker(
    name: str,
    element_id: str,
    *,
    value: str = "",
    multiple: bool = False,
    include_self: bool = True,
    css: str = "form-control",
    required: bool = False,
    described_by: str = "",
    people: Iterable[tuple[str, str]] = (),
    options_url: str = "",
) -> SafeString:
    """The picker's input named ``name`` with the id ``element_id`` (which its ``<label for>``
    names); ``value`` holds handles already chosen, ``people`` their ``(handle, name)`` pairs shown
    as chips; ``options_url`` a narrower options endpoint than the people directory's."""
    attrs: dict[str, str | bool] = {"id": element_id, "class": css}
    if required:
        attrs["required"] = True
    if described_by:
        attrs["aria-describedby"] = described_by
    widget = PersonPicker(
        attrs=attrs, multiple=multiple, include_self=include_self, people=people, options_url=options_url
    )
    return widget.render(name, value)
