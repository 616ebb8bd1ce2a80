"""Sign-in extras around django-allauth: the invitation link, the staff invitation page, sign-in."""

from __future__ import annotations

from typing import Any

from allauth.account.adapter import get_adapter
from allauth.account.views import LoginView as AllauthLoginView
from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from intranet.core.permissions import require

from .invitations import (
    INVITATION_STATES,
    MAX_ADDRESSES_PER_REQUEST,
    InvitationOutcome,
    InvitationUnusableError,
    invitation_addresses_split,
    invitation_get_usable,
    invitation_invite_addresses,
    invitation_list_for_staff,
    invitation_remember,
    invitation_resend,
    invitation_revoke,
)
from .models import Invitation
from .permissions import can_invite_people


@require_GET
def invitation_accept(request: HttpRequest, token: str) -> HttpResponse:
    """Open the sign-up for the invited address and send the visitor to the sign-up form.

    The address is treated as verified (the person followed a link sent to it), so the account is
    usable right after sign-up. The invitation is spent only when the account is created.
    """
    if request.user.is_authenticated:
        messages.info(request, _("You are already signed in."))
        return redirect("home")
    invitation = invitation_get_usable(token=token)
    if invitation is None:
        return render(request, "account/invitation_invalid.html", status=410)
    invitation_remember(request, invitation)
    get_adapter(request).stash_verified_email(request, invitation.email)
    return redirect("account_signup")


class LoginView(AllauthLoginView):
    """allauth's sign-in, told whether sign-up is open so the page offers it only when it is."""

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context: dict[str, Any] = super().get_context_data(**kwargs)
        context["signup_open"] = get_adapter(self.request).is_open_for_signup(self.request)
        return context


login = LoginView.as_view()


# The staff invitation page -------------------------------------------------------------------


class InvitationForm(forms.Form):
    addresses = forms.CharField(
        label=gettext_lazy("E-mail addresses"),
        max_length=50_000,
        help_text=gettext_lazy(
            "One or more addresses, separated by commas or line breaks. “Name <address>” works too."
        ),
        widget=forms.Textarea(attrs={"rows": 4, "class": "form-control", "aria-describedby": "id_addresses_help"}),
    )
    resend = forms.BooleanField(
        label=gettext_lazy("Send the invitation again to addresses that already have a pending one"),
        required=False,
        widget=forms.CheckboxInput(attrs={"class": "form-check-input"}),
    )

    def clean_addresses(self) -> list[str]:
        entries = invitation_addresses_split(self.cleaned_data["addresses"])
        if not entries:
            raise forms.ValidationError(_("Enter at least one e-mail address."), code="empty")
        if len(entries) > MAX_ADDRESSES_PER_REQUEST:
            raise forms.ValidationError(
                _("Enter at most %(limit)d addresses at a time.") % {"limit": MAX_ADDRESSES_PER_REQUEST},
                code="too_many",
            )
        return entries


def _report(outcomes: list[InvitationOutcome]) -> dict[str, Any]:
    counts = dict.fromkeys(("invited", "resent", "already_invited", "has_account", "invalid"), 0)
    for outcome in outcomes:
        counts[outcome.status] += 1
    return {"outcomes": outcomes, "counts": counts}


@login_required
@require_http_methods(["GET", "POST"])
def invitation_list(request: HttpRequest) -> HttpResponse:
    """Invite people by e-mail address and follow what became of earlier invitations (staff)."""
    viewer = request.viewer  # type: ignore[attr-defined]
    require(can_invite_people(viewer))
    report: dict[str, Any] | None = None
    if request.method == "POST":
        form = InvitationForm(request.POST)
        if form.is_valid():
            outcomes = invitation_invite_addresses(
                actor=request.user,  # type: ignore[arg-type]
                entries=form.cleaned_data["addresses"],
                resend=form.cleaned_data["resend"],
            )
            report = _report(outcomes)
            # Leave only the addresses that could not be read in the box, ready to be corrected.
            invalid = [outcome.text for outcome in outcomes if outcome.status == "invalid"]
            form = InvitationForm(initial={"addresses": "\n".join(invalid)})
    else:
        form = InvitationForm()

    state = request.GET.get("state", "")
    state = state if state in INVITATION_STATES else ""
    page = invitation_list_for_staff(viewer=viewer, state=state, cursor=request.GET.get("cursor") or None)
    list_url = reverse("account_invitations")
    next_url = ""
    if page.next_cursor:
        next_url = f"{list_url}?{urlencode({**({'state': state} if state else {}), 'cursor': page.next_cursor})}"
    filters = [
        ("", _("All"), list_url),
        *[(value, label, f"{list_url}?state={value}") for value, label in _state_labels()],
    ]
    return render(
        request,
        "accounts/invitation_list.html",
        {
            "form": form,
            "report": report,
            "page": page,
            "next_url": next_url,
            "state": state,
            "filters": filters,
            "is_first_page": not request.GET.get("cursor"),
        },
    )


def _state_labels() -> list[tuple[str, str]]:
    labels = {"pending": _("Pending"), "accepted": _("Accepted"), "expired": _("Expired or revoked")}
    return [(value, labels[value]) for value in INVITATION_STATES]


@login_required
@require_POST
def invitation_revoke_view(request: HttpRequest, pk: int) -> HttpResponse:
    """Revoke a pending invitation (staff); its link stops working at once."""
    try:
        invitation = invitation_revoke(actor=request.user, invitation_id=pk)  # type: ignore[arg-type]
    except Invitation.DoesNotExist:
        raise Http404 from None
    except InvitationUnusableError:
        messages.warning(request, _("This invitation was already accepted, revoked or has expired."))
    else:
        messages.success(request, _("The invitation for %(email)s was revoked.") % {"email": invitation.email})
    return redirect("account_invitations")


@login_required
@require_POST
def invitation_resend_view(request: HttpRequest, pk: int) -> HttpResponse:
    """Mail a pending invitation again (staff), valid for another full period."""
    try:
        invitation = invitation_resend(actor=request.user, invitation_id=pk)  # type: ignore[arg-type]
    except Invitation.DoesNotExist:
        raise Http404 from None
    except InvitationUnusableError:
        messages.warning(request, _("This invitation was already accepted, revoked or has expired."))
    else:
        messages.success(request, _("The invitation for %(email)s was sent again.") % {"email": invitation.email})
    return redirect("account_invitations")
