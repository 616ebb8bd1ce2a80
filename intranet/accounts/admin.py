"""Accounts in the Django admin: look people up and switch accounts off or on.

``is_active`` is read-only on the form: deactivation goes through the admin actions, which call
:func:`intranet.accounts.services.user_deactivate` (audited, and other apps hand over what the
person ran, e.g. community ownership) and :func:`user_reactivate`.
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from .models import User
from .services import user_deactivate, user_reactivate


@admin.register(User)
class UserAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ("email", "display_name", "is_active", "is_staff", "date_joined")
    list_filter = ("is_active", "is_staff")
    search_fields = ("email", "display_name")
    ordering = ("email",)
    fields = ("email", "display_name", "language", "is_active", "is_staff", "is_superuser", "date_joined")
    readonly_fields = ("is_active", "is_staff", "is_superuser", "date_joined")
    actions = ("deactivate_accounts", "reactivate_accounts")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # accounts come from sign-up, invitations and single sign-on

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False  # erasure has its own data-protection workflow

    @admin.action(description=gettext_lazy("Deactivate the selected accounts (hands over what they ran)"))
    def deactivate_accounts(self, request: HttpRequest, queryset: QuerySet[User]) -> None:
        done = 0
        for user in queryset.filter(is_active=True).order_by("pk"):
            try:
                user_deactivate(actor=request.user, user=user, reason=_("Deactivated in the admin"))  # type: ignore[arg-type]
            except (PermissionDenied, ValidationError) as error:
                messages.error(request, f"{user}: {' '.join(getattr(error, 'messages', [str(error)]))}")
            else:
                done += 1
        if done:
            messages.success(
                request, ngettext("%(n)d account deactivated.", "%(n)d accounts deactivated.", done) % {"n": done}
            )

    @admin.action(description=gettext_lazy("Reactivate the selected accounts"))
    def reactivate_accounts(self, request: HttpRequest, queryset: QuerySet[User]) -> None:
        done = 0
        for user in queryset.filter(is_active=False).order_by("pk"):
            try:
                user_reactivate(actor=request.user, user=user)  # type: ignore[arg-type]
            except PermissionDenied:
                messages.error(request, _("You may not reactivate accounts."))
                return
            done += 1
        if done:
            messages.success(
                request, ngettext("%(n)d account reactivated.", "%(n)d accounts reactivated.", done) % {"n": done}
            )
