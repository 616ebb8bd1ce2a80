"""Views of inspiration tandems: suggestions, proposals, the tandem page and the coordinators' bulk list."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext, pgettext
from django.views.decorators.http import require_http_methods, require_POST

from communities.api import Community, community_get_for_viewer
from intranet.core.idempotency import expired_response, key_from_post
from intranet.core.web import apply_errors, error_message, is_htmx, viewer_of

from . import selectors, services
from .forms import (
    LearningsForm,
    MeetingForm,
    PartnerCommunityForm,
    PartnerProposalForm,
    ProposalForm,
    ReasonForm,
)
from .models import Tandem
from .permissions import (
    can_accept_tandem,
    can_close_tandem,
    can_decline_tandem,
    can_enter_partner_community,
    can_log_tandem_meeting,
    can_propose_tandem,
    can_propose_tandems_in_bulk,
    can_read_tandem_learnings,
    can_view_tandem_suggestions,
    can_view_tandem_workings,
    can_withdraw_tandem,
    can_write_tandem_learnings,
    pending_side,
)


def _community_for_suggestions(request: HttpRequest, slug: str) -> Community:
    viewer = viewer_of(request)
    community = community_get_for_viewer(viewer, slug)
    if not can_view_tandem_suggestions(viewer, community):
        raise Http404
    return community


@login_required
def tandem_suggestions(request: HttpRequest, slug: str) -> HttpResponse:
    viewer = viewer_of(request)
    community = _community_for_suggestions(request, slug)
    rows = selectors.suggestion_list_for_community(viewer=viewer, community=community)
    partners = selectors.partner_list_for_choice()
    context = {
        "community": community,
        "rows": rows,
        "partner_form": PartnerProposalForm(partners=partners, options_url=_partner_options_url(community)),
        "has_partners": bool(partners),
        "can_propose_partner": can_propose_tandem(viewer, community, None),
    }
    return render(request, "meetups/tandems/tandem_suggestions.html", context)


def _partner_options_url(community: Community) -> str:
    return reverse("meetups:tandem_partner_options", kwargs={"slug": community.slug})


@login_required
@require_http_methods(["GET"])
def tandem_partner_options(request: HttpRequest, slug: str) -> HttpResponse:
    """The partner search's listbox: partner communities whose name (or organisation's) matches
    ``q``; ``Http404`` for people who may not enter a partner tandem for this community."""
    viewer = viewer_of(request)
    community = _community_for_suggestions(request, slug)
    if not can_propose_tandem(viewer, community, None):
        raise Http404
    query = request.GET.get("q", "")
    partners = selectors.partner_list_matching(query=query)
    context = {"partners": partners, "query": query.strip()}
    return render(request, "meetups/tandems/_partner_options.html", context)


@login_required
@require_POST
def tandem_propose(request: HttpRequest, slug: str) -> HttpResponse:
    viewer = viewer_of(request)
    community = _community_for_suggestions(request, slug)
    try:
        other = community_get_for_viewer(viewer, request.POST.get("other", ""))
    except Http404:
        messages.error(request, _("That community is not available for a tandem."))
        return redirect("meetups:tandem_suggestions", slug=community.slug)
    key = key_from_post(request)
    if key is None:
        return expired_response(request)
    form = ProposalForm(request.POST)
    message = form.cleaned_data["message"] if form.is_valid() else ""
    try:
        tandem = services.tandem_propose(
            actor=viewer, community=community, other=other, message=message, idempotency_key=key
        )
    except ValidationError as error:
        error_message(request, error)
        return redirect("meetups:tandem_suggestions", slug=community.slug)
    messages.success(
        request,
        _("The tandem was proposed. The managers of %(other)s will be asked to accept.") % {"other": other.name},
    )
    return redirect(tandem)


@login_required
@require_POST
def tandem_propose_partner(request: HttpRequest, slug: str) -> HttpResponse:
    viewer = viewer_of(request)
    community = _community_for_suggestions(request, slug)
    partners = selectors.partner_list_for_choice()
    form = PartnerProposalForm(request.POST, partners=partners, options_url=_partner_options_url(community))
    if form.is_valid():
        try:
            tandem = services.tandem_propose(
                actor=viewer,
                community=community,
                partner=form.cleaned_data["partner"],
                message=form.cleaned_data["message"],
                idempotency_key=form.cleaned_data["idempotency_key"],
            )
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, _("The tandem with the partner community was entered."))
            return redirect(tandem)
    rows = selectors.suggestion_list_for_community(viewer=viewer, community=community)
    context = {
        "community": community,
        "rows": rows,
        "partner_form": form,
        "has_partners": bool(partners),
        "can_propose_partner": can_propose_tandem(viewer, community, None),
    }
    return render(request, "meetups/tandems/tandem_suggestions.html", context, status=400)


@login_required
@require_http_methods(["GET", "POST"])
def partner_create(request: HttpRequest) -> HttpResponse:
    viewer = viewer_of(request)
    if not can_enter_partner_community(viewer):
        raise Http404
    back = request.GET.get("community", "") or request.POST.get("community", "")
    if request.method == "POST":
        form = PartnerCommunityForm(request.POST)
        if form.is_valid():
            try:
                services.partner_community_create(actor=viewer, **form.cleaned_data)
            except ValidationError as error:
                apply_errors(form, error)
            else:
                messages.success(request, _("The partner community was added."))
                if back:
                    return redirect("meetups:tandem_suggestions", slug=back)
                return redirect("meetups:tandem_list")
    else:
        form = PartnerCommunityForm()
    return render(request, "meetups/tandems/tandem_partner_form.html", {"form": form, "back": back})


@login_required
def tandem_list(request: HttpRequest) -> HttpResponse:
    viewer = viewer_of(request)
    state = request.GET.get("state", "open")
    cursor = request.GET.get("cursor", "") or None
    page = selectors.tandem_list_for_viewer(viewer=viewer, state=state, cursor=cursor)
    next_url = ""
    if page.next_cursor:
        next_url = f"{reverse('meetups:tandem_list')}?{urlencode({'state': state, 'cursor': page.next_cursor})}"
    context: dict[str, Any] = {"page": page, "next_url": next_url, "state": state}
    if is_htmx(request) and cursor:
        return render(request, "meetups/tandems/tandem_page_items.html", context)
    context.update(
        managed=selectors.managed_community_list(viewer=viewer),
        can_bulk=can_propose_tandems_in_bulk(viewer),
        can_add_partner=can_enter_partner_community(viewer),
        states=[("open", pgettext("state", "Open")), *Tandem.State.choices, ("all", _("All"))],
    )
    return render(request, "meetups/tandems/tandem_list.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def tandem_bulk(request: HttpRequest) -> HttpResponse:
    viewer = viewer_of(request)
    if not can_propose_tandems_in_bulk(viewer):
        raise Http404
    form = ProposalForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        ids = _suggestion_ids(request)
        if not ids:
            messages.error(request, _("Select at least one pair."))
        else:
            result = services.tandem_propose_bulk(
                actor=viewer, suggestion_ids=ids, message=form.cleaned_data["message"]
            )
            if result.created:
                messages.success(
                    request,
                    ngettext("%(count)d tandem was proposed.", "%(count)d tandems were proposed.", len(result.created))
                    % {"count": len(result.created)},
                )
            if result.skipped:
                messages.warning(
                    request,
                    ngettext("%(count)d pair was skipped.", "%(count)d pairs were skipped.", len(result.skipped))
                    % {"count": len(result.skipped)},
                )
            return redirect("meetups:tandem_bulk")
    cursor = request.GET.get("cursor", "") or None
    page = selectors.suggestion_list_for_bulk(viewer=viewer, cursor=cursor)
    next_url = f"{reverse('meetups:tandem_bulk')}?{urlencode({'cursor': page.next_cursor})}" if page.next_cursor else ""
    return render(request, "meetups/tandems/tandem_bulk.html", {"page": page, "next_url": next_url, "form": form})


def _suggestion_ids(request: HttpRequest) -> list[int]:
    ids = []
    for raw in request.POST.getlist("suggestion"):
        try:
            ids.append(int(raw))
        except (TypeError, ValueError):
            continue
    return ids


def _detail(request: HttpRequest, tandem: Tandem, status: int = 200, **forms: Any) -> HttpResponse:
    viewer = viewer_of(request)
    workings = can_view_tandem_workings(viewer, tandem)
    context = {
        "tandem": tandem,
        "workings": workings,
        "meetings": selectors.meeting_list_for_tandem(tandem=tandem) if workings else [],
        "can_read_learnings": can_read_tandem_learnings(viewer, tandem) or workings,
        "pending_side": pending_side(viewer, tandem),
        "can_accept": can_accept_tandem(viewer, tandem),
        "can_decline": can_decline_tandem(viewer, tandem),
        "can_withdraw": can_withdraw_tandem(viewer, tandem),
        "can_close": can_close_tandem(viewer, tandem),
        "can_log": can_log_tandem_meeting(viewer, tandem),
        "can_write": can_write_tandem_learnings(viewer, tandem),
        "meeting_form": forms.get("meeting_form") or MeetingForm(),
        "learnings_form": forms.get("learnings_form") or LearningsForm(initial={"learnings": tandem.learnings}),
        "reason_form": ReasonForm(),
    }
    return render(request, "meetups/tandems/tandem_detail.html", context, status=status)


@login_required
def tandem_detail(request: HttpRequest, pk: int) -> HttpResponse:
    tandem = selectors.tandem_get_for_viewer(viewer=viewer_of(request), pk=pk)
    return _detail(request, tandem)


def _transition(service: Callable[..., Tandem], done: Any) -> Callable[[HttpRequest, int], HttpResponse]:
    @login_required
    @require_POST
    def view(request: HttpRequest, pk: int) -> HttpResponse:
        viewer = viewer_of(request)
        tandem = selectors.tandem_get_for_viewer(viewer=viewer, pk=pk)
        kwargs: dict[str, Any] = {}
        if service is not services.tandem_accept:
            form = ReasonForm(request.POST)
            kwargs["reason"] = form.cleaned_data["reason"] if form.is_valid() else ""
        service(actor=viewer, tandem=tandem, **kwargs)
        messages.success(request, str(done))
        return redirect("meetups:tandem_detail", pk=tandem.pk)

    return view


tandem_accept = _transition(services.tandem_accept, gettext_lazy("You accepted the tandem."))
tandem_decline = _transition(services.tandem_decline, gettext_lazy("You declined the tandem."))
tandem_withdraw = _transition(services.tandem_withdraw, gettext_lazy("The tandem was withdrawn."))
tandem_close = _transition(services.tandem_close, gettext_lazy("The tandem was closed."))


@login_required
@require_POST
def tandem_meeting_create(request: HttpRequest, pk: int) -> HttpResponse:
    viewer = viewer_of(request)
    tandem = selectors.tandem_get_for_viewer(viewer=viewer, pk=pk)
    form = MeetingForm(request.POST)
    if form.is_valid():
        try:
            services.tandem_meeting_log(
                actor=viewer,
                tandem=tandem,
                date=form.cleaned_data["date"],
                notes=form.cleaned_data["notes"],
                idempotency_key=form.cleaned_data["idempotency_key"],
            )
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, _("The meeting was logged."))
            return redirect("meetups:tandem_detail", pk=tandem.pk)
    return _detail(request, tandem, status=400, meeting_form=form)


@login_required
@require_POST
def tandem_learnings(request: HttpRequest, pk: int) -> HttpResponse:
    viewer = viewer_of(request)
    tandem = selectors.tandem_get_for_viewer(viewer=viewer, pk=pk)
    form = LearningsForm(request.POST)
    if form.is_valid():
        share = "share" in request.POST
        try:
            services.tandem_learnings_save(
                actor=viewer, tandem=tandem, learnings=form.cleaned_data["learnings"], share=share
            )
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(
                request,
                _("The learnings were shared with both communities.") if share else _("The learnings were saved."),
            )
            return redirect("meetups:tandem_detail", pk=tandem.pk)
    return _detail(request, tandem, status=400, learnings_form=form)
