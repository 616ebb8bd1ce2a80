"""Direct-message screens: inbox and search, one conversation, start a conversation, badge (function views)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST
from django_htmx.http import reswap, retarget

from intranet.accounts import selectors as people
from intranet.core.idempotency import EXPIRED_MESSAGE, expired_response, key_from_post
from intranet.core.web import is_htmx, viewer_of

from . import selectors, services
from .models import MAX_BODY_LENGTH, MAX_PARTICIPANTS, MAX_TITLE_LENGTH
from .permissions import can_leave_conversation

PEOPLE_OPTIONS = 8


@login_required
def conversation_list(request: HttpRequest) -> HttpResponse:
    """The inbox (newest conversation first) or, with ``q``, the messages found in it."""
    viewer = viewer_of(request)
    query = request.GET.get("q", "").strip()[: selectors.MAX_QUERY_LENGTH]
    cursor = request.GET.get("cursor", "") or None
    context: dict[str, Any] = {"query": query}
    base = reverse("messaging:conversation_list")
    if query:
        results = selectors.message_search_for_viewer(viewer=viewer, query=query, cursor=cursor)
        context["results"] = results
        if results.next_cursor:
            context["next_url"] = f"{base}?{urlencode({'q': query, 'cursor': results.next_cursor})}"
        template = "messaging/_search_page.html"
    else:
        page = selectors.conversation_list_for_inbox(viewer=viewer, cursor=cursor)
        context["page"] = page
        if page.next_cursor:
            context["next_url"] = f"{base}?{urlencode({'cursor': page.next_cursor})}"
        template = "messaging/_conversation_page.html"
    if is_htmx(request) and cursor:
        return render(request, template, context)
    return render(request, "messaging/conversation_list.html", context)


@login_required
def conversation_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """One conversation: messages (newest at the bottom, "load older" above), participants with
    presence, the compose form. Opening it marks it read."""
    viewer = viewer_of(request)
    cursor = request.GET.get("cursor", "") or None
    data = selectors.conversation_page_for_viewer(viewer=viewer, conversation_id=pk, cursor=cursor)
    older_url = ""
    if data.older_cursor:
        older_url = f"{data.conversation.get_absolute_url()}?{urlencode({'cursor': data.older_cursor})}"
    context = {"data": data, "conversation": data.conversation, "older_url": older_url}
    if is_htmx(request) and cursor:
        return render(request, "messaging/_message_page.html", context)
    services.conversation_mark_read(actor=viewer, participant=data.participant)
    context.update(
        {
            "can_leave": can_leave_conversation(viewer, data.conversation, data.participant),
            "max_body": MAX_BODY_LENGTH,
        }
    )
    return render(request, "messaging/conversation_detail.html", context)


@login_required
def message_fragment(request: HttpRequest, pk: int, message_id: int) -> HttpResponse:
    """One message as HTML, for the live update of an open conversation (marks it read)."""
    viewer = viewer_of(request)
    participant = selectors.participant_get_for_viewer(viewer=viewer, conversation_id=pk)
    message = selectors.message_get_for_viewer(viewer=viewer, participant=participant, message_id=message_id)
    services.conversation_mark_read(actor=viewer, participant=participant)
    return render(request, "messaging/_message.html", {"message": message, "conversation": participant.conversation})


@login_required
@require_POST
def message_create(request: HttpRequest, pk: int) -> HttpResponse:
    viewer = viewer_of(request)
    participant = selectors.participant_get_for_viewer(viewer=viewer, conversation_id=pk)
    conversation = participant.conversation
    key = key_from_post(request)
    if key is None:
        if is_htmx(request):
            response = render(request, "messaging/_compose_errors.html", {"errors": [EXPIRED_MESSAGE]}, status=400)
            return reswap(retarget(response, "#compose-errors"), "innerHTML")
        return expired_response(request)
    try:
        message = services.message_send(
            actor=viewer, conversation=conversation, body=request.POST.get("body", ""), idempotency_key=key
        )
    except ValidationError as error:
        if is_htmx(request):
            response = render(request, "messaging/_compose_errors.html", {"errors": list(error.messages)})
            return reswap(retarget(response, "#compose-errors"), "innerHTML")
        for text in list(error.messages):
            messages.error(request, text)
        return HttpResponseRedirect(conversation.get_absolute_url())
    if is_htmx(request):
        # Re-read with the author's profile for the avatar (one query, as the fragment view). The
        # answer also gives the compose form a fresh key: the next message is a new submission.
        message = selectors.message_get_for_viewer(viewer=viewer, participant=participant, message_id=message.pk)
        return render(request, "messaging/_message_sent.html", {"message": message, "conversation": conversation})
    return HttpResponseRedirect(message.get_absolute_url())


@login_required
@require_POST
def conversation_leave(request: HttpRequest, pk: int) -> HttpResponse:
    viewer = viewer_of(request)
    participant = selectors.participant_get_for_viewer(viewer=viewer, conversation_id=pk)
    services.conversation_leave(actor=viewer, conversation=participant.conversation, participant=participant)
    messages.success(request, _("You have left the conversation."))
    return redirect("messaging:conversation_list")


@login_required
@require_http_methods(["GET", "POST"])
def conversation_start(request: HttpRequest) -> HttpResponse:
    """Pick people (``to``: handles, repeated) and write the first message."""
    viewer = viewer_of(request)
    data = request.POST if request.method == "POST" else request.GET
    handles = [h for value in data.getlist("to") for h in value.replace(",", " ").split()]
    recipients = selectors.people_for_handles(viewer=viewer, handles=handles)
    errors: list[str] = []
    found = {person.handle for person in recipients}
    missing = [h for h in dict.fromkeys(h.strip().lstrip("@").lower() for h in handles) if h and h not in found]
    body = data.get("body", "")
    title = data.get("title", "")
    if request.method == "POST":
        key = key_from_post(request)
        if key is None:
            return expired_response(request)
        if missing and not recipients:
            errors.append(_("Choose at least one person to write to."))
        else:
            try:
                conversation, _message = services.conversation_start(
                    actor=viewer, recipients=recipients, body=body, title=title, idempotency_key=key
                )
            except ValidationError as error:
                errors.extend(list(error.messages))
            else:
                return redirect(conversation.get_absolute_url())
    return render(
        request,
        "messaging/conversation_start.html",
        {
            "recipients": recipients,
            "errors": errors,
            "body": body,
            "title": title,
            "max_body": MAX_BODY_LENGTH,
            "max_title": MAX_TITLE_LENGTH,
            "max_recipients": MAX_PARTICIPANTS - 1,
        },
    )


@login_required
def conversation_with(request: HttpRequest, handle: str) -> HttpResponse:
    """The "Message" button of a profile: the one-to-one conversation with that person, or the
    start page with them picked."""
    viewer = viewer_of(request)
    other = people.user_get_for_viewer(viewer=viewer, handle=handle)
    if other.pk != viewer.user_id:
        conversation_id = selectors.direct_conversation_id(viewer=viewer, other=other)
        if conversation_id is not None:
            return redirect("messaging:conversation_detail", pk=conversation_id)
    return redirect(f"{reverse('messaging:conversation_start')}?{urlencode({'to': other.handle})}")


@login_required
def people_options(request: HttpRequest) -> HttpResponse:
    """People matching ``q`` as a listbox for the recipient picker (assets/js/messages.js)."""
    viewer = viewer_of(request)
    query = request.GET.get("q", "").strip()[:100]
    # The same look-up as every person picker (typo- and umlaut-tolerant), without the viewer.
    found = people.user_list_for_picker(
        viewer=viewer, query=query, exclude_ids=[viewer.user_id or 0], limit=PEOPLE_OPTIONS
    )
    return render(request, "messaging/_people_options.html", {"people": found, "query": query})


@login_required
@require_POST
def block_toggle(request: HttpRequest, handle: str) -> HttpResponse:
    """Block (``action=block``) or unblock someone, then go back to ``next`` (a local URL)."""
    viewer = viewer_of(request)
    other = people.user_get_for_viewer(viewer=viewer, handle=handle)
    if request.POST.get("action") == "unblock":
        services.block_delete(actor=viewer, blocked=other)
        messages.success(request, _("You have unblocked %(name)s.") % {"name": other.display_name})
    else:
        services.block_create(actor=viewer, blocked=other)
        messages.success(
            request,
            _("You have blocked %(name)s. They can no longer send you direct messages.") % {"name": other.display_name},
        )
    target = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(target, allowed_hosts=None):
        target = reverse("messaging:conversation_list")
    return HttpResponseRedirect(target)


@login_required
def unread_badge(request: HttpRequest) -> HttpResponse:
    """The header badge's number (refreshed on ``live:messages-changed``)."""
    unread = selectors.unread_total_for_viewer(viewer=viewer_of(request))
    return render(request, "messaging/_badge_count.html", {"unread": unread})
