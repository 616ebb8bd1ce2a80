"""Shared form helpers of the UI: Bootstrap styling of widgets and invalid fields."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy

#: The base classes; a widget that already has one keeps it (a form may choose, e.g. check boxes for a
#: multiple choice), other classes (``form-control-sm``, ``font-monospace``) stay too.
_BASES = ("form-control", "form-select", "form-check-input", "btn-check")


class BootstrapMixin:
    """Bootstrap classes on every widget; fields with errors get ``is-invalid``, ``aria-invalid`` and
    their error id in ``aria-describedby``.

    Styles after ``__init__`` and again after validation, so a form needs no call of its own. A form
    that changes its fields after ``__init__`` calls :meth:`style` again (idempotent);
    ``_style_widgets`` and ``mark_invalid`` are the older names of the same call.
    """

    fields: dict[str, forms.Field]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.style()

    def full_clean(self) -> None:
        super().full_clean()  # type: ignore[misc]
        self.style()

    def style(self) -> None:
        # ``_errors`` and not ``errors``: reading ``errors`` would run validation from ``__init__``.
        errors = getattr(self, "_errors", None) or {}
        for name, field in self.fields.items():
            widget = field.widget
            classes = widget.attrs.get("class", "").split()
            chosen = [c for c in classes if c in _BASES]
            if chosen:
                css = chosen[0]  # the form (or an earlier call) chose it: keep it
            elif isinstance(widget, forms.CheckboxInput):
                css = "form-check-input"
            elif isinstance(widget, forms.Select):
                css = "form-select"
            else:
                css = "form-control"
            extra = [c for c in classes if c not in _BASES and c != "is-invalid"]
            invalid = name in errors
            widget.attrs["class"] = " ".join([css, *extra, *(["is-invalid"] if invalid else [])])
            described = [
                part for part in widget.attrs.get("aria-describedby", "").split() if part != f"id_{name}_error"
            ]
            if field.help_text and f"id_{name}_help" not in described:
                described.append(f"id_{name}_help")
            if invalid:
                described.append(f"id_{name}_error")
                widget.attrs["aria-invalid"] = "true"
            else:
                widget.attrs.pop("aria-invalid", None)
            if described:
                widget.attrs["aria-describedby"] = " ".join(described)
            else:
                widget.attrs.pop("aria-describedby", None)

    def _style_widgets(self) -> None:
        self.style()

    def mark_invalid(self) -> None:
        self.style()


# Dates and times typed the same way in every language and browser ---------------------------------
#
# A native ``type="date"`` input shows the browser's own order (12/31/2026 in an American browser,
# whatever the page's language) and ``type="time"`` a 12-hour clock there. These text inputs show
# and take ISO dates and a 24-hour clock (2026-12-31, 18:30), which no reader can take for another
# day; the fields still accept the local orders of ``DATE_INPUT_FORMATS`` (intranet/core/formats).


def _typed_attrs(attrs: dict[str, Any] | None, *, placeholder: Any, pattern: str, size: int) -> dict[str, Any]:
    return {
        "placeholder": placeholder,
        "pattern": pattern,
        "inputmode": "numeric",
        "autocomplete": "off",
        "maxlength": size,
        **(attrs or {}),
    }


class IsoDateInput(forms.DateInput):
    """A date as 2026-12-31."""

    input_type = "text"

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(
            _typed_attrs(attrs, placeholder=gettext_lazy("YYYY-MM-DD"), pattern=r"\d{4}-\d{1,2}-\d{1,2}", size=10),
            format="%Y-%m-%d",
        )


class TimeOfDayInput(forms.TimeInput):
    """A time on a 24-hour clock, as 18:30."""

    input_type = "text"

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(
            _typed_attrs(attrs, placeholder=gettext_lazy("HH:MM"), pattern=r"([01]?\d|2[0-3]):[0-5]\d", size=5),
            format="%H:%M",
        )


class IsoDateTimeInput(forms.DateTimeInput):
    """A moment as 2026-12-31 18:30."""

    input_type = "text"

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(
            _typed_attrs(
                attrs,
                placeholder=gettext_lazy("YYYY-MM-DD HH:MM"),
                pattern=r"\d{4}-\d{1,2}-\d{1,2}[ T]([01]?\d|2[0-3]):[0-5]\d",
                size=16,
            ),
            format="%Y-%m-%d %H:%M",
        )
