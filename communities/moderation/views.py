"""Moderation screens: report dialogs, the moderation page of a post or comment, member sanctions,
the community's moderation settings (rules, watched words, test box), platform-wide words, the
moderation logs with CSV export, and a report's page."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect, StreamingHttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from communities.core import selectors
from communities.core.permissions import can_moderate_community
from communities.moderation import selectors as selectors_moderation
from communities.moderation import services as mod
from communities.moderation.forms import (
    MoveForm,
    MuteForm,
    NoteForm,
    ReasonForm,
    ReportForm,
    RulesForm,
    WarnForm,
    WordForm,
    WordTestForm,
)
from communities.moderation.models import WatchedWord
from communities.moderation.permissions import (
    can_hide_comment,
    can_hide_message,
    can_hide_post,
    can_manage_platform_words,
    can_manage_rules,
    can_move_post,
    can_restore_comment,
    can_restore_message,
    can_restore_post,
    can_review_post,
)
from communities.moderation.screening import compile_word, matching_words, rule_name, validate_pattern, words_for
from communities.posts import selectors as selectors_posts
from communities.posts.models import ContentStatus, Post
from communities.posts.permissions import can_report_comment, can_report_post
from intranet.core.csvexport import csv_response
from intranet.core.models import AuditEntry
from intranet.core.pagination import Page
from intranet.core.viewer import Viewer
from intranet.core.web import apply_errors as _apply_errors
from intranet.core.web import error_message
from intranet.core.web import is_htmx as _is_htmx
from intranet.core.web import viewer_of as _viewer

# Reports ----------------------------------------------------------------------------------------


def _report(request: HttpRequest, *, target: dict[str, Any], action_url: str, back_url: str, what: str) -> HttpResponse:
    viewer = _viewer(request)
    form = ReportForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            mod.report_create(
                actor=viewer, reason=form.cleaned_data["reason"], text=form.cleaned_data["text"], **target
            )
        except ValidationError as error:
            _apply_errors(form, error)
        else:
            if _is_htmx(request):
                return render(request, "communities/moderation/_report_done.html", {})
            messages.success(request, _("Thank you. The moderators will look at it."))
            return HttpResponseRedirect(back_url)
    context = {"form": form, "action_url": action_url, "back_url": back_url, "what": what}
    if _is_htmx(request):  # htmx swaps 200 responses only: errors come back as 200 too
        return render(request, "communities/moderation/_report_form.html", context)
    status = 400 if request.method == "POST" else 200
    return render(request, "communities/moderation/report_page.html", context, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def post_report(request: HttpRequest, pk: int) -> HttpResponse:
    viewer = _viewer(request)
    post = selectors_posts.post_get_for_action(viewer, pk)
    if not can_report_post(viewer, post):
        raise PermissionDenied
    url = reverse("communities:post_report", kwargs={"pk": pk})
    return _report(request, target={"post": post}, action_url=url, back_url=post.get_absolute_url(), what=post.title)


@login_required
@require_http_methods(["GET", "POST"])
def comment_report(request: HttpRequest, pk: int) -> HttpResponse:
    viewer = _viewer(request)
    comment = selectors_posts.comment_get_for_action(viewer, pk)
    if not can_report_comment(viewer, comment):
        raise PermissionDenied
    url = reverse("communities:comment_report", kwargs={"pk": pk})
    back = f"{comment.post.get_absolute_url()}#comment-{comment.pk}"
    return _report(request, target={"comment": comment}, action_url=url, back_url=back, what=_("a comment"))


@login_required
@require_http_methods(["GET", "POST"])
def message_report(request: HttpRequest, pk: int) -> HttpResponse:
    """Report a direct message; 404 unless the viewer takes part in its conversation."""
    message = selectors_moderation.message_get_for_report(_viewer(request), pk)
    url = reverse("communities:message_report", kwargs={"pk": pk})
    return _report(
        request, target={"message": message}, action_url=url, back_url=message.get_absolute_url(), what=_("a message")
    )


@login_required
@require_http_methods(["GET", "POST"])
def report_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """A report case: the item, every reporter's reason, and resolve / dismiss."""
    viewer = _viewer(request)
    report = selectors_moderation.report_get_for_viewer(viewer, pk)
    form = NoteForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        service = mod.report_dismiss if request.POST.get("action") == "dismiss" else mod.report_resolve
        try:
            service(actor=viewer, report=report, note=form.cleaned_data["note"])
        except ValidationError as error:
            error_message(request, error)
        else:
            messages.success(request, _("The report is closed."))
        return HttpResponseRedirect(reverse("communities:report_detail", kwargs={"pk": pk}))
    return render(
        request,
        "communities/moderation/report_detail.html",
        {
            "report": report,
            "entries": selectors_moderation.report_entries(report),
            "form": form,
            "hidden_message": selectors_moderation.hidden_message_for_report(report),
            "can_hide_message": can_hide_message(viewer, report),
            "can_restore_message": report.message_id is not None and can_restore_message(viewer),
        },
    )


