"""Input shapes for the people screens."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _
from taggit.utils import edit_string_for_tags, parse_tags

from intranet.core.forms import BootstrapMixin

from . import images
from .selectors import MAX_QUERY_LENGTH
from .services import MAX_LANGUAGES, MAX_SKILLS, validate_plain_text

# Re-exported for the apps that still import it from here (communities, meetups); its home is core.
__all__ = ["BootstrapMixin", "DirectorySearchForm", "ProfileForm"]


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
