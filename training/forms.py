"""Form helpers shared by the training features."""

from __future__ import annotations

from typing import Any

from intranet.accounts.forms import BootstrapMixin as _BootstrapMixin


class BootstrapMixin(_BootstrapMixin):
    """The project's Bootstrap styling (:class:`intranet.accounts.forms.BootstrapMixin`), applied
    when the form is built and, for invalid fields, after validation."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._style_widgets()

    def full_clean(self) -> None:
        super().full_clean()  # type: ignore[misc]
        self.mark_invalid()