@login_required
@require_POST
def message_restore(request: HttpRequest, pk: int) -> HttpResponse:
    """Put a hidden direct message back (coordinators of everything; 404 for everyone else)."""
    viewer = _viewer(request)
    hidden, report = selectors_moderation.hidden_message_get_for_restore(viewer, pk)
    try:
        mod.message_restore(actor=viewer, hidden=hidden, reason=str(request.POST.get("reason", "")))
    except ValidationError as error:
        error_message(request, error)
    else:
        messages.success(request, _("The message is visible again."))
    if report is not None:
        return HttpResponseRedirect(reverse("communities:report_detail", kwargs={"pk": report.pk}))
    return HttpResponseRedirect(reverse("communities:inbox_messages"))


# Posts and comments -----------------------------------------------------------------------------


def _post_actions(viewer: Viewer, post: Post) -> dict[str, bool]:
    return {
        "hide": can_hide_post(viewer, post),
        "restore": can_restore_post(viewer, post),
        "review": can_review_post(viewer, post),
        "move": can_move_post(viewer, post),
    }


@login_required
@require_http_methods(["GET", "POST"])
def post_moderate(request: HttpRequest, pk: int) -> HttpResponse:
    """The moderation page of a post: hide / restore, approve / reject, move; links to sanctions."""
    viewer = _viewer(request)
    post = selectors_posts.post_get_for_action(viewer, pk)
    if not can_moderate_community(viewer, post.community):
        raise PermissionDenied
    action = request.POST.get("action", "")
    reason_form = ReasonForm(request.POST if action in ("hide", "restore", "reject") else None)
    move_form = MoveForm(request.POST if action == "move" else None)
    if request.method == "POST":
        try:
            done = _do_post_action(viewer, post, action, reason_form, move_form)
        except ValidationError as error:
            _apply_errors(move_form if action == "move" else reason_form, error)
        else:
            if done:
                messages.success(request, done)
                return HttpResponseRedirect(post.get_absolute_url())
    context = {
        "post": post,
        "community": post.community,
        "actions": _post_actions(viewer, post),
        "reason_form": reason_form,
        "move_form": move_form,
        "targets": selectors_moderation.move_targets(viewer, post) if can_move_post(viewer, post) else [],
        "action": action,
    }
    status = 400 if request.method == "POST" else 200
    return render(request, "communities/moderation/post_moderate.html", context, status=status)


