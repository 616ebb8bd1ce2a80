"""The coordinators' form of a career level: names and descriptions in English and German, rank,
requirements, and the rights chosen from the registry (each with its explanation)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django import forms
from django.core.validators import MaxValueValidator, MinValueValidator
from django.utils.translation import gettext_lazy as _

from intranet.core.forms import BootstrapMixin
from intranet.core.idempotency import IdempotentFormMixin
from training.programmes.models import Programme

from .models import EvidenceKind, Level
from .rights import Right, rights_all


class ProgrammeChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        if obj.published:
            return str(obj.title)
        return str(_("%(title)s (not published)") % {"title": obj.title})


@dataclass(frozen=True)
class RightOption:
    right: Right
    checked: bool
    html_id: str


class LevelForm(IdempotentFormMixin, BootstrapMixin, forms.ModelForm):
    rights = forms.MultipleChoiceField(
        label=_("Rights this level unlocks"),
        required=False,
        widget=forms.CheckboxSelectMultiple(attrs={"class": "form-check-input"}),
        help_text=_("Rights add up: a level also holds every right of the levels ranked below it."),
        error_messages={"invalid_choice": _("“%(value)s” is no right a level can unlock.")},
    )
    required_programmes = ProgrammeChoiceField(
        label=_("Required certificates"),
        queryset=Programme.objects.order_by("title", "pk"),
        required=False,
        widget=forms.CheckboxSelectMultiple(attrs={"class": "form-check-input"}),
        help_text=_("A valid certificate of each chosen programme is required."),
    )
    min_health_score = forms.IntegerField(
        label=_("Minimum health score"),
        required=False,
        validators=[MinValueValidator(0), MaxValueValidator(100)],
        help_text=_("Only for the evidence “health score”: the score (0 to 100) a community one runs must reach."),
    )
    clear_unrecognised = forms.BooleanField(
        label=_("Remove the unrecognised old entries"),
        required=False,
    )

    class Meta:
        model = Level
        fields = [
            "name_de",
            "name_en",
            "description_de",
            "description_en",
            "rank",
            "min_manager_months",
            "evidence",
            "min_health_score",
        ]
        widgets = {
            "description_de": forms.Textarea(attrs={"rows": 3}),
            "description_en": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        rights = self.fields["rights"]
        assert isinstance(rights, forms.MultipleChoiceField)
        rights.choices = [(r.code, r.label) for r in rights_all()]
        # Both languages are required here; the model allows an empty German name only for levels
        # that existed before names had two languages.
        self.fields["name_de"].required = True
        self.fields["name_en"].required = True
        if self.instance.pk is not None:
            self.fields["rights"].initial = self.instance.right_codes
            self.fields["required_programmes"].initial = [p.pk for p in self.instance.required_programmes.all()]
        if not self.instance.unrecognised_rights:
            del self.fields["clear_unrecognised"]
        self.style()

    def validate_unique(self) -> None:
        # The service checks the rank (and names the level holding it); checking here first would
        # turn a resent create form into an error instead of the level it created.
        return

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        if data.get("evidence") == EvidenceKind.HEALTH and data.get("min_health_score") is None:
            self.add_error("min_health_score", _("Give the health score a community must reach for this evidence."))
        return data

    def right_options(self) -> list[RightOption]:
        """Every right of the registry with its explanation and whether it is chosen (for the
        template, which shows each one's explanation next to its box)."""
        if self.is_bound:
            chosen = set(self.data.getlist(self.add_prefix("rights")) if hasattr(self.data, "getlist") else [])
        else:
            chosen = set(self.fields["rights"].initial or [])
        return [RightOption(right=r, checked=r.code in chosen, html_id=f"id_rights_{r.code}") for r in rights_all()]
