"""Input shapes for the community screens. Writes and their rules live in ``communities.core.services``."""

from __future__ import annotations

from typing import IO, Any

from django import forms
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.utils.translation import gettext_lazy as _
from taggit.utils import parse_tags

from communities.core.models import Category, Community, Membership, PostRetention
from communities.core.selectors import MAX_QUERY_LENGTH, DirectoryFilters, DirectorySort
from intranet.accounts.forms import BootstrapMixin, PersonField, PersonPicker
from intranet.core.idempotency import IdempotentFormMixin
from intranet.core.images import ACCEPT as IMAGE_ACCEPT
from intranet.core.images import reencode_upload
from intranet.core.web import apply_errors

# Cover images ------------------------------------------------------------------------------------

COVER_SIZE = (1200, 400)
_COVER_MAX_OUTPUT = 400 * 1024


def cover_from_upload(upload: IO[bytes], *, size: int | None = None) -> ContentFile[bytes]:
    """Validate an uploaded cover and return it re-encoded as a 1200x400 WebP without metadata."""
    content = reencode_upload(upload, box=COVER_SIZE, max_output_bytes=_COVER_MAX_OUTPUT, size=size, keep_alpha=False)
    return ContentFile(content, name="cover.webp")


# Directory ---------------------------------------------------------------------------------------


class DirectoryForm(forms.Form):
    """The directory's query parameters; invalid values fall back to "no filter"."""

    q = forms.CharField(label=_("Search"), required=False, max_length=MAX_QUERY_LENGTH)
    category = forms.SlugField(label=_("Category"), required=False, max_length=100)
    language = forms.ChoiceField(
        label=_("Language"), required=False, choices=[("", _("All languages")), *Community.Language.choices]
    )
    visibility = forms.ChoiceField(
        label=_("Visibility"),
        required=False,
        choices=[
            ("", _("Any visibility")),
            (Community.Visibility.PUBLIC, _("Public")),
            (Community.Visibility.PRIVATE, _("Private")),
            (Community.Visibility.SECRET, _("Secret")),
        ],
    )
    official = forms.BooleanField(label=_("Official only"), required=False)
    mine = forms.BooleanField(label=_("My communities"), required=False)
    sort = forms.ChoiceField(label=_("Sort by"), required=False, choices=DirectorySort.choices)
    cursor = forms.CharField(required=False, max_length=500)

    def filters(self) -> DirectoryFilters:
        data = self.cleaned_data if self.is_valid() else {}
        return DirectoryFilters(
            query=(data.get("q") or "").strip(),
            category=data.get("category") or "",
            language=data.get("language") or "",
            official=bool(data.get("official")),
            mine=bool(data.get("mine")),
            visibility=data.get("visibility") or "",
            sort=data.get("sort") or DirectorySort.ACTIVITY,
        )

    def cursor_value(self) -> str:
        return (self.cleaned_data.get("cursor") or "") if self.is_valid() else ""


# Creating and editing a community ----------------------------------------------------------------


