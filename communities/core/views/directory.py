"""The community directory and creating a community (function views)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from communities.core import selectors, services
from communities.core.forms import CommunityCreateForm, DirectoryForm
from communities.core.models import Community
from communities.core.permissions import can_create_community


@login_required
def community_list(request: HttpRequest) -> HttpResponse:
    viewer = request.viewer  # type: ignore[attr-defined]
    form = DirectoryForm(request.GET)
    filters = form.filters()
    cursor = form.cursor_value()
    page = selectors.community_list_for_directory(viewer=viewer, filters=filters, cursor=cursor or None)
    kept: dict[str, str] = {
        key: str(value) for key, value in request.GET.items() if value and key != "cursor" and key in form.fields
    }
    next_url = ""
    if page.next_cursor:
        next_url = f"{reverse('communities:community_list')}?{urlencode({**kept, 'cursor': page.next_cursor})}"
    context: dict[str, Any] = {
        "page": page,
        "next_url": next_url,
        "filters": filters,
        "is_filtered": any(
            [filters.query, filters.category, filters.language, filters.official, filters.mine, filters.visibility]
        ),
    }
    if getattr(request, "htmx", False) and cursor:
        return render(request, "communities/core/_community_page.html", context)
    context.update(
        form=form,
        categories=selectors.category_list_for_directory(),
        sorts=selectors.DirectorySort.choices,
        languages=Community.Language.choices,
        visibilities=[(value, label) for value, label in form.fields["visibility"].choices if value],  # type: ignore[attr-defined]
        can_create=can_create_community(viewer),
    )
    return render(request, "communities/core/community_list.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def community_create(request: HttpRequest) -> HttpResponse:
    viewer = request.viewer  # type: ignore[attr-defined]
    if not can_create_community(viewer):
        raise PermissionDenied
    if request.method == "POST":
        form = CommunityCreateForm(request.POST, request.FILES)
        if form.is_valid():
            data = form.cleaned_data
            try:
                community = services.community_create(
                    actor=viewer,
                    name=data["name"],
                    slug=data["slug"],
                    description=data["description"],
                    purpose=data["purpose"],
                    category=data["category"],
                    tags=data["tags"],
                    language=data["language"],
                    visibility=data["visibility"],
                    join_policy=data["join_policy"],
                    cover_image=data["cover_image"],
                    idempotency_key=data["idempotency_key"],
                )
            except ValidationError as exc:
                form.add_service_errors(exc)
            else:
                messages.success(request, _("The community has been created. You are its owner."))
                return redirect("communities:community_detail", slug=community.slug)
        form.mark_invalid()
    else:
        form = CommunityCreateForm(
            initial={
                "language": getattr(request.user, "language", "") or Community.Language.GERMAN,
                "visibility": Community.Visibility.PUBLIC,
                "join_policy": Community.JoinPolicy.OPEN,
            }
        )
    return render(request, "communities/core/community_form.html", {"form": form, "community": None})
