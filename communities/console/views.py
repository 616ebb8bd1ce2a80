"""The coordinator console: overview, community list with export, community detail with handover,
campaign and merge actions, the managers' portfolio with private notes; plus the owners' answer to
a lifecycle question and the owners' handover page.

People who are no coordinators get 404 on every console page (the console's existence is no secret,
but nothing in it is theirs). Writes go through ``services.handover`` / ``services.lifecycle``.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from communities.console import selectors
from communities.core.models import Community
from communities.core.permissions import can_view_console, visible_communities
from communities.health.permissions import can_recompute_health
from communities.health.selectors import health_last_computed
from communities.lifecycle import handover as handover_services
from communities.lifecycle import services as lifecycle_services
from communities.lifecycle.models import CampaignCase
from communities.lifecycle.permissions import (
    can_hand_over_community,
    can_restore_community,
    can_start_campaign,
    can_start_merge,
)
from intranet.accounts.forms import PersonField, PersonPicker
from intranet.core.csvexport import csv_response
from intranet.core.forms import IsoDateInput
from intranet.core.idempotency import IdempotentFormMixin
from intranet.core.switches import person_figures_allowed
from intranet.core.web import apply_errors, error_message
from intranet.core.web import viewer_of as _viewer

# Forms ------------------------------------------------------------------------------------------


class HandoverForm(forms.Form):
    to_user = forms.IntegerField(required=False, widget=forms.HiddenInput)
    person = PersonField(
        label=gettext_lazy("Or someone else"),
        required=False,
        help_text=gettext_lazy("Start typing their name and choose them from the list."),
        widget=PersonPicker(attrs={"aria-describedby": "id_person_helptext"}, include_self=False),
    )
    replace_owners = forms.BooleanField(required=False)
    reason = forms.CharField(
        label=gettext_lazy("Reason (recorded in the audit log)"),
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 2, "class": "form-control"}),
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not data.get("to_user") and not data.get("person"):
            raise ValidationError(_("Choose a successor: one of the suggestions or someone else by name."))
        return data


class AnswerForm(forms.Form):
    answer = forms.ChoiceField(
        label=gettext_lazy("Your answer"), choices=CampaignCase.Answer.choices, widget=forms.RadioSelect
    )
    merge_target = forms.IntegerField(required=False, widget=forms.HiddenInput)
    merge_slug = forms.CharField(
        label=gettext_lazy("Merge into (address of the community)"),
        required=False,
        max_length=80,
        widget=forms.TextInput(attrs={"class": "form-control", "placeholder": "community-address"}),
    )


class NoteForm(IdempotentFormMixin, forms.Form):
    text = forms.CharField(
        label=gettext_lazy("Note"), max_length=5000, widget=forms.Textarea(attrs={"rows": 3, "class": "form-control"})
    )
    next_action = forms.CharField(
        label=gettext_lazy("Next action"),
        required=False,
        max_length=300,
        widget=forms.TextInput(attrs={"class": "form-control"}),
    )
    next_action_due = forms.DateField(
        label=gettext_lazy("Due"),
        required=False,
        widget=IsoDateInput(attrs={"class": "form-control"}),
    )


class MergeForm(forms.Form):
    """The confirmation step of a merge: the target chosen in the search, a reason, and the
    explicit confirmation (a merge never happens on the first click)."""

    target = forms.IntegerField(widget=forms.HiddenInput, min_value=1)
    reason = forms.CharField(
        label=gettext_lazy("Reason (recorded in the audit log)"),
        required=False,
        max_length=1000,
        widget=forms.TextInput(attrs={"class": "form-control"}),
    )
    confirm = forms.BooleanField(
        label=gettext_lazy("I checked the summary: merge now"),
        error_messages={"required": gettext_lazy("Confirm the merge after checking the summary.")},
    )


# Overview and list ------------------------------------------------------------------------------


def _chart(labels: list[str], values: list[int], label: str, kind: str = "line") -> dict[str, Any]:
    return {
        "type": kind,
        "data": {"labels": labels, "datasets": [{"label": label, "data": values, "tension": 0.2, "fill": False}]},
        "options": {"plugins": {"legend": {"display": False}}, "scales": {"y": {"beginAtZero": True}}},
    }


@login_required
@require_GET
def console_overview(request: HttpRequest) -> HttpResponse:
    viewer = _viewer(request)
    overview = selectors.console_overview(viewer)
    state_chart = {
        "type": "bar",
        "data": {
            "labels": [label or _("Not yet assessed") for _v, label, _n in overview.by_state],
            "datasets": [{"label": _("Communities"), "data": [n for _v, _l, n in overview.by_state]}],
        },
        "options": {"plugins": {"legend": {"display": False}}, "scales": {"y": {"beginAtZero": True}}},
    }
    return render(
        request,
        "communities/console/console_overview.html",
        {
            "overview": overview,
            "state_chart": state_chart,
            "members_chart": _chart(overview.chart_days, overview.chart_members, _("Members")),
            "activity_chart": _chart(
                overview.chart_days, overview.chart_activity, _("Posts, comments and reactions"), "bar"
            ),
            "certified_percent": round(overview.certified_share * 100)
            if overview.certified_share is not None
            else None,
            "can_start_campaign": can_start_campaign(viewer),
            "can_recompute": can_recompute_health(viewer),
            "health_computed_at": health_last_computed(),
            "console_tab": "overview",
        },
    )


@login_required
@require_GET
def console_community_list(request: HttpRequest) -> HttpResponse:
    viewer = _viewer(request)
    selectors.require_console(viewer)
    filters = selectors.ConsoleFilters.from_query(request.GET)
    page = selectors.console_community_page(viewer, filters, request.GET.get("cursor"))
    sort_links = {}
    for key in selectors.SORTS:
        descending = not (filters.sort_key == key and filters.descending)
        sort_links[key] = "?" + urlencode(filters.as_query(sort=("-" if descending else "") + key))
    return render(
        request,
        "communities/console/console_list.html",
        {
            "page": page,
            "filters": filters,
            "choices": selectors.filter_choices(),
            "sort_links": sort_links,
            "next_url": "?" + urlencode(filters.as_query(cursor=page.next_cursor)) if page.next_cursor else "",
            "export_url": reverse("communities:console_export") + "?" + urlencode(filters.as_query()),
            "can_start_campaign": can_start_campaign(viewer) and filters.state == "dormant",
            "console_tab": "communities",
        },
    )


EXPORT_HEADER = [
    "id",
    "name",
    "address",
    "category",
    "official",
    "lifecycle",
    "state",
    "score",
    "size_class",
    "members",
    "active_30d",
    "posts_30d",
    "last_activity",
]


@login_required
@require_GET
def console_export(request: HttpRequest) -> StreamingHttpResponse:
    """The filtered list as CSV, streamed row by row (one query on a server-side cursor)."""
    viewer = _viewer(request)
    selectors.require_console(viewer)
    filters = selectors.ConsoleFilters.from_query(request.GET)
    stamp = timezone.localdate().isoformat()
    return csv_response(f"communities-{stamp}.csv", EXPORT_HEADER, selectors.console_export_rows(viewer, filters))


# Community detail and actions -------------------------------------------------------------------


def _detail_url(community: Community) -> str:
    return reverse("communities:console_community", kwargs={"pk": community.pk})


@login_required
@require_GET
def console_community(request: HttpRequest, pk: int) -> HttpResponse:
    viewer = _viewer(request)
    detail = selectors.console_community_get(viewer, pk)
    community = detail.community
    suggestions = handover_services.successor_suggestions(community)
    return render(
        request,
        "communities/console/console_community.html",
        {
            "detail": detail,
            "community": community,
            "suggestions": suggestions,
            "handover_form": HandoverForm(),
            "can_merge": can_start_merge(viewer, community),
            "can_restore": can_restore_community(viewer, community),
            "can_start_campaign": can_start_campaign(viewer) and detail.open_case is None,
            "console_tab": "communities",
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def console_handover(request: HttpRequest, pk: int) -> HttpResponse:
    """Hand a community over: coordinators (from the console) and its owners (stepping down)."""
    viewer = _viewer(request)
    community = visible_communities(viewer).filter(pk=pk).first()
    if community is None or not can_hand_over_community(viewer, community):
        raise Http404
    suggestions = handover_services.successor_suggestions(community, exclude_user_ids={viewer.user_id or 0})
    form = HandoverForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            to_user = selectors.handover_person_get(
                viewer=viewer,
                user_id=form.cleaned_data.get("to_user"),
                identifier=form.cleaned_data.get("person") or "",
                suggestions=suggestions,
            )
            handover_services.community_handover(
                actor=viewer,
                community=community,
                to_user=to_user,
                reason=form.cleaned_data.get("reason") or "",
                replace_owners=bool(form.cleaned_data.get("replace_owners")) and can_view_console(viewer),
            )
        except PermissionDenied:
            raise Http404 from None
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(
                request,
                _("%(person)s is now an owner of %(community)s.") % {"person": to_user, "community": community.name},
            )
            if can_view_console(viewer):
                return redirect(_detail_url(community))
            return redirect("communities:community_detail", slug=community.slug)
    return render(
        request,
        "communities/console/console_handover.html",
        {
            "community": community,
            "suggestions": suggestions,
            "form": form,
            "is_coordinator": can_view_console(viewer),
            "console_tab": "communities",
        },
        status=400 if request.method == "POST" else 200,
    )


@login_required
@require_POST
def console_campaign_start(request: HttpRequest) -> HttpResponse:
    viewer = _viewer(request)
    if not can_start_campaign(viewer):
        raise Http404
    ids = [int(v) for v in request.POST.getlist("community") if v.isdigit()] or None
    try:
        campaign = lifecycle_services.campaign_start(actor=viewer, community_ids=ids)
    except ValidationError as error:
        error_message(request, error)
        campaign = None
    if campaign is None:
        messages.info(request, _("No dormant community is waiting for a question."))
    else:
        messages.success(
            request, _("The owners of %(n)d dormant communities were asked.") % {"n": campaign.cases.count()}
        )
    back = request.POST.get("next") or ""
    if back.startswith("/console/"):
        return redirect(back)
    return redirect("communities:console_community_list")


def _int_or_none(value: str | None) -> int | None:
    return int(value) if value and value.isdigit() and len(value) < 12 else None


@login_required
@require_http_methods(["GET", "POST"])
def console_merge(request: HttpRequest, pk: int) -> HttpResponse:
    """Merge a community in two steps: find the target by name, then confirm after a summary of
    what moves. A repeated confirmation changes nothing (the service is idempotent)."""
    viewer = _viewer(request)
    source = selectors.merge_source_get(viewer, pk)
    merge_url = reverse("communities:console_merge", kwargs={"pk": source.pk})
    form = MergeForm(request.POST or None)
    target_id = _int_or_none(request.POST.get("target") if request.method == "POST" else request.GET.get("target"))
    target: Community | None = None
    if request.method == "POST":
        target = selectors.merge_target_get(viewer, source, target_id)
        if form.is_valid():
            try:
                lifecycle_services.community_merge(
                    actor=viewer, source=source, target=target, reason=form.cleaned_data.get("reason") or ""
                )
            except ValidationError as error:
                error_message(request, error)
                return redirect(_detail_url(source))
            messages.success(
                request, _("%(source)s was merged into %(target)s.") % {"source": source.name, "target": target.name}
            )
            return redirect(_detail_url(target))
        status = 400
    else:
        target = selectors.merge_target_get(viewer, source, target_id) if target_id else None
        form = MergeForm(initial={"target": target.pk} if target else None)
        status = 200
    query = " ".join(request.GET.get("q", "").split())[:80]
    return render(
        request,
        "communities/console/console_merge.html",
        {
            "community": source,
            "form": form,
            "query": query,
            "results": selectors.merge_targets(viewer, source, query) if query and target is None else [],
            "preview": selectors.merge_preview(viewer, source, target) if target is not None else None,
            "merge_url": merge_url,
            "console_tab": "communities",
        },
        status=status,
    )


@login_required
@require_GET
def console_merge_targets(request: HttpRequest, pk: int) -> HttpResponse:
    """The merge target search as a listbox (the combobox of the merge page asks it as one types)."""
    viewer = _viewer(request)
    source = selectors.merge_source_get(viewer, pk)
    query = " ".join(request.GET.get("q", "").split())[:80]
    return render(
        request,
        "communities/console/_merge_target_options.html",
        {"communities": selectors.merge_targets(viewer, source, query), "query": query},
    )


@login_required
@require_POST
def console_unmerge(request: HttpRequest, pk: int) -> HttpResponse:
    viewer = _viewer(request)
    record = selectors.merge_record_get_for_unmerge(viewer, pk)
    try:
        lifecycle_services.community_unmerge(actor=viewer, record=record, reason=request.POST.get("reason", ""))
    except ValidationError as error:
        error_message(request, error)
    else:
        messages.success(request, _("The merge was undone."))
    return redirect(_detail_url(record.source))


@login_required
@require_POST
def console_restore(request: HttpRequest, pk: int) -> HttpResponse:
    viewer = _viewer(request)
    detail = selectors.console_community_get(viewer, pk)
    try:
        lifecycle_services.community_restore(actor=viewer, community=detail.community)
    except PermissionDenied:
        raise Http404 from None
    messages.success(request, _("%(community)s is active again.") % {"community": detail.community.name})
    return redirect(_detail_url(detail.community))


@login_required
@require_http_methods(["GET", "POST"])
def console_case_answer(request: HttpRequest, pk: int) -> HttpResponse:
    """The lifecycle question, for the community's owners (and its coordinators)."""
    viewer = _viewer(request)
    case = selectors.case_get_for_viewer(viewer, pk)
    form = AnswerForm(request.POST or None)
    if request.method == "POST" and form.is_valid() and case.closed_at is None:
        target = None
        if form.cleaned_data["answer"] == CampaignCase.Answer.MERGE:
            slug = (form.cleaned_data.get("merge_slug") or "").strip()
            target = visible_communities(viewer).filter(slug=slug).first() if slug else None
            if target is None:
                form.add_error("merge_slug", _("No community with this address."))
        if not form.errors:
            try:
                lifecycle_services.campaign_case_answer(
                    actor=viewer, case=case, answer=form.cleaned_data["answer"], merge_target=target
                )
            except PermissionDenied:
                raise Http404 from None
            except ValidationError as error:
                apply_errors(form, error)
            else:
                messages.success(request, _("Thank you, your answer was recorded."))
                return redirect("communities:console_case_answer", pk=case.pk)
    return render(
        request,
        "communities/console/console_case.html",
        {"case": case, "form": form, "console_tab": "communities"},
        status=400 if request.method == "POST" else 200,
    )


# Portfolio --------------------------------------------------------------------------------------


@login_required
@require_GET
def console_portfolio(request: HttpRequest) -> HttpResponse:
    viewer = _viewer(request)
    page = selectors.portfolio_page(viewer, request.GET.get("cursor"))
    return render(
        request,
        "communities/console/console_portfolio.html",
        {
            "page": page,
            "next_url": "?" + urlencode({"cursor": page.next_cursor}) if page.next_cursor else "",
            "today": timezone.localdate(),
            "console_tab": "managers",
            "person_figures": person_figures_allowed(),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def console_manager(request: HttpRequest, user_id: int) -> HttpResponse:
    viewer = _viewer(request)
    manager, notes = selectors.manager_get_for_console(viewer, user_id)
    form = NoteForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            lifecycle_services.coordinator_note_add(actor=viewer, manager=manager, **form.cleaned_data)
        except PermissionDenied:
            raise Http404 from None
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, _("Note saved."))
            return redirect("communities:console_manager", user_id=manager.pk)
    return render(
        request,
        "communities/console/console_manager.html",
        {"manager": manager, "notes": notes, "form": form, "console_tab": "managers"},
        status=400 if request.method == "POST" else 200,
    )
