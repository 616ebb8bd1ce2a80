"""The Community Canvas screens: read, edit (versioned, with conflict detection), history, one
version, the diff between two versions, the printable export, and review comments."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST

from communities.canvas.models import CanvasComment, CanvasVersion
from communities.canvas.permissions import (
    can_edit_canvas,
    can_resolve_canvas_comment,
    can_review_canvas,
    can_view_canvas_comments,
)
from communities.canvas.selectors import (
    CanvasPage,
    ThemeAnswer,
    canvas_comment_get,
    canvas_community_get_for_viewer,
    canvas_get_for_viewer,
    canvas_themes_changed_since,
    canvas_version_get,
    canvas_versions_for_history,
    canvas_versions_get,
    diff_answers,
    is_new_community,
    theme_answers,
)
from communities.canvas.services import (
    MAX_ANSWER_CHARS,
    CanvasConflict,
    canvas_comment_add,
    canvas_comment_resolve,
    canvas_save,
)
from communities.canvas.themes import PARTS, THEMES, THEMES_BY_KEY, Part, Theme
from communities.core.models import Community
from intranet.core.idempotency import expired_response, key_from_post
from intranet.core.markdown import render_markdown
from intranet.core.web import apply_errors, error_message
from intranet.core.web import viewer_of as _viewer

# Forms ------------------------------------------------------------------------------------------


class CanvasForm(forms.Form):
    """One textarea per theme plus the version the editor started from."""

    base_version = forms.IntegerField(min_value=0, widget=forms.HiddenInput)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for theme in THEMES:
            self.fields[theme.key] = forms.CharField(
                label=theme.title,
                required=False,
                max_length=MAX_ANSWER_CHARS,
                strip=False,
                widget=forms.Textarea(attrs={"rows": 4, "class": "form-control"}),
            )

    def answers(self) -> dict[str, str]:
        return {theme.key: self.cleaned_data.get(theme.key) or "" for theme in THEMES}


class CanvasCommentForm(forms.Form):
    theme = forms.ChoiceField(label=gettext_lazy("Theme"), required=False)
    text = forms.CharField(
        label=gettext_lazy("Your comment"), max_length=4000, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choice_field = self.fields["theme"]
        assert isinstance(choice_field, forms.ChoiceField)
        choice_field.choices = [("", _("The whole canvas")), *((theme.key, theme.title) for theme in THEMES)]


# Presentation helpers ---------------------------------------------------------------------------


@dataclass
class PartBlock:
    part: Part
    items: list[Any]


def _rendered(text: str) -> SafeString:
    # render_markdown sanitizes with the platform's nh3 allow-list.
    return mark_safe(render_markdown(text).html) if text.strip() else mark_safe("")  # noqa: S308


def _by_part(items: list[Any], theme_of: Any) -> list[PartBlock]:
    blocks = []
    for part in PARTS:
        inside = [item for item in items if theme_of(item).part == part.key]
        if inside:
            blocks.append(PartBlock(part=part, items=inside))
    return blocks


@dataclass
class ShownAnswer:
    theme: Theme
    text: str
    html: SafeString
    is_answered: bool


@dataclass
class EditField:
    theme: Theme
    field: forms.BoundField
    first: bool
    changed_by_others: bool
    current_html: SafeString


def _shown(answers: list[ThemeAnswer]) -> list[ShownAnswer]:
    return [ShownAnswer(a.theme, a.text, _rendered(a.text), a.is_answered) for a in answers]


def _stage_blocks(answers: list[ThemeAnswer], *, is_new: bool) -> dict[str, Any]:
    """Blocks for the page: in stage-aware mode the first themes, then the rest behind a toggle."""
    shown = _shown(answers)
    first = [s for s, a in zip(shown, answers, strict=True) if a.first]
    rest = [s for s, a in zip(shown, answers, strict=True) if not a.first]
    return {
        "first_blocks": _by_part(first, lambda s: s.theme),
        "rest_blocks": _by_part(rest, lambda s: s.theme),
        "rest_count": len(rest),
        "rest_answered": any(s.is_answered for s in rest),
    }


def _canvas_url(community: Community, name: str = "canvas_detail", **kwargs: Any) -> str:
    return reverse(f"communities:{name}", kwargs={"slug": community.slug, **kwargs})


# Pages ------------------------------------------------------------------------------------------


@login_required
def canvas_detail(request: HttpRequest, slug: str) -> HttpResponse:
    viewer = _viewer(request)
    page: CanvasPage = canvas_get_for_viewer(viewer, slug)
    community = page.community
    comment_rows = [
        {
            "comment": comment,
            "theme": THEMES_BY_KEY.get(comment.theme),
            "may_resolve": can_resolve_canvas_comment(viewer, community, comment),
        }
        for comment in page.comments
    ]
    context: dict[str, Any] = {
        "community": community,
        "page": page,
        "canvas": page.canvas,
        "may_edit": can_edit_canvas(viewer, community),
        "may_review": can_review_canvas(viewer, community),
        "may_see_comments": can_view_canvas_comments(viewer, community),
        "comment_rows": comment_rows,
        "comment_form": CanvasCommentForm(),
        **_stage_blocks(page.answers, is_new=page.is_new),
    }
    return render(request, "communities/canvas/canvas_detail.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def canvas_edit(request: HttpRequest, slug: str) -> HttpResponse:
    viewer = _viewer(request)
    community, canvas = canvas_community_get_for_viewer(viewer, slug)
    if not can_edit_canvas(viewer, community):
        raise PermissionDenied
    current_answers = canvas.answers if canvas else {}
    conflict: CanvasConflict | None = None
    changed_by_others: set[str] = set()
    if request.method == "POST":
        form = CanvasForm(request.POST)
        if form.is_valid():
            try:
                version = canvas_save(
                    actor=viewer,
                    community=community,
                    answers=form.answers(),
                    base_version=form.cleaned_data["base_version"],
                )
            except CanvasConflict as exc:
                conflict = exc
                changed_by_others = canvas_themes_changed_since(community.pk, exc.base_version)
                current_answers = exc.current.answers if exc.current else {}
                # The editor's text stays in the form; the next save builds on the newest version on
                # purpose, after the person has seen what changed.
                data = request.POST.copy()
                data["base_version"] = str(exc.current.number if exc.current else 0)
                form = CanvasForm(data)
                form.is_valid()
            except ValidationError as exc:
                apply_errors(form, exc)
            else:
                messages.success(
                    request, _("Version %(number)s of the canvas has been saved.") % {"number": version.number}
                )
                return redirect(_canvas_url(community))
    else:
        initial: dict[str, Any] = {"base_version": canvas.version_number if canvas else 0}
        initial.update({key: value for key, value in current_answers.items() if key in THEMES_BY_KEY})
        form = CanvasForm(initial=initial)
    is_new = is_new_community(community)
    fields = [
        EditField(
            theme=theme,
            field=form[theme.key],
            first=not is_new or theme.stage_first,
            changed_by_others=theme.key in changed_by_others,
            current_html=_rendered(str(current_answers.get(theme.key) or ""))
            if theme.key in changed_by_others
            else mark_safe(""),
        )
        for theme in THEMES
    ]
    first = [f for f in fields if f.first]
    rest = [f for f in fields if not f.first]
    rest_filled = any(str(f.field.value() or "").strip() for f in rest)
    context = {
        "community": community,
        "canvas": canvas,
        "form": form,
        "is_new": is_new,
        "conflict": conflict,
        "first_blocks": _by_part(first, lambda f: f.theme),
        "rest_blocks": _by_part(rest, lambda f: f.theme),
        "rest_count": len(rest),
        "rest_open": rest_filled or any(f.changed_by_others for f in rest),
    }
    return render(request, "communities/canvas/canvas_edit.html", context, status=409 if conflict else 200)


@login_required
def canvas_history(request: HttpRequest, slug: str) -> HttpResponse:
    viewer = _viewer(request)
    community, canvas = canvas_community_get_for_viewer(viewer, slug)
    versions: list[dict[str, Any]] = []
    next_cursor = None
    if canvas is not None:
        page = canvas_versions_for_history(canvas, cursor=request.GET.get("cursor") or None)
        next_cursor = page.next_cursor
        versions = [
            {
                "version": version,
                "changed": [THEMES_BY_KEY[key] for key in version.changed_themes if key in THEMES_BY_KEY],
            }
            for version in page.items
        ]
    context = {
        "community": community,
        "canvas": canvas,
        "may_edit": can_edit_canvas(viewer, community),
        "versions": versions,
        "next_cursor": next_cursor,
    }
    return render(request, "communities/canvas/canvas_history.html", context)


@login_required
def canvas_version(request: HttpRequest, slug: str, number: int) -> HttpResponse:
    viewer = _viewer(request)
    community, canvas = canvas_community_get_for_viewer(viewer, slug)
    version = canvas_version_get(canvas, number)
    answers = _shown(theme_answers(version.answers, is_new=False))
    context = {
        "community": community,
        "canvas": canvas,
        "may_edit": can_edit_canvas(viewer, community),
        "version": version,
        "blocks": _by_part(answers, lambda s: s.theme),
        "is_current": canvas is not None and canvas.version_number == version.number,
    }
    return render(request, "communities/canvas/canvas_version.html", context)


def _int_param(request: HttpRequest, name: str, default: int) -> int:
    raw = request.GET.get(name)
    if raw is None or raw == "":
        return default
    try:
        value = int(raw)
    except ValueError as exc:
        raise Http404 from exc
    if value < 0:
        raise Http404
    return value


@login_required
def canvas_diff(request: HttpRequest, slug: str) -> HttpResponse:
    viewer = _viewer(request)
    community, canvas = canvas_community_get_for_viewer(viewer, slug)
    if canvas is None or canvas.version_number == 0:
        raise Http404
    new_number = _int_param(request, "to", canvas.version_number)
    old_number = _int_param(request, "from", max(new_number - 1, 0))
    mode = "line" if request.GET.get("mode") == "line" else "word"
    if old_number > new_number:
        old_number, new_number = new_number, old_number
    wanted = {n for n in (old_number, new_number) if n > 0}
    found: dict[int, CanvasVersion] = canvas_versions_get(canvas, wanted)
    old = found.get(old_number)
    new = found.get(new_number)
    diffs = diff_answers(old.answers if old else {}, new.answers if new else {}, mode=mode)
    context = {
        "community": community,
        "canvas": canvas,
        "may_edit": can_edit_canvas(viewer, community),
        "old_number": old_number,
        "new_number": new_number,
        "old": old,
        "new": new,
        "mode": mode,
        "blocks": [
            {
                "part": block.part,
                "changed": [d for d in block.items if d.changed],
                "unchanged": [d for d in block.items if not d.changed],
            }
            for block in _by_part(diffs, lambda d: d.theme)
        ],
        "changed_count": sum(1 for d in diffs if d.changed),
        "numbers": list(range(0, canvas.version_number + 1)),
    }
    return render(request, "communities/canvas/canvas_diff.html", context)


@login_required
def canvas_print(request: HttpRequest, slug: str) -> HttpResponse:
    viewer = _viewer(request)
    community, canvas = canvas_community_get_for_viewer(viewer, slug)
    version: CanvasVersion | None = None
    number = _int_param(request, "version", canvas.version_number if canvas else 0)
    if number > 0:
        version = canvas_version_get(canvas, number)
    answers = _shown(theme_answers(version.answers if version else {}, is_new=False))
    context = {
        "community": community,
        "canvas": canvas,
        "may_edit": can_edit_canvas(viewer, community),
        "version": version,
        "blocks": _by_part(answers, lambda s: s.theme),
    }
    return render(request, "communities/canvas/canvas_print.html", context)


@login_required
@require_POST
def canvas_comment_create(request: HttpRequest, slug: str) -> HttpResponse:
    viewer = _viewer(request)
    community, _canvas = canvas_community_get_for_viewer(viewer, slug)
    if not can_review_canvas(viewer, community):
        raise PermissionDenied
    key = key_from_post(request)
    if key is None:
        return expired_response(request)
    form = CanvasCommentForm(request.POST)
    if form.is_valid():
        try:
            canvas_comment_add(
                actor=viewer,
                community=community,
                text=form.cleaned_data["text"],
                theme=form.cleaned_data["theme"],
                idempotency_key=key,
            )
        except ValidationError as exc:
            error_message(request, exc)
        else:
            messages.success(request, _("Your comment has been added for the managers."))
    else:
        messages.error(request, _("Please write a comment."))
    return redirect(_canvas_url(community) + "#canvas-comments")


@login_required
@require_POST
def canvas_comment_resolve_view(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    viewer = _viewer(request)
    community, canvas = canvas_community_get_for_viewer(viewer, slug)
    if not can_view_canvas_comments(viewer, community):
        raise Http404
    comment: CanvasComment = canvas_comment_get(canvas, pk)
    if not can_resolve_canvas_comment(viewer, community, comment):
        raise PermissionDenied
    canvas_comment_resolve(actor=viewer, community=community, comment=comment)
    messages.success(request, _("The comment is marked as resolved."))
    return redirect(_canvas_url(community) + "#canvas-comments")
