"""Pages of the privacy app: "Download my data", the download link, staff exports, the register."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods

from intranet.core.errors import too_many_requests
from intranet.core.pagination import Page
from intranet.core.web import viewer_of

from . import register, selectors, services
from .forms import StaffExportForm
from .links import export_download_url
from .models import ExportRequest
from .permissions import can_export_for_others, can_view_register
from .retention.services import retention_batch_size, retention_report


@login_required
@require_http_methods(["GET", "POST"])
def my_data(request: HttpRequest) -> HttpResponse:
    """The settings page "Download my data": ask for an export, see the recent ones."""
    viewer = viewer_of(request)
    if request.method == "POST":
        try:
            services.export_request(actor=viewer, person=request.user)
        except services.ExportRateLimited as limited:
            return too_many_requests(request, retry_after=limited.retry_after)
        messages.success(request, _("We are preparing your data. You will get a notification with the link."))
        return redirect("privacy:my_data")
    page = selectors.export_list_for_settings(viewer, cursor=request.GET.get("cursor"))
    return render(
        request,
        "privacy/my_data.html",
        {
            "page": page,
            "exports": _with_links(page),
            "link_hours": settings.PRIVACY_EXPORT_LINK_HOURS,
            "per_day": settings.PRIVACY_EXPORT_PER_DAY,
        },
    )


def _with_links(page: Page[ExportRequest]) -> list[tuple[ExportRequest, str]]:
    return [(export, export_download_url(export) if export.is_downloadable else "") for export in page]


@never_cache
@login_required
@require_GET
def export_download(request: HttpRequest, pk: int, token: str) -> HttpResponseBase:
    """The ZIP, for the one who asked for it only (404 for everyone else), until the link expires (410)."""
    viewer = viewer_of(request)
    export = selectors.export_get_for_download(viewer, pk, token)
    try:
        services.export_download(actor=viewer, export=export, token=token)
    except services.ExportLinkExpired:
        return render(request, "privacy/export_gone.html", status=410)
    response = FileResponse(export.file.open("rb"), as_attachment=True, filename=f"my-data-{export.pk}.zip")
    response["Cache-Control"] = "no-store"
    response["Referrer-Policy"] = "no-referrer"
    return response


@login_required
@require_http_methods(["GET", "POST"])
def staff_exports(request: HttpRequest) -> HttpResponse:
    """Staff run the export for anyone (an access request that came by letter); audited."""
    viewer = viewer_of(request)
    if not can_export_for_others(viewer):
        raise Http404
    form = StaffExportForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            person = selectors.person_for_staff_export(viewer, form.cleaned_data["person"])
        except Http404:
            form.add_error("person", _("No account has this e-mail address or handle."))
        else:
            try:
                services.export_request(actor=viewer, person=person)
            except services.ExportRateLimited as limited:
                return too_many_requests(request, retry_after=limited.retry_after)
            messages.success(request, _("The export is being prepared. You will get a notification with the link."))
            return redirect("privacy:staff_exports")
    page = selectors.export_list_for_settings(viewer, cursor=request.GET.get("cursor"))
    return render(request, "privacy/staff_exports.html", {"form": form, "page": page, "exports": _with_links(page)})


@login_required
@require_GET
def records(request: HttpRequest) -> HttpResponse:
    """What the platform records about people, with retention and the works-council switches."""
    viewer = viewer_of(request)
    if not can_view_register(viewer):
        raise Http404
    return render(
        request,
        "privacy/records.html",
        {"rows": register.entry_rows(), "counts": register.counts(), "switches": register.switch_rows()},
    )


@login_required
@require_GET
def retention(request: HttpRequest) -> HttpResponse:
    """The retention dry run for staff: per rule, its period and how many rows are past it now.

    Nothing changes here; the nightly job (``privacy-retention-nightly``) acts, in batches. One
    count per rule, so the page costs the same whatever the data.
    """
    viewer = viewer_of(request)
    if not can_view_register(viewer):
        raise Http404
    lines = retention_report()
    return render(
        request,
        "privacy/retention.html",
        {"lines": lines, "due_total": sum(line.due for line in lines), "batch_size": retention_batch_size()},
    )
