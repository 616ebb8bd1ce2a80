"""Input shapes of the post screens. Validation of the domain lives in the services."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from communities.posts.models import Post
from communities.posts.services.attachments import ACCEPT, MAX_ATTACHMENTS
from communities.posts.services.comments import COMMENT_MAX
from communities.posts.services.posts import BODY_MAX, TITLE_MAX
from intranet.core.idempotency import FIELD as IDEMPOTENCY_FIELD
from intranet.core.idempotency import IdempotentFormMixin


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("widget", MultipleFileInput(attrs={"accept": ACCEPT, "class": "form-control"}))
        super().__init__(*args, **kwargs)

    def clean(self, data: Any, initial: Any = None) -> list[Any]:
        if not data:
            return []
        files = data if isinstance(data, list | tuple) else [data]
        return [super(MultipleFileField, self).clean(item, initial) for item in files]


def split_tags(value: str) -> list[str]:
    return [part.strip() for part in value.replace(";", ",").split(",") if part.strip()]


class PostForm(IdempotentFormMixin, forms.Form):
    kind = forms.ChoiceField(
        label=_("Kind"),
        choices=Post.Kind.choices,
        initial=Post.Kind.DISCUSSION,
        widget=forms.RadioSelect(attrs={"class": "form-check-input"}),
    )
    title = forms.CharField(label=_("Title"), max_length=TITLE_MAX)
    body = forms.CharField(
        label=_("Text"),
        max_length=BODY_MAX,
        widget=forms.Textarea(attrs={"rows": 10}),
        help_text=_("Markdown: **bold**, *italic*, lists, links, `code`. Mention people with @."),
    )
    tags = forms.CharField(label=_("Tags"), required=False, max_length=600, help_text=_("Separate tags with commas."))
    attachments = MultipleFileField(
        label=_("Attachments"),
        required=False,
        help_text=_(
            "Up to %(max)d files: images (JPEG, PNG, WebP, GIF, 10 MB) or PDF, Word, Excel, PowerPoint, "
            "text and CSV (20 MB)."
        )
        % {"max": MAX_ATTACHMENTS},
    )

    reason = forms.CharField(
        label=_("Reason for your change"),
        required=False,
        max_length=1000,
        help_text=_("You are editing someone else's text: the author is told, and readers see the note."),
    )

    def __init__(
        self,
        *args: Any,
        kinds: list[tuple[str, Any]] | None = None,
        editing: bool = False,
        moderating: bool = False,
        **kwargs: Any,
    ):
        super().__init__(*args, **kwargs)
        if kinds is not None:
            self.fields["kind"].choices = kinds  # type: ignore[attr-defined]
        if editing:
            del self.fields["kind"]
            del self.fields["attachments"]
            del self.fields[IDEMPOTENCY_FIELD]
        if not moderating:
            del self.fields["reason"]

    def tag_list(self) -> list[str]:
        return split_tags(self.cleaned_data.get("tags", ""))


class CommentForm(IdempotentFormMixin, forms.Form):
    body = forms.CharField(label=_("Your comment"), max_length=COMMENT_MAX, widget=forms.Textarea(attrs={"rows": 3}))
    parent = forms.IntegerField(required=False, widget=forms.HiddenInput)


class CommentEditForm(forms.Form):
    """Editing a comment; ``reason`` only when a moderator edits someone else's comment."""

    body = forms.CharField(label=_("Text"), max_length=COMMENT_MAX, widget=forms.Textarea(attrs={"rows": 5}))
    reason = forms.CharField(
        label=_("Reason for your change"),
        required=False,
        max_length=1000,
        help_text=_("You are editing someone else's text: the author is told, and readers see the note."),
    )

    def __init__(self, *args: Any, moderating: bool = False, **kwargs: Any):
        super().__init__(*args, **kwargs)
        if not moderating:
            del self.fields["reason"]


class ReactionForm(forms.Form):
    target = forms.ChoiceField(choices=[("post", "post"), ("comment", "comment")])
    pk = forms.IntegerField(min_value=1)
    kind = forms.CharField(max_length=20)
