"""Views of the organisations and people from outside (coordinators curate them)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from intranet.core.web import apply_errors, viewer_of

from . import permissions as perms
from . import selectors, services
from .forms import ExternalPersonForm, OrganisationForm


@login_required
@require_GET
def organisation_list(request: HttpRequest) -> HttpResponse:
    viewer = viewer_of(request)
    directory = selectors.organisation_directory()
    return render(
        request,
        "meetups/organisations/organisation_list.html",
        {
            "directory": directory,
            "can_curate": perms.can_curate_organisations(viewer),
            "can_see_email": perms.can_view_external_email(viewer),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def organisation_form(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    viewer = viewer_of(request)
    org = selectors.organisation_get(viewer=viewer, pk=pk) if pk else None
    if not perms.can_curate_organisations(viewer):
        raise PermissionDenied
    if request.method == "POST":
        form = OrganisationForm(request.POST, idempotent=org is None)
        if form.is_valid():
            try:
                if org is None:
                    services.organisation_create(actor=viewer, **form.cleaned_data)
                else:
                    services.organisation_update(actor=viewer, organisation=org, **form.cleaned_data)
            except ValidationError as exc:
                apply_errors(form, exc)
            else:
                messages.success(request, _("The organisation has been saved."))
                return redirect("meetups:organisation_list")
        form.mark_invalid()
    else:
        initial = {f: getattr(org, f) for f in ("name", "kind", "website", "city", "description")} if org else None
        form = OrganisationForm(initial=initial, idempotent=org is None)
    return render(
        request, "meetups/organisations/organisation_form.html", {"form": form, "object": org, "kind": "organisation"}
    )


@login_required
@require_http_methods(["GET", "POST"])
def person_form(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    viewer = viewer_of(request)
    person = selectors.external_person_get(viewer=viewer, pk=pk) if pk else None
    if not perms.can_curate_organisations(viewer):
        raise PermissionDenied
    if request.method == "POST":
        form = ExternalPersonForm(request.POST, idempotent=person is None)
        if form.is_valid():
            try:
                if person is None:
                    services.external_person_create(actor=viewer, **form.cleaned_data)
                else:
                    services.external_person_update(actor=viewer, person=person, **form.cleaned_data)
            except ValidationError as exc:
                apply_errors(form, exc)
            else:
                messages.success(request, _("The person has been saved."))
                return redirect("meetups:organisation_list")
        form.mark_invalid()
    else:
        initial = (
            {"name": person.name, "organisation": person.organisation, "role": person.role, "email": person.email}
            if person
            else None
        )
        form = ExternalPersonForm(initial=initial, idempotent=person is None)
    return render(
        request, "meetups/organisations/organisation_form.html", {"form": form, "object": person, "kind": "person"}
    )
