"""Input shapes for the people screens."""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from typing import Any

from django import forms
from django.urls import reverse_lazy
from django.utils.translation import gettext_lazy as _
from taggit.utils import edit_string_for_tags, parse_tags

from intranet.core.forms import BootstrapMixin

from . import images
from .selectors import MAX_QUERY_LENGTH
from .services import MAX_LANGUAGES, MAX_SKILLS, validate_plain_text

# Re-exported for the apps that still import it from here (communities, meetups); its home is core.
__all__ = ["BootstrapMixin", "DirectorySearchForm", "PersonField", "PersonPicker", "ProfileForm"]


def _split_list(value: str) -> list[str]:
    return [part.strip() for part in value.replace(";", ",").split(",") if part.strip()]


class ProfileForm(BootstrapMixin, forms.Form):
    display_name = forms.CharField(
        label=_("Name"),
        max_length=150,
        help_text=_("The name colleagues know you by."),
        validators=[validate_plain_text],
    )
    job_title = forms.CharField(label=_("Job title"), max_length=150, required=False, validators=[validate_plain_text])
    department = forms.CharField(
        label=_("Department"), max_length=150, required=False, validators=[validate_plain_text]
    )
    location = forms.CharField(label=_("Location"), max_length=150, required=False, validators=[validate_plain_text])
    languages = forms.CharField(
        label=_("Languages"),
        required=False,
        max_length=900,
        help_text=_("Separate languages with commas, e.g. German, English."),
    )
    skills = forms.CharField(
        label=_("Skills and interests"),
        required=False,
        max_length=3000,
        help_text=_("Separate skills with commas, e.g. Python, project management, cycling."),
    )
    bio = forms.CharField(
        label=_("About me"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("Plain text, up to 2,000 characters."),
        validators=[validate_plain_text],
    )
    avatar = forms.FileField(
        label=_("Profile picture"),
        required=False,
        widget=forms.FileInput(attrs={"accept": images.ACCEPT}),
        help_text=_("JPEG, PNG, WebP or GIF, at most 5 MB. It is cropped to a square."),
    )
    remove_avatar = forms.BooleanField(label=_("Remove my current picture"), required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._style_widgets()

    @classmethod
    def initial_for(cls, user: Any, profile: Any) -> dict[str, Any]:
        return {
            "display_name": user.display_name,
            "job_title": profile.job_title,
            "department": profile.department,
            "location": profile.location,
            "languages": ", ".join(profile.languages),
            "skills": edit_string_for_tags(list(profile.skills.all())),
            "bio": profile.bio,
        }

    def clean_languages(self) -> list[str]:
        languages = _split_list(self.cleaned_data["languages"])
        if len(languages) > MAX_LANGUAGES:
            raise forms.ValidationError(_("Please list at most %(max)d languages."), params={"max": MAX_LANGUAGES})
        if any(len(language) > 40 for language in languages):
            raise forms.ValidationError(_("Each language may have at most 40 characters."))
        for language in languages:
            validate_plain_text(language)
        return languages

    def clean_skills(self) -> list[str]:
        skills = parse_tags(self.cleaned_data["skills"])
        if len(skills) > MAX_SKILLS:
            raise forms.ValidationError(_("Please list at most %(max)d skills."), params={"max": MAX_SKILLS})
        if any(len(skill) > 100 for skill in skills):
            raise forms.ValidationError(_("Each skill may have at most 100 characters."))
        for skill in skills:
            validate_plain_text(skill)
        return skills

    def clean_avatar(self) -> images.ProcessedAvatar | None:
        upload = self.cleaned_data.get("avatar")
        if not upload:
            return None
        return images.avatar_from_upload(upload, size=upload.size)


class DirectorySearchForm(forms.Form):
    """The directory's query parameters; unknown filter values simply match nobody."""

    q = forms.CharField(label=_("Name"), required=False, max_length=MAX_QUERY_LENGTH)
    department = forms.CharField(label=_("Department"), required=False, max_length=150)
    location = forms.CharField(label=_("Location"), required=False, max_length=150)
    skill = forms.CharField(label=_("Skill"), required=False, max_length=100)
    cursor = forms.CharField(required=False, max_length=500)

    def values(self) -> dict[str, str]:
        if not self.is_valid():
            return {"q": "", "department": "", "location": "", "skill": "", "cursor": ""}
        return {
            key: (self.cleaned_data.get(key) or "").strip()
            for key in ("q", "department", "location", "skill", "cursor")
        }


# The person picker --------------------------------------------------------------------------------

_TOKEN_SEPARATORS = re.compile(r"[\s,;]+")


class PersonPicker(forms.TextInput):
    """The one way a form asks for a person (or several): a name autocomplete.

    Rendered as a plain text input that takes handles or e-mail addresses, so the form works
    without JavaScript; assets/js/people_picker.js turns it into an ARIA combobox over
    ``accounts:person_options`` (typo- and umlaut-tolerant, like the directory): the typed name
    shows a listbox, the arrow keys move, Enter picks, and the picked people show as chips while
    the input carries their handles. ``people`` are the already chosen ``(handle, name)`` pairs a
    form shows as chips (an edit form's current trainers); ``include_self=False`` leaves the
    viewer out of the options. ``options_url`` names a narrower options endpoint answering the same
    listbox (the people who may be assigned an inbox item).
    """

    def __init__(
        self,
        attrs: dict[str, Any] | None = None,
        *,
        multiple: bool = False,
        include_self: bool = True,
        people: Iterable[tuple[str, str]] = (),
        options_url: str = "",
    ) -> None:
        super().__init__({"class": "form-control", "autocomplete": "off", "spellcheck": "false", **(attrs or {})})
        self.multiple = multiple
        self.include_self = include_self
        self.people = list(people)
        self.options_url = options_url

    def get_context(self, name: str, value: Any, attrs: dict[str, Any] | None) -> dict[str, Any]:
        context = super().get_context(name, value, attrs)
        widget_attrs = context["widget"]["attrs"]
        widget_attrs.update(
            {
                "data-person-picker": "",
                "data-options-url": self.options_url or str(reverse_lazy("accounts:person_options")),
                "data-multiple": "1" if self.multiple else "0",
                "data-self": "1" if self.include_self else "0",
                "data-chosen": json.dumps([{"handle": h, "name": n} for h, n in self.people]),
                "data-search-label": str(_("Type a name")),
                "data-remove-label": str(_("Remove {name}")),
            }
        )
        return context


class PersonField(forms.CharField):
    """A person (or, with ``multiple``, several) named by handle or e-mail address, as the
    :class:`PersonPicker` sends them. Cleans to the token (``str``) or the tokens (``list[str]``),
    without a leading "@"; whoever uses the form resolves them for its viewer (for example with
    :func:`intranet.accounts.selectors.users_for_choice`) and answers unknown ones on the field.
    """

    def __init__(self, *, multiple: bool = False, include_self: bool = True, **kwargs: Any) -> None:
        kwargs.setdefault("max_length", 2000 if multiple else 254)
        kwargs.setdefault("widget", PersonPicker(multiple=multiple, include_self=include_self))
        super().__init__(**kwargs)
        self.multiple = multiple

    def to_python(self, value: Any) -> Any:
        text = super().to_python(value) or ""
        if self.max_length is not None and len(text) > self.max_length:
            raise forms.ValidationError(_("That is too long for names of people."), code="max_length")
        if not self.multiple:
            return text.strip().lstrip("@")
        tokens = [token.lstrip("@") for token in _TOKEN_SEPARATORS.split(text) if token.lstrip("@")]
        return list(dict.fromkeys(tokens))

    def validate(self, value: Any) -> None:
        if self.required and not value:
            raise forms.ValidationError(self.error_messages["required"], code="required")

    def run_validators(self, value: Any) -> None:
        # The length is checked on the text in to_python; the validators would see the tokens.
        return None

    def prepare_value(self, value: Any) -> Any:
        if isinstance(value, (list, tuple)):
            return ", ".join(str(item) for item in value)
        return value
