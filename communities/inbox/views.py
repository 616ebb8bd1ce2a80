"""The managers' inbox: the list (filters, bulk actions, live counter), one item (notes, claim,
assign, status, snooze, resolve, escalate), the per-community inbox settings and saved replies."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from communities.core.header import get_community, header_context
from communities.core.permissions import can_view_console
from communities.inbox import selectors, services
from communities.inbox.forms import (
    SNOOZE_CHOICES,
    STATUS_LABELS,
    AssignForm,
    BulkForm,
    InboxFilterForm,
    InboxSettingsForm,
    NoteForm,
    ReasonOnlyForm,
    ResolveForm,
    SavedReplyForm,
    SnoozeForm,
    StatusForm,
)
from communities.inbox.forms import SNOOZE_DELTAS as SNOOZE_FOR
from communities.inbox.hooks import inbox_settings_for
from communities.inbox.models import InboxItem
from communities.inbox.permissions import (
    can_change_inbox_settings,
    can_escalate_inbox_item,
    can_keep_personal_replies,
    can_use_saved_replies,
    can_work_inbox_item,
    works_inbox,
)
from communities.moderation import selectors as selectors_moderation
from communities.moderation import services as mod
from communities.moderation.permissions import can_view_message_reports
from communities.posts.models import Post
from communities.posts.selectors import post_get_for_action
from intranet.core.idempotency import EXPIRED_MESSAGE, key_from_post
from intranet.core.viewer import Viewer
from intranet.core.web import error_message
from intranet.core.web import is_htmx as _is_htmx
from intranet.core.web import viewer_of as _viewer

Kind = InboxItem.Kind


def _back(request: HttpRequest, default: str) -> HttpResponse:
    target = str(request.POST.get("next") or "")
    if target and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        return HttpResponseRedirect(target)
    return HttpResponseRedirect(default)


def inbox_url(**params: str) -> str:
    url = reverse("communities:inbox")
    return f"{url}?{urlencode(params)}" if params else url


# The list ---------------------------------------------------------------------------------------


@login_required
@require_GET
def inbox(request: HttpRequest) -> HttpResponse:
    """The viewer's inbox across their communities; ``?part=list`` renders only the list (live
    refresh), an htmx request with a cursor only the next rows."""
    viewer = _viewer(request)
    form = InboxFilterForm(request.GET)
    filters = form.filters()
    cursor = form.cursor_value()
    now = timezone.now()
    data = selectors.inbox_page_for_viewer(viewer, filters=filters, cursor=cursor or None, now=now)
    params = filters.as_params()
    next_url = inbox_url(**params, cursor=data.page.next_cursor) if data.page.next_cursor else ""
    context: dict[str, Any] = {
        "data": data,
        "page": data.page,
        "counters": data.counters,
        "filters": filters,
        "filter_form": form,
        "next_url": next_url,
        "now": now,
        "this_url": inbox_url(**params),
        "list_url": inbox_url(**params, part="list"),
        "status_labels": STATUS_LABELS,
        "kinds": Kind.choices,
        "snooze_choices": SNOOZE_CHOICES,
        "works_inbox": works_inbox(viewer),
        # Query-free here: the list selector has loaded the viewer's coordinator reach.
        "message_tab": can_view_message_reports(viewer),
        "console": can_view_console(viewer),
    }
    if _is_htmx(request) and cursor:
        return render(request, "communities/inbox/_inbox_rows.html", context)
    if request.GET.get("part") == "list":
        return render(request, "communities/inbox/_inbox_list.html", context)
    return render(request, "communities/inbox/inbox.html", context)


@login_required
@require_GET
def inbox_counter(request: HttpRequest) -> HttpResponse:
    """The open-items badge (header and page); refreshed on ``live:inbox-changed``."""
    viewer = _viewer(request)
    show = works_inbox(viewer)
    counters = selectors.inbox_counters_for_viewer(viewer) if show else None
    variant = request.GET.get("variant", "page")
    # The header's copy also brings the console link into the user menu of coordinators who are not
    # staff (staff get it with the page): the page itself spends no query on it.
    console_link = variant == "header" and show and not viewer.is_staff and can_view_console(viewer)
    return render(
        request,
        "communities/inbox/_counter.html",
        {"counters": counters, "show": show, "variant": variant, "console_link": console_link},
    )


@login_required
@require_POST
def inbox_bulk(request: HttpRequest) -> HttpResponse:
    viewer = _viewer(request)
    form = BulkForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Select at least one item and an action."))
        return _back(request, inbox_url())
    action = form.cleaned_data["action"]
    items = services.items_by_ids(viewer, form.cleaned_data["items"])
    until = None
    if action == "snooze":
        until = timezone.now() + SNOOZE_FOR.get(form.cleaned_data.get("snooze") or "1d", SNOOZE_FOR["1d"])
    try:
        result = services.inbox_bulk(actor=viewer, items=items, action=action, until=until)
    except ValidationError as exc:
        error_message(request, exc)
        return _back(request, inbox_url())
    missing = len(form.cleaned_data["items"]) - len(items)
    skipped = len(result.skipped) + max(missing, 0)
    if result.done:
        messages.success(request, _("%(count)d items updated.") % {"count": len(result.done)})
    if skipped:
        messages.warning(
            request,
            _("%(count)d items were left as they were (they need a decision of their own or were done already).")
            % {"count": skipped},
        )
    return _back(request, inbox_url())


# One item ---------------------------------------------------------------------------------------


def _item_context(request: HttpRequest, item: InboxItem) -> dict[str, Any]:
    viewer = _viewer(request)
    now = timezone.now()
    tonality = selectors.tonality_of(item.community)
    return {
        "item": item,
        "now": now,
        "notes": selectors.inbox_notes_for_item(item),
        "snooze_form": SnoozeForm(),
        "assignee_chosen": [(item.assignee.handle, item.assignee.display_name)] if item.assignee else [],
        "can_work": can_work_inbox_item(viewer, item),
        "can_escalate": can_escalate_inbox_item(viewer, item),
        "actions": services.RESOLVE_ACTIONS.get(item.kind, ()),
        "needs_reason": services.NEEDS_REASON,
        "note_form": NoteForm(),
        "snooze_choices": SNOOZE_CHOICES,
        "statuses": [(s, label) for s, label in InboxItem.Status.choices if s != InboxItem.Status.DONE],
        "tonality": tonality,
    }


@login_required
@require_GET
def inbox_item(request: HttpRequest, pk: int) -> HttpResponse:
    item = selectors.inbox_item_get_for_viewer(_viewer(request), pk)
    return render(request, "communities/inbox/inbox_item.html", _item_context(request, item))


def _item_action(request: HttpRequest, pk: int, action: Any, success: str) -> HttpResponse:
    viewer = _viewer(request)
    item = selectors.inbox_item_get_for_viewer(viewer, pk)
    try:
        action(viewer, item)
    except ValidationError as exc:
        error_message(request, exc)
    else:
        messages.success(request, success)
    return _back(request, item.get_absolute_url())


@login_required
@require_POST
def inbox_item_claim(request: HttpRequest, pk: int) -> HttpResponse:
    return _item_action(
        request, pk, lambda v, i: services.inbox_item_claim(actor=v, item=i), _("You have claimed the item.")
    )


@login_required
@require_POST
def inbox_item_assign(request: HttpRequest, pk: int) -> HttpResponse:
    """Give the item to the person chosen in the assignee picker (a handle; empty for nobody).
    Someone who may not work the item, or nobody known, answers 400 on the item page."""
    viewer = _viewer(request)
    item = selectors.inbox_item_get_for_viewer(viewer, pk)
    form = AssignForm(request.POST)
    try:
        if not form.is_valid():
            raise ValidationError(list(form.errors["assignee"]))
        token = form.cleaned_data["assignee"]
        person = selectors.assignee_get(token) if token else None
        services.inbox_item_assign(actor=viewer, item=item, assignee=person)
    except ValidationError as exc:
        error_message(request, exc)
        return render(request, "communities/inbox/inbox_item.html", _item_context(request, item), status=400)
    messages.success(request, _("The assignment has been saved."))
    return _back(request, item.get_absolute_url())


@login_required
@require_GET
def inbox_item_assignees(request: HttpRequest, pk: int) -> HttpResponse:
    """The assignee picker's listbox: the people who may be given this item whose name matches
    ``q`` (typo- and umlaut-tolerant). ``Http404`` for items the viewer cannot work, like missing
    ones; a blank ``q`` answers an empty list."""
    viewer = _viewer(request)
    item = selectors.inbox_item_get_for_viewer(viewer, pk)
    if not can_work_inbox_item(viewer, item):
        raise Http404
    query = request.GET.get("q", "")
    people = selectors.assignable_people_for_picker(item=item, query=query)
    response = render(request, "accounts/_person_options.html", {"people": people, "query": query.strip()})
    response["Cache-Control"] = "private, max-age=30"
    return response


@login_required
@require_POST
def inbox_item_status(request: HttpRequest, pk: int) -> HttpResponse:
    form = StatusForm(request.POST)

    def change(viewer: Viewer, item: InboxItem) -> None:
        if not form.is_valid():
            raise ValidationError(_("Choose one of the offered states."))
        services.inbox_item_set_status(actor=viewer, item=item, status=form.cleaned_data["status"])

    return _item_action(request, pk, change, _("The status has been changed."))


@login_required
@require_POST
def inbox_item_snooze(request: HttpRequest, pk: int) -> HttpResponse:
    form = SnoozeForm(request.POST)

    def snooze(viewer: Viewer, item: InboxItem) -> None:
        services.inbox_item_snooze(actor=viewer, item=item, until=form.until_value())

    notice = _("The item is awake again.") if request.POST.get("wake") else _("The item has been snoozed.")
    return _item_action(request, pk, snooze, notice)


@login_required
@require_POST
def inbox_item_escalate(request: HttpRequest, pk: int) -> HttpResponse:
    form = ReasonOnlyForm(request.POST)
    reason = form.cleaned_data["reason"] if form.is_valid() else ""
    return _item_action(
        request,
        pk,
        lambda v, i: services.inbox_item_escalate(actor=v, item=i, reason=reason),
        _("The item has been escalated to the coordinators."),
    )


@login_required
@require_POST
def inbox_note_add(request: HttpRequest, pk: int) -> HttpResponse:
    form = NoteForm(request.POST)
    key = key_from_post(request)

    def add(viewer: Viewer, item: InboxItem) -> None:
        if key is None:  # shown like the service's own refusals; nothing is saved
            raise ValidationError(EXPIRED_MESSAGE)
        services.inbox_note_add(actor=viewer, item=item, body=form.data.get("body", ""), idempotency_key=key)

    return _item_action(request, pk, add, _("Your note has been added."))


RESOLVED_MESSAGES = {
    services.Resolution.APPROVED: _("Approved."),
    services.Resolution.REJECTED: _("Rejected; the author has been told why."),
    services.Resolution.DECLINED: _("The request has been declined."),
    services.Resolution.HIDDEN: _("The content has been hidden; the author has been told why."),
    services.Resolution.DISMISSED: _("Dismissed."),
    services.Resolution.ANSWERED: _("Your answer has been posted."),
    services.Resolution.DONE: _("Marked as done."),
}


@login_required
@require_POST
def inbox_item_resolve(request: HttpRequest, pk: int) -> HttpResponse:
    viewer = _viewer(request)
    item = selectors.inbox_item_get_for_viewer(viewer, pk)
    form = ResolveForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose an action."))
        return HttpResponseRedirect(item.get_absolute_url())
    data = form.cleaned_data
    try:
        services.inbox_item_resolve(
            actor=viewer, item=item, action=data["action"], reason=data["reason"], body=data["body"]
        )
    except ValidationError as exc:
        error_message(request, exc)
        return HttpResponseRedirect(item.get_absolute_url())
    except PermissionDenied:
        messages.error(request, _("You are not allowed to do this here."))
        return HttpResponseRedirect(item.get_absolute_url())
    messages.success(request, str(RESOLVED_MESSAGES.get(data["action"], _("Done."))))
    return _back(request, inbox_url())


# Inbox settings of a community ----------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def inbox_settings(request: HttpRequest, slug: str) -> HttpResponse:
    community = get_community(request, slug)
    viewer = _viewer(request)
    if not can_change_inbox_settings(viewer, community):
        raise PermissionDenied
    config = inbox_settings_for(community)
    if request.method == "POST":
        form = InboxSettingsForm(request.POST)
        if form.is_valid():
            try:
                services.inbox_settings_update(actor=viewer, community=community, **form.cleaned_data)
            except ValidationError as exc:
                form.add_service_errors(exc)
            else:
                messages.success(request, _("The inbox settings have been saved."))
                return redirect("communities:inbox_settings", slug=community.slug)
        form.mark_invalid()
    else:
        form = InboxSettingsForm(initial={name: getattr(config, name) for name in services.SETTINGS_FIELDS})
    context = header_context(request, community)
    context.update(form=form, tab="settings")
    return render(request, "communities/inbox/inbox_settings.html", context)


# Saved replies ------------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def saved_reply_list(request: HttpRequest) -> HttpResponse:
    """The viewer's own saved replies and those of the communities they manage; add one."""
    viewer = _viewer(request)
    if not can_keep_personal_replies(viewer):
        raise PermissionDenied
    choices = selectors.reply_community_choices(viewer)
    form = SavedReplyForm(request.POST or None, communities=choices)
    if request.method == "POST":
        if form.is_valid():
            data = form.cleaned_data
            community = selectors.reply_community_get(data["community"]) if data["community"] else None
            try:
                services.saved_reply_create(
                    actor=viewer,
                    community=community,
                    title=data["title"],
                    body_du=data["body_du"],
                    body_sie=data["body_sie"],
                    idempotency_key=data["idempotency_key"],
                )
            except ValidationError as exc:
                form.add_service_errors(exc)
            else:
                messages.success(request, _("The saved reply has been added."))
                return redirect("communities:saved_reply_list")
        form.mark_invalid()
    context = {"form": form, "replies": selectors.saved_replies_to_manage(viewer)}
    return render(request, "communities/inbox/saved_reply_list.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def saved_reply_edit(request: HttpRequest, pk: int) -> HttpResponse:
    viewer = _viewer(request)
    reply = selectors.saved_reply_get_for_viewer(viewer, pk)
    if request.method == "POST":
        form = SavedReplyForm(request.POST, idempotent=False)
        if form.is_valid():
            data = form.cleaned_data
            try:
                services.saved_reply_update(
                    actor=viewer, reply=reply, title=data["title"], body_du=data["body_du"], body_sie=data["body_sie"]
                )
            except ValidationError as exc:
                form.add_service_errors(exc)
            else:
                messages.success(request, _("The saved reply has been saved."))
                return redirect("communities:saved_reply_list")
        form.mark_invalid()
    else:
        form = SavedReplyForm(
            initial={"title": reply.title, "body_du": reply.body_du, "body_sie": reply.body_sie}, idempotent=False
        )
    del form.fields["community"]
    return render(request, "communities/inbox/saved_reply_edit.html", {"form": form, "reply": reply})


@login_required
@require_POST
def saved_reply_delete(request: HttpRequest, pk: int) -> HttpResponse:
    viewer = _viewer(request)
    reply = selectors.saved_reply_get_for_viewer(viewer, pk)
    services.saved_reply_delete(actor=viewer, reply=reply)
    messages.success(request, _("The saved reply has been deleted."))
    return redirect("communities:saved_reply_list")


@login_required
@require_GET
def saved_reply_picker(request: HttpRequest) -> HttpResponse:
    """The saved replies for answering in a post's community (or an inbox item's), filled in for the
    member concerned, as a list of insert buttons for the textarea named by ``?target=``."""
    viewer = _viewer(request)
    target = str(request.GET.get("target", ""))[:60]
    if not target.replace("-", "").replace("_", "").isalnum():
        raise Http404
    item_id, post_id = request.GET.get("item", ""), request.GET.get("post", "")
    if item_id.isdigit():
        item = selectors.inbox_item_get_for_viewer(viewer, int(item_id))
        community, member = item.community, item.member
    elif post_id.isdigit():
        post: Post = post_get_for_action(viewer, int(post_id))
        community, member = post.community, post.author
    else:
        raise Http404
    if not can_use_saved_replies(viewer, community):
        raise Http404
    tonality = selectors.tonality_of(community)
    me = viewer.user
    values = {
        "member_name": str(getattr(member, "display_name", "") or ""),
        "community_name": community.name,
        "manager_name": str(getattr(me, "display_name", "") or ""),
    }
    replies = [
        (reply, services.saved_reply_text(reply, tonality=tonality, **values))
        for reply in selectors.saved_replies_for(viewer, community)
    ]
    return render(
        request,
        "communities/inbox/_saved_reply_picker_list.html",
        {"replies": replies, "target": target, "tonality": tonality},
    )


# Reports on direct messages ---------------------------------------------------------------------


@login_required
@require_GET
def inbox_messages(request: HttpRequest) -> HttpResponse:
    """The "Direct messages" tab: open reports on direct messages, for coordinators of everything
    (a conversation belongs to no community, so no role or scoped reach covers it). 404 otherwise."""
    viewer = _viewer(request)
    cursor = str(request.GET.get("cursor") or "")[:200]
    page = selectors_moderation.message_reports_page(viewer, cursor=cursor or None)
    next_url = ""
    if page.next_cursor:
        next_url = f"{reverse('communities:inbox_messages')}?{urlencode({'cursor': page.next_cursor})}"
    context = {"page": page, "next_url": next_url, "works_inbox": works_inbox(viewer), "tab": "messages"}
    return render(request, "communities/inbox/inbox_messages.html", context)


@login_required
@require_POST
def inbox_message_action(request: HttpRequest, pk: int) -> HttpResponse:
    """Hide the reported message (reason required), resolve or dismiss the report."""
    viewer = _viewer(request)
    report = selectors_moderation.report_get_for_viewer(viewer, pk)
    if report.message_id is None:
        raise Http404
    action = request.POST.get("action", "")
    reason = str(request.POST.get("reason", ""))
    try:
        if action == "hide":
            mod.message_hide(actor=viewer, report=report, reason=reason)
            messages.success(request, _("The message is hidden; its author has been told why."))
        elif action == "dismiss":
            mod.report_dismiss(actor=viewer, report=report, note=reason)
            messages.success(request, _("Dismissed."))
        elif action == "resolve":
            mod.report_resolve(actor=viewer, report=report, note=reason)
            messages.success(request, _("Marked as done."))
        else:
            raise Http404
    except ValidationError as exc:
        error_message(request, exc)
    return _back(request, reverse("communities:inbox_messages"))