class CommunityForm(BootstrapMixin, forms.Form):
    """Create a community; :class:`CommunitySettingsForm` edits one."""

    name = forms.CharField(label=_("Name"), max_length=120)
    slug = forms.CharField(
        label=_("Address"),
        required=False,
        max_length=80,
        help_text=_("Optional: the last part of the community's web address. Made from the name if left empty."),
    )
    description = forms.CharField(
        label=_("Description"), required=False, max_length=5000, widget=forms.Textarea(attrs={"rows": 4})
    )
    purpose = forms.CharField(
        label=_("Purpose"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Why the community exists and who it is for."),
    )
    category = forms.ModelChoiceField(
        label=_("Category"), required=False, queryset=Category.objects.all(), empty_label=_("No category")
    )
    tags = forms.CharField(
        label=_("Tags"),
        required=False,
        max_length=1200,
        help_text=_("Separate tags with commas, e.g. cycling, sustainability."),
    )
    language = forms.ChoiceField(label=_("Language"), choices=Community.Language.choices)
    visibility = forms.ChoiceField(
        label=_("Visibility"), choices=Community.Visibility.choices, widget=forms.RadioSelect
    )
    join_policy = forms.ChoiceField(
        label=_("Who can join"), choices=Community.JoinPolicy.choices, widget=forms.RadioSelect
    )
    cover_image = forms.FileField(
        label=_("Cover image"),
        required=False,
        widget=forms.FileInput(attrs={"accept": IMAGE_ACCEPT}),
        help_text=_("JPEG, PNG, WebP or GIF, at most 5 MB. It is cropped to a wide banner."),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._style_widgets()
        for name in ("visibility", "join_policy"):
            self.fields[name].widget.attrs["class"] = "form-check-input"

    def clean_tags(self) -> list[str]:
        return parse_tags(self.cleaned_data["tags"])

    def clean_cover_image(self) -> ContentFile[bytes] | None:
        upload = self.cleaned_data.get("cover_image")
        if not upload:
            return None
        return cover_from_upload(upload, size=upload.size)

    def add_service_errors(self, exc: ValidationError) -> None:
        """Put a service's ``ValidationError`` on the fields it names (the slug errors of
        ``community_create`` carry codes instead of field names)."""
        if not hasattr(exc, "error_dict") and exc.code in ("duplicate_slug", "invalid_slug") and "slug" in self.fields:
            self.add_error("slug", exc.messages)
            return
        apply_errors(self, exc)


class CommunityCreateForm(IdempotentFormMixin, CommunityForm):
    """The create form: a :class:`CommunityForm` sent once, however often it is submitted."""


class CommunitySettingsForm(CommunityForm):
    """The settings of an existing community: everything but the address; the official flag only
    when the viewer may set it."""

    remove_cover = forms.BooleanField(label=_("Remove the current cover image"), required=False)
    is_official = forms.BooleanField(label=_("Official community"), required=False)
    post_retention_days = forms.IntegerField(
        label=_("Keep posts for (days)"),
        min_value=0,
        max_value=36500,
        required=False,
        help_text=_("Posts older than this are archived or deleted every night. 0 or empty keeps them for ever."),
    )
    post_retention_action = forms.ChoiceField(label=_("Then"), choices=PostRetention.choices, required=False)

    def __init__(
        self, *args: Any, can_set_official: bool = False, can_set_retention: bool = False, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        del self.fields["slug"]
        if not can_set_official:
            del self.fields["is_official"]
        if not can_set_retention:
            del self.fields["post_retention_days"]
            del self.fields["post_retention_action"]

    @classmethod
    def initial_for(cls, community: Community) -> dict[str, Any]:
        return {
            "name": community.name,
            "description": community.description,
            "purpose": community.purpose,
            "category": community.category_id,
            # The stored copy keeps the order the tags were entered in, and costs no query.
            "tags": community.tag_names,
            "language": community.language,
            "visibility": community.visibility,
            "join_policy": community.join_policy,
            "is_official": community.is_official,
            "post_retention_days": community.post_retention_days,
            "post_retention_action": community.post_retention_action,
        }


# Membership actions ------------------------------------------------------------------------------


class MessageForm(forms.Form):
    """An optional message with a request to join or with a decision."""

    message = forms.CharField(
        label=_("Message (optional)"),
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 2, "class": "form-control"}),
    )


class ReasonForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason (optional)"),
        required=False,
        max_length=1000,
        widget=forms.TextInput(attrs={"class": "form-control"}),
    )


class InviteForm(forms.Form):
    person = PersonField(
        label=_("Person"),
        help_text=_("Start typing their name and choose them from the list."),
        widget=PersonPicker(
            attrs={"id": "invite-person", "class": "form-control mb-1", "aria-describedby": "invite-person-help"},
            include_self=False,
        ),
    )


class BulkInviteForm(forms.Form):
    addresses = forms.CharField(
        label=_("E-mail addresses"),
        required=False,
        max_length=200_000,
        widget=forms.Textarea(attrs={"rows": 6, "class": "form-control"}),
        help_text=_("One per line, or separated by commas or semicolons."),
    )
    csv_file = forms.FileField(
        label=_("or a CSV file"),
        required=False,
        widget=forms.FileInput(attrs={"accept": ".csv,text/csv", "class": "form-control"}),
        help_text=_("A column headed “E-mail”, or any cell with an address in each row. At most 1 MB."),
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not (data.get("addresses") or "").strip() and not data.get("csv_file"):
            raise ValidationError(_("Enter e-mail addresses or upload a CSV file."), code="empty")
        return data


class RoleForm(forms.Form):
    role = forms.ChoiceField(label=_("Role"), choices=Membership.Role.choices)


class NotificationLevelForm(forms.Form):
    level = forms.ChoiceField(label=_("Notifications"), choices=Membership.NotificationLevel.choices)


class MemberSearchForm(forms.Form):
    q = forms.CharField(label=_("Name"), required=False, max_length=MAX_QUERY_LENGTH)
    cursor = forms.CharField(required=False, max_length=500)

    def values(self) -> tuple[str, str]:
        if not self.is_valid():
            return "", ""
        return (self.cleaned_data.get("q") or "").strip(), self.cleaned_data.get("cursor") or ""
