"""django-allauth adapters: who may sign up, and how new accounts get their identity fields.

Sign-up with e-mail and password is closed unless ``SIGNUP_EMAIL_DOMAINS`` lists company domains
or the session carries a usable invitation (put there by the invitation link). Single sign-on
users may always sign up: the company identity provider is the authority on who is an employee.
"""

from __future__ import annotations

from typing import Any

from allauth.account.adapter import DefaultAccountAdapter
from allauth.core.exceptions import ImmediateHttpResponse
from allauth.socialaccount.adapter import DefaultSocialAccountAdapter
from django import forms
from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import HttpRequest
from django.shortcuts import render
from django.utils.translation import gettext as _

from intranet.core.clientip import client_ip

from .invitations import InvitationUnusableError, invitation_accept, invitation_forget, invitation_pending
from .models import Profile, User, unique_handle
from .text import handle_from, search_name_for

# The allauth URL names of the e-mail and password sign-up; the social sign-up form is exempt.
_PASSWORD_SIGNUP_URL_NAMES = frozenset({"account_signup"})


def email_domain(email: str) -> str:
    return email.rsplit("@", 1)[-1].strip().lower() if "@" in email else ""


def signup_domain_allowed(email: str) -> bool:
    """Whether ``email`` belongs to one of the configured company domains."""
    return email_domain(email) in {d.lower() for d in settings.SIGNUP_EMAIL_DOMAINS}


def _is_password_signup(request: HttpRequest | None) -> bool:
    match = getattr(request, "resolver_match", None)
    return match is not None and match.url_name in _PASSWORD_SIGNUP_URL_NAMES


def _invitation_matches(invitation: Any, email: str) -> bool:
    return invitation is not None and invitation.email.lower() == email.strip().lower()


class AccountAdapter(DefaultAccountAdapter):
    def get_client_ip(self, request: HttpRequest) -> str:
        """The address allauth's rate limits key on: the client's, behind the trusted proxies."""
        ip = client_ip(request)
        if not ip:
            raise PermissionDenied("Unable to determine the client's IP address")
        return ip

    def is_open_for_signup(self, request: HttpRequest) -> bool:
        return bool(settings.SIGNUP_EMAIL_DOMAINS) or invitation_pending(request) is not None

    def clean_email(self, email: str) -> str:
        email = super().clean_email(email)
        # The domain policy guards only the e-mail and password sign-up; the same hook also runs
        # for addresses coming from the identity provider, e-mail management and password reset.
        request = self.request
        if not _is_password_signup(request):
            return email
        if signup_domain_allowed(email) or _invitation_matches(invitation_pending(request), email):
            return email
        if invitation_pending(request) is not None:
            raise forms.ValidationError(
                _("This invitation is for a different e-mail address. Sign up with the address it was sent to."),
                code="invitation_email_mismatch",
            )
        domains = ", ".join(sorted(settings.SIGNUP_EMAIL_DOMAINS))
        raise forms.ValidationError(
            _(
                "Only company e-mail addresses (%(domains)s) can sign up. "
                "If you need an account with another address, ask for an invitation."
            )
            % {"domains": domains},
            code="email_domain_not_allowed",
        )

    def populate_username(self, request: HttpRequest, user: Any) -> None:
        """Fill the identity fields a new user needs: display name, handle and search name."""
        super().populate_username(request, user)
        email = (user.email or "").lower()
        user.email = email
        if not user.display_name:
            user.display_name = email.split("@", 1)[0].replace(".", " ").title()[:150]
        if not user.handle:
            user.handle = unique_handle(handle_from(email))
        user.search_name = search_name_for(user.display_name)

    def save_user(self, request: HttpRequest, user: Any, form: Any, commit: bool = True) -> Any:
        email = form.cleaned_data.get("email") or ""
        invitation = invitation_pending(request)
        if not commit or invitation is None or not _invitation_matches(invitation, email):
            user = super().save_user(request, user, form, commit=commit)
            if commit:
                Profile.objects.get_or_create(user=user)
            return user
        try:
            # The account and the spent invitation commit together, or neither does.
            with transaction.atomic():
                user = super().save_user(request, user, form, commit=True)
                Profile.objects.get_or_create(user=user)
                invitation_accept(invitation=invitation, user=user)
        except InvitationUnusableError:
            invitation_forget(request)
            if signup_domain_allowed(email):
                user.pk = None  # the insert was rolled back with the invitation
                return self.save_user(request, user, form, commit=commit)
            raise ImmediateHttpResponse(render(request, "account/signup_closed.html", status=403)) from None
        invitation_forget(request, keep_for_request=True)
        return user


class SocialAccountAdapter(DefaultSocialAccountAdapter):
    def is_open_for_signup(self, request: HttpRequest, sociallogin: Any) -> bool:
        # The company identity provider is the authority on who is an employee.
        return True

    def populate_user(self, request: HttpRequest, sociallogin: Any, data: dict[str, Any]) -> User:
        user: User = super().populate_user(request, sociallogin, data)
        name = (data.get("name") or " ".join(filter(None, [data.get("first_name"), data.get("last_name")]))).strip()
        if name:
            user.display_name = name[:150]
        return user

    def save_user(self, request: HttpRequest, sociallogin: Any, form: Any = None) -> Any:
        user = super().save_user(request, sociallogin, form)
        Profile.objects.get_or_create(user=user)
        return user
