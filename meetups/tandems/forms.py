"""Input shapes of the tandem screens (rules and validation of content live in the services)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from intranet.accounts.forms import BootstrapMixin
from intranet.core.forms import IsoDateInput
from intranet.core.idempotency import IdempotentFormMixin
from meetups.organisations.selectors import external_organisations_for_choice

from .models import MAX_LEARNINGS_LENGTH, MAX_NOTES_LENGTH, PartnerCommunity


class _Form(BootstrapMixin, forms.Form):
    """Bootstrap classes on every widget (``intranet.accounts.forms.BootstrapMixin``)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._style_widgets()


class MeetingForm(IdempotentFormMixin, _Form):
    date = forms.DateField(label=_("Date of the meeting"), widget=IsoDateInput())
    notes = forms.CharField(
        label=_("Notes"),
        required=False,
        max_length=MAX_NOTES_LENGTH,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("What you talked about and agreed on. Markdown works. Managers of both communities read them."),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not self.is_bound:
            self.initial.setdefault("date", timezone.localdate().isoformat())


class LearningsForm(_Form):
    learnings = forms.CharField(
        label=_("Write or edit the learnings"),
        required=False,
        max_length=MAX_LEARNINGS_LENGTH,
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text=_("What each side learned (Markdown works). Once shared, the members of both communities read it."),
    )


class ReasonForm(_Form):
    reason = forms.CharField(
        label=_("Reason (optional)"), required=False, max_length=1000, widget=forms.Textarea(attrs={"rows": 2})
    )


class ProposalForm(_Form):
    message = forms.CharField(
        label=_("Message to the managers (optional)"),
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class PartnerProposalForm(IdempotentFormMixin, ProposalForm):
    partner = forms.ModelChoiceField(label=_("Partner community"), queryset=PartnerCommunity.objects.none())

    def __init__(self, *args: Any, partners: list[PartnerCommunity], options_url: str = "", **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["partner"]
        if options_url:  # assets/js/partner_picker.js turns the select into a name search over it
            field.widget.attrs.update(
                {"data-partner-options-url": options_url, "data-search-label": str(_("Type a name"))}
            )
        field.queryset = PartnerCommunity.objects.filter(pk__in=[p.pk for p in partners])  # type: ignore[attr-defined]
        field.choices = [("", "---------")] + [(p.pk, f"{p.name} ({p.organisation.name})") for p in partners]  # type: ignore[attr-defined]


class PartnerCommunityForm(IdempotentFormMixin, _Form):
    organisation = forms.ModelChoiceField(label=_("Organisation"), queryset=external_organisations_for_choice())
    name = forms.CharField(label=_("Name of the community"), max_length=160)
    description = forms.CharField(
        label=_("Description"), required=False, max_length=3000, widget=forms.Textarea(attrs={"rows": 3})
    )
    topics = forms.CharField(
        label=_("Topics"),
        required=False,
        max_length=300,
        help_text=_("Comma-separated, e.g. sustainability, e-mobility."),
    )
    language = forms.ChoiceField(label=_("Language"), choices=PartnerCommunity.Language.choices)
    approx_members = forms.IntegerField(
        label=_("Approximate number of members"), required=False, min_value=1, max_value=1_000_000
    )
    contact_name = forms.CharField(label=_("Contact person at the partner"), max_length=160)