def _do_post_action(viewer: Viewer, post: Post, action: str, reason_form: Any, move_form: Any) -> str:
    """Run one action; returns the success message ("" when the form is invalid)."""
    if action == "approve":
        mod.post_approve(actor=viewer, post=post)
        return _("The post is approved and published.")
    if action == "move":
        if not move_form.is_valid():
            return ""
        target = selectors_moderation.move_target_get(viewer, post, move_form.cleaned_data["community"])
        if target is None:
            raise ValidationError({"community": _("Choose a community you moderate.")})
        mod.post_move(actor=viewer, post=post, community=target, reason=move_form.cleaned_data["reason"])
        return _("The post was moved to %(community)s.") % {"community": target.name}
    if not reason_form.is_valid():
        return ""
    reason = reason_form.cleaned_data["reason"]
    if action == "hide":
        mod.post_hide(actor=viewer, post=post, reason=reason)
        return _("The post is hidden. Its author was told why.")
    if action == "restore":
        mod.post_restore(actor=viewer, post=post, reason=reason)
        return _("The post is visible again.")
    if action == "reject":
        mod.post_reject(actor=viewer, post=post, reason=reason)
        return _("The post was not approved. Its author was told why.")
    raise Http404


@login_required
@require_http_methods(["GET", "POST"])
def comment_moderate(request: HttpRequest, pk: int) -> HttpResponse:
    """Hide or publish a comment, with a reason."""
    viewer = _viewer(request)
    comment = selectors_posts.comment_get_for_action(viewer, pk)
    if not can_moderate_community(viewer, comment.post.community):
        raise PermissionDenied
    form = ReasonForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        action = request.POST.get("action")
        try:
            if action == "hide":
                mod.comment_hide(actor=viewer, comment=comment, reason=form.cleaned_data["reason"])
                messages.success(request, _("The comment is hidden. Its author was told why."))
            elif action == "restore":
                mod.comment_restore(actor=viewer, comment=comment, reason=form.cleaned_data["reason"])
                messages.success(request, _("The comment is visible."))
            else:
                raise Http404
        except ValidationError as error:
            _apply_errors(form, error)
        else:
            return HttpResponseRedirect(f"{comment.post.get_absolute_url()}#comment-{comment.pk}")
    context = {
        "comment": comment,
        "post": comment.post,
        "community": comment.post.community,
        "form": form,
        "can_hide": can_hide_comment(viewer, comment),
        "can_restore": can_restore_comment(viewer, comment),
    }
    status = 400 if request.method == "POST" else 200
    return render(request, "communities/moderation/comment_moderate.html", context, status=status)


# Members ----------------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def member_sanction(request: HttpRequest, slug: str, user_id: int) -> HttpResponse:
    """Warn, mute or unmute one person in a community."""
    viewer = _viewer(request)
    community = selectors.community_get_for_viewer(viewer, slug)
    target = selectors_moderation.sanction_target_get(viewer, community, user_id)
    person = target.person
    action = request.POST.get("action", "")
    warn_form = WarnForm(request.POST if action == "warn" else None)
    mute_form = MuteForm(request.POST if action == "mute" else None)
    if request.method == "POST":
        try:
            if action == "warn" and warn_form.is_valid():
                mod.member_warn(actor=viewer, community=community, user=person, note=warn_form.cleaned_data["note"])
                messages.success(request, _("The warning was sent."))
                return HttpResponseRedirect(request.path)
            if action == "mute" and mute_form.is_valid():
                until = timezone.now() + mute_form.delta()
                mod.member_mute(
                    actor=viewer, community=community, user=person, until=until, reason=mute_form.cleaned_data["reason"]
                )
                messages.success(request, _("The person is muted."))
                return HttpResponseRedirect(request.path)
            if action == "unmute":
                mod.member_unmute(actor=viewer, community=community, user=person)
                messages.success(request, _("The mute is lifted."))
                return HttpResponseRedirect(request.path)
        except ValidationError as error:
            _apply_errors(mute_form if action == "mute" else warn_form, error)
    context = {
        "community": community,
        "person": person,
        "role": target.role,
        "mute": target.mute,
        "warn_form": warn_form,
        "mute_form": mute_form,
    }
    status = 400 if request.method == "POST" else 200
    return render(request, "communities/moderation/member_sanction.html", context, status=status)


# Rules and watched words ------------------------------------------------------------------------


