"""People directory, profile pages, profile editing and following (function views)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from intranet.core.web import apply_errors, is_htmx

from . import selectors, services
from .forms import DirectorySearchForm, ProfileForm
from .permissions import can_edit_profile
from .profile_sections import render_profile_sections


@login_required
def people_list(request: HttpRequest) -> HttpResponse:
    params = DirectorySearchForm(request.GET).values()
    viewer = request.viewer  # type: ignore[attr-defined]
    query, department, location, skill = params["q"], params["department"], params["location"], params["skill"]
    page = selectors.user_list_for_directory(
        viewer=viewer,
        query=query,
        department=department,
        location=location,
        skill=skill,
        cursor=params["cursor"] or None,
    )
    next_url = ""
    if page.next_cursor:
        kept = {key: value for key, value in params.items() if value and key != "cursor"}
        next_url = f"{reverse('accounts:people_list')}?{urlencode({**kept, 'cursor': page.next_cursor})}"
    context: dict[str, Any] = {
        "page": page,
        "next_url": next_url,
        "params": params,
        "is_filtered": any(params[key] for key in ("q", "department", "location", "skill")),
    }
    if is_htmx(request) and params["cursor"]:
        return render(request, "accounts/_people_page.html", context)
    context["facets"] = selectors.directory_facets()
    return render(request, "accounts/people_list.html", context)


@login_required
@require_http_methods(["GET"])
def person_options(request: HttpRequest) -> HttpResponse:
    """The person picker's listbox: up to eight people the viewer may see whose name matches ``q``
    (typo- and umlaut-tolerant, like the directory), for every form that asks for a person
    (assets/js/people_picker.js). ``self=0`` leaves the viewer out. A blank ``q`` answers an empty
    list without a query; the answer may be cached briefly by the browser, since the picker asks
    again for every few letters typed.
    """
    viewer = request.viewer  # type: ignore[attr-defined]
    query = request.GET.get("q", "")
    exclude = [viewer.user_id] if request.GET.get("self") == "0" else []
    people = selectors.user_list_for_picker(viewer=viewer, query=query, exclude_ids=exclude)
    response = render(request, "accounts/_person_options.html", {"people": people, "query": query.strip()})
    response["Cache-Control"] = "private, max-age=30"
    return response


@login_required
def profile_detail(request: HttpRequest, handle: str) -> HttpResponse:
    person = selectors.user_get_for_profile(viewer=request.viewer, handle=handle)  # type: ignore[attr-defined]
    return render(
        request,
        "accounts/profile_detail.html",
        {
            "person": person,
            "can_edit": can_edit_profile(request.viewer, person),  # type: ignore[attr-defined]
            "is_self": person.pk == request.user.pk,
            "extra_sections": render_profile_sections(request, person),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def profile_edit(request: HttpRequest, handle: str | None = None) -> HttpResponse:
    """Edit one's own profile (``me/edit/``) or, for staff, someone else's (``<handle>/edit/``)."""
    owner = request.user
    if handle is not None:
        owner = selectors.user_get_for_viewer(viewer=request.viewer, handle=handle)  # type: ignore[attr-defined]
    if not can_edit_profile(request.viewer, owner):  # type: ignore[attr-defined, arg-type]
        raise PermissionDenied
    user: Any = owner
    # Accounts made before profiles existed get an empty one here: a write, so through the service.
    profile = services.profile_get_or_create(user=user)
    user.profile = profile  # templates reading user.profile do not fetch it again
    if request.method == "POST":
        form = ProfileForm(request.POST, request.FILES)
        if form.is_valid():
            data = form.cleaned_data
            try:
                services.profile_update(
                    actor=request.user,  # type: ignore[arg-type]
                    user=user,
                    display_name=data["display_name"],
                    job_title=data["job_title"],
                    department=data["department"],
                    location=data["location"],
                    languages=data["languages"],
                    skills=data["skills"],
                    bio=data["bio"],
                    avatar=data["avatar"],
                    remove_avatar=data["remove_avatar"] and not data["avatar"],
                )
            except ValidationError as exc:
                apply_errors(form, exc)
            else:
                messages.success(request, _("The profile has been saved."))
                return redirect(user.get_absolute_url())
        form.mark_invalid()
    else:
        form = ProfileForm(initial=ProfileForm.initial_for(user, profile))
    return render(
        request,
        "accounts/profile_edit.html",
        {"form": form, "person": user, "profile": profile, "is_self": user.pk == request.user.pk},
    )


def _follow_response(request: HttpRequest, handle: str, error: str = "") -> HttpResponse:
    if is_htmx(request):
        person = selectors.user_get_for_profile(viewer=request.viewer, handle=handle)  # type: ignore[attr-defined]
        return render(
            request,
            "accounts/_follow_button.html",
            {"person": person, "is_self": person.pk == request.user.pk, "follow_error": error},
            # htmx swaps 2xx answers only; the error is shown inside the swapped button.
        )
    if error:
        messages.error(request, error)
    return HttpResponseRedirect(reverse("accounts:profile_detail", kwargs={"handle": handle}))


@login_required
@require_POST
def follow_create(request: HttpRequest, handle: str) -> HttpResponse:
    followee = selectors.user_get_for_viewer(viewer=request.viewer, handle=handle)  # type: ignore[attr-defined]
    try:
        services.follow_create(actor=request.user, followee=followee)  # type: ignore[arg-type]
    except ValidationError as exc:
        return _follow_response(request, handle, error=" ".join(exc.messages))
    return _follow_response(request, handle)


@login_required
@require_POST
def follow_delete(request: HttpRequest, handle: str) -> HttpResponse:
    followee = selectors.user_get_for_viewer(viewer=request.viewer, handle=handle)  # type: ignore[attr-defined]
    services.follow_delete(actor=request.user, followee=followee)  # type: ignore[arg-type]
    return _follow_response(request, handle)
