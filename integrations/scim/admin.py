"""Staff issue and revoke identity-provider tokens in the Django admin; the secret shows once."""

from __future__ import annotations

from typing import Any

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.forms import ModelForm
from django.http import HttpRequest
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from .models import ScimToken
from .permissions import can_manage_scim_tokens
from .tokens import scim_token_create, scim_token_revoke


@admin.register(ScimToken)
class ScimTokenAdmin(admin.ModelAdmin[ScimToken]):
    list_display = ("name", "prefix", "created_by", "created_at", "last_used_at", "revoked_at")
    readonly_fields = ("prefix", "created_by", "created_at", "last_used_at", "revoked_at")
    fields = ("name", *readonly_fields)
    actions = ["revoke"]

    def has_module_permission(self, request: HttpRequest) -> bool:
        return can_manage_scim_tokens(request.user)

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return can_manage_scim_tokens(request.user)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return can_manage_scim_tokens(request.user)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False  # revoke instead, so the audit trail keeps the token's name

    def save_model(self, request: HttpRequest, obj: ScimToken, form: ModelForm[ScimToken], change: bool) -> None:
        token, raw = scim_token_create(actor=request.user, name=obj.name)  # type: ignore[arg-type]
        obj.pk = token.pk
        obj.prefix, obj.digest, obj.created_by, obj.created_at = (
            token.prefix,
            token.digest,
            token.created_by,
            token.created_at,
        )
        messages.warning(
            request,
            gettext("Copy the token now, it is not shown again: %(token)s") % {"token": raw},
        )

    @admin.action(description=_("Revoke the selected tokens"))
    def revoke(self, request: HttpRequest, queryset: QuerySet[ScimToken]) -> None:
        for token in queryset.order_by("pk"):
            scim_token_revoke(actor=request.user, token=token)  # type: ignore[arg-type]
        messages.success(request, gettext("The selected tokens are revoked."))