def _test_result(text: str, words: list[WatchedWord], pattern: str = "", is_regex: bool = False) -> dict[str, Any]:
    """What the test box shows: the matching rules (most severe first) and the trial pattern."""
    hits = matching_words(text, words)
    trial: dict[str, Any] = {}
    if pattern:
        try:
            cleaned = validate_pattern(pattern, is_regex=is_regex)
        except ValidationError as error:
            trial = {"pattern": pattern, "error": " ".join(error.messages)}
        else:
            matcher = compile_word(WatchedWord(pattern=cleaned, is_regex=is_regex))
            trial = {"pattern": cleaned, "matches": bool(matcher and matcher.search(text))}
    return {
        "tested": True,
        "hits": [{"word": w, "rule": rule_name(w)} for w in hits],
        "outcome": hits[0].action if hits else "",
        "trial": trial,
    }


@login_required
@require_http_methods(["GET", "POST"])
def moderation_settings(request: HttpRequest, slug: str) -> HttpResponse:
    """The community's moderation settings: rules, watched words and the test box."""
    viewer = _viewer(request)
    community = selectors.community_get_for_viewer(viewer, slug)
    if not can_manage_rules(viewer, community):
        raise PermissionDenied
    current = selectors_moderation.settings_for_community(viewer, community)
    action = request.POST.get("action", "")
    initial = {name: getattr(current.rules, name) for name in mod.RULE_FIELDS}
    initial["premoderation_posts"] = max(initial["premoderation_posts"], 1)
    rules_form = RulesForm(request.POST if action == "rules" else None, initial=initial)
    word_form = WordForm(request.POST if action == "add_word" else None, prefix="word")
    test_form = WordTestForm(request.POST if action == "test" else None)
    result: dict[str, Any] = {}
    if request.method == "POST":
        try:
            if action == "rules" and rules_form.is_valid():
                mod.community_rules_update(actor=viewer, community=community, **rules_form.cleaned_data)
                messages.success(request, _("The moderation rules are saved."))
                return HttpResponseRedirect(request.path)
            if action == "add_word" and word_form.is_valid():
                mod.watched_word_add(actor=viewer, community=community, **word_form.cleaned_data)
                messages.success(request, _("The watched word is added."))
                return HttpResponseRedirect(request.path)
            if action == "test" and test_form.is_valid():
                result = _test_result(
                    test_form.cleaned_data["text"],
                    words_for(community),
                    test_form.cleaned_data["pattern"],
                    test_form.cleaned_data["is_regex"],
                )
                if _is_htmx(request):
                    return render(request, "communities/moderation/_word_test_result.html", result)
        except ValidationError as error:
            _apply_errors(rules_form if action == "rules" else word_form, error)
    context = {
        "community": community,
        "settings": current,
        "rules_form": rules_form,
        "word_form": word_form,
        "test_form": test_form,
        "result": result,
        "test_url": request.path,
    }
    status = 400 if request.method == "POST" and not result else 200
    return render(request, "communities/moderation/settings.html", context, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def platform_words(request: HttpRequest) -> HttpResponse:
    """Platform-wide watched words (coordinators of everything), with the same test box."""
    viewer = _viewer(request)
    if not can_manage_platform_words(viewer):
        raise Http404
    action = request.POST.get("action", "")
    word_form = WordForm(request.POST if action == "add_word" else None, prefix="word")
    test_form = WordTestForm(request.POST if action == "test" else None)
    result: dict[str, Any] = {}
    if request.method == "POST":
        try:
            if action == "add_word" and word_form.is_valid():
                mod.watched_word_add(actor=viewer, community=None, **word_form.cleaned_data)
                messages.success(request, _("The watched word is added."))
                return HttpResponseRedirect(request.path)
            if action == "test" and test_form.is_valid():
                result = _test_result(
                    test_form.cleaned_data["text"],
                    words_for(None),
                    test_form.cleaned_data["pattern"],
                    test_form.cleaned_data["is_regex"],
                )
                if _is_htmx(request):
                    return render(request, "communities/moderation/_word_test_result.html", result)
        except ValidationError as error:
            _apply_errors(word_form, error)
    context = {
        "words": selectors_moderation.platform_words(viewer),
        "word_form": word_form,
        "test_form": test_form,
        "result": result,
        "test_url": request.path,
    }
    status = 400 if request.method == "POST" and not result else 200
    return render(request, "communities/moderation/platform_words.html", context, status=status)


@login_required
@require_POST
def watched_word_remove(request: HttpRequest, pk: int) -> HttpResponse:
    viewer = _viewer(request)
    word = selectors_moderation.watched_word_get_for_removal(viewer, pk)
    mod.watched_word_remove(actor=viewer, word=word)
    messages.success(request, _("The watched word is removed."))
    if word.community is not None:
        return HttpResponseRedirect(reverse("communities:moderation_settings", kwargs={"slug": word.community.slug}))
    return HttpResponseRedirect(reverse("communities:platform_words"))


# The moderation log -----------------------------------------------------------------------------


def _log_context(request: HttpRequest, page_for: Any, base_url: str, community: Any = None) -> dict[str, Any]:
    query = request.GET.get("q", "")[:100]
    page: Page[AuditEntry] = page_for(query=query, cursor=request.GET.get("cursor") or None)
    more_url = ""
    if page.next_cursor:
        params = {"cursor": page.next_cursor, **({"q": query} if query else {})}
        more_url = f"{base_url}?{urlencode(params)}"
    lines = selectors_moderation.log_lines(page.items, community=community)
    return {"entries": page, "lines": lines, "query": query, "more_url": more_url}


@login_required
def moderation_log(request: HttpRequest, slug: str) -> HttpResponse:
    viewer = _viewer(request)
    community = selectors.community_get_for_viewer(viewer, slug)
    base = reverse("communities:moderation_log", kwargs={"slug": slug})
    context = _log_context(
        request, lambda **kw: selectors_moderation.log_page_for_community(viewer, community, **kw), base, community
    )
    context.update(
        community=community,
        export_url=reverse("communities:moderation_log_export", kwargs={"slug": slug}),
        can_settings=can_manage_rules(viewer, community),
    )
    return render(request, "communities/moderation/log.html", context)


@login_required
def platform_log(request: HttpRequest) -> HttpResponse:
    viewer = _viewer(request)
    base = reverse("communities:platform_log")
    context = _log_context(request, lambda **kw: selectors_moderation.log_page_for_platform(viewer, **kw), base)
    context.update(community=None, export_url=reverse("communities:platform_log_export"), can_settings=False)
    return render(request, "communities/moderation/log.html", context)


def _export_rows(entries: Iterator[AuditEntry]) -> Iterator[list[Any]]:
    for entry in entries:
        yield [
            timezone.localtime(entry.created_at).isoformat(timespec="seconds"),
            entry.actor.display_name if entry.actor else _("System"),
            entry.action,
            entry.target_repr,
            entry.scope,
            entry.reason,
            json.dumps(entry.before, ensure_ascii=False) if entry.before is not None else "",
            json.dumps(entry.after, ensure_ascii=False) if entry.after is not None else "",
        ]


def _csv_response(rows: Iterator[AuditEntry], name: str) -> StreamingHttpResponse:
    header = [_("When"), _("Actor"), _("Action"), _("Target"), _("Scope"), _("Reason"), _("Before"), _("After")]
    return csv_response(f"{name}-{timezone.localdate():%Y-%m-%d}.csv", header, _export_rows(rows))


@login_required
def moderation_log_export(request: HttpRequest, slug: str) -> StreamingHttpResponse:
    viewer = _viewer(request)
    community = selectors.community_get_for_viewer(viewer, slug)
    rows = selectors_moderation.log_rows_for_export(viewer, community, query=request.GET.get("q", "")[:100])
    return _csv_response(rows, f"moderation-log-{community.slug}")


@login_required
def platform_log_export(request: HttpRequest) -> StreamingHttpResponse:
    viewer = _viewer(request)
    rows = selectors_moderation.log_rows_for_export(viewer, None, query=request.GET.get("q", "")[:100])
    return _csv_response(rows, "moderation-log")


__all__ = ["ContentStatus"]
