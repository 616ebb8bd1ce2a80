"""Shared form helpers of the UI: Bootstrap styling of widgets and invalid fields."""

from __future__ import annotations

from typing import Any

from django import forms

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
