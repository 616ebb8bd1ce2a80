"""Input shapes of the moderation screens (validation of content lives in the services)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from communities.moderation.models import CommunityRules, Report, WatchedWord

MUTE_DURATIONS = [
    ("1h", _("1 hour"), dt.timedelta(hours=1)),
    ("1d", _("1 day"), dt.timedelta(days=1)),
    ("3d", _("3 days"), dt.timedelta(days=3)),
    ("7d", _("1 week"), dt.timedelta(days=7)),
    ("30d", _("30 days"), dt.timedelta(days=30)),
]


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


class ReportForm(StyledForm):
    reason = forms.ChoiceField(label=_("What is wrong?"), choices=Report.Reason.choices, widget=forms.RadioSelect)
    text = forms.CharField(
        label=_("Details for the moderators"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Required for “Other”. Only the moderators read it."),
    )


class ReasonForm(StyledForm):
    reason = forms.CharField(
        label=_("Reason (the member reads it)"),
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class NoteForm(StyledForm):
    note = forms.CharField(label=_("Note"), required=False, max_length=1000, widget=forms.Textarea(attrs={"rows": 2}))


class WarnForm(StyledForm):
    note = forms.CharField(
        label=_("Private note to the member"), max_length=1000, widget=forms.Textarea(attrs={"rows": 3})
    )


class MuteForm(StyledForm):
    duration = forms.ChoiceField(label=_("Mute for"), choices=[(key, label) for key, label, _d in MUTE_DURATIONS])
    reason = forms.CharField(
        label=_("Reason (the member reads it)"), max_length=1000, widget=forms.Textarea(attrs={"rows": 2})
    )

    def delta(self) -> dt.timedelta:
        return {key: delta for key, _l, delta in MUTE_DURATIONS}[self.cleaned_data["duration"]]


class RulesForm(StyledForm):
    premoderation = forms.ChoiceField(
        label=_("Approve before publishing"), choices=CommunityRules.Premoderation.choices, widget=forms.RadioSelect
    )
    premoderation_posts = forms.IntegerField(
        label=_("Posts to approve per new member"), min_value=1, max_value=50, initial=3
    )
    new_member_days = forms.IntegerField(label=_("New-member period (days)"), min_value=0, max_value=365, initial=7)
    new_member_posts_per_day = forms.IntegerField(
        label=_("Posts per day for new members"),
        min_value=0,
        max_value=100,
        initial=0,
        help_text=_("0 means no limit."),
    )
    tonality = forms.ChoiceField(
        label=_("How the managers address members"),
        choices=CommunityRules.Tonality.choices,
        help_text=_("Used by saved replies."),
    )


# The test box shows what the watched words do to a sample, not to a whole document.
TEST_TEXT_MAX = 5000


class WordForm(StyledForm):
    pattern = forms.CharField(label=_("Word, phrase or pattern"), max_length=200)
    is_regex = forms.BooleanField(label=_("Regular expression"), required=False)
    action = forms.ChoiceField(label=_("What happens"), choices=WatchedWord.Action.choices)


class WordTestForm(StyledForm):
    text = forms.CharField(
        label=_("Sample text"),
        max_length=TEST_TEXT_MAX,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"max_length": _("The sample text may have at most %(limit_value)d characters.")},
    )
    pattern = forms.CharField(label=_("Try a new pattern (optional)"), max_length=200, required=False)
    is_regex = forms.BooleanField(label=_("Regular expression"), required=False)


class MoveForm(StyledForm):
    community = forms.IntegerField(label=_("Move to"))
    reason = forms.CharField(
        label=_("Reason (the member reads it)"), max_length=1000, widget=forms.Textarea(attrs={"rows": 2})
    )
