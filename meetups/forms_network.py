"""Input shapes of the network and tandem screens (rules and validation of content live in services)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .models import Organisation, PartnerCommunity
from .models.network import MAX_ADVICE_TOPICS_LENGTH
from .models.tandems import MAX_LEARNINGS_LENGTH, MAX_NOTES_LENGTH
from .selectors_network import NetworkFilters


class StyledForm(forms.Form):
    """Bootstrap classes on every widget."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            widget = field.widget
            if isinstance(widget, forms.CheckboxInput | forms.RadioSelect):
                widget.attrs.setdefault("class", "form-check-input")
            elif isinstance(widget, forms.Select):
                widget.attrs.setdefault("class", "form-select")
            else:
                widget.attrs.setdefault("class", "form-control")
            if self.is_bound and field in self.errors:
                widget.attrs["class"] += " is-invalid"


class NetworkFilterForm(forms.Form):
    q = forms.CharField(required=False, max_length=100)
    skill = forms.SlugField(required=False, max_length=100)
    language = forms.CharField(required=False, max_length=40)
    category = forms.SlugField(required=False, max_length=100)
    cursor = forms.CharField(required=False, max_length=500)

    def filters(self) -> NetworkFilters:
        if not self.is_valid():
            return NetworkFilters()
        data = self.cleaned_data
        return NetworkFilters(
            query=data["q"].strip(), skill=data["skill"], language=data["language"].strip(), category=data["category"]
        )

    def cursor_value(self) -> str:
        return self.cleaned_data.get("cursor", "") if self.is_valid() else ""


class AdviceForm(StyledForm):
    body = forms.CharField(
        label=_("Your message"),
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("It starts (or continues) your direct conversation with this manager."),
    )


class NetworkProfileForm(StyledForm):
    opted_out = forms.BooleanField(
        label=_("Do not list me in the managers' network"),
        required=False,
        help_text=_("Colleagues will not find you in the network and cannot ask you for advice through it."),
    )
    advice_topics = forms.CharField(
        label=_("I am happy to advise on"),
        required=False,
        max_length=MAX_ADVICE_TOPICS_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("For example: growing a new community, running Q&A sessions, moderation."),
    )


class MeetingForm(StyledForm):
    date = forms.DateField(label=_("Date of the meeting"), widget=forms.DateInput(attrs={"type": "date"}))
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


class LearningsForm(StyledForm):
    learnings = forms.CharField(
        label=_("Write or edit the learnings"),
        required=False,
        max_length=MAX_LEARNINGS_LENGTH,
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text=_("What each side learned (Markdown works). Once shared, the members of both communities read it."),
    )


class ReasonForm(StyledForm):
    reason = forms.CharField(
        label=_("Reason (optional)"), required=False, max_length=1000, widget=forms.Textarea(attrs={"rows": 2})
    )


class ProposalForm(StyledForm):
    message = forms.CharField(
        label=_("Message to the managers (optional)"),
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class PartnerProposalForm(ProposalForm):
    partner = forms.ModelChoiceField(label=_("Partner community"), queryset=PartnerCommunity.objects.none())

    def __init__(self, *args: Any, partners: list[PartnerCommunity], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["partner"]
        field.queryset = PartnerCommunity.objects.filter(pk__in=[p.pk for p in partners])  # type: ignore[attr-defined]
        field.choices = [("", "---------")] + [(p.pk, f"{p.name} ({p.organisation.name})") for p in partners]  # type: ignore[attr-defined]


class PartnerCommunityForm(StyledForm):
    organisation = forms.ModelChoiceField(
        label=_("Organisation"), queryset=Organisation.objects.filter(kind=Organisation.Kind.EXTERNAL)
    )
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
