"""Recorded walks on the site: upload a recording or a whole export, watch it being read, see each walk's review."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.http import HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from retrowalk.web.accounts.access import AuthenticatedHttpRequest, client_or_404, owned_or_404, signed_in
from retrowalk.web.pages import first_error, refuse
from retrowalk.web.recordings import services
from retrowalk.web.recordings.models import VISIBLE, Import, RecordedWalk

ACCEPT = ".fit,.gpx,.tcx,.gz,.zip"


class UploadForm(forms.Form):
    file = forms.FileField(label="A recording (.fit, .gpx, .tcx) or a Garmin or Strava export (.zip)",
                           allow_empty_file=True, widget=forms.ClearableFileInput(attrs={"accept": ACCEPT}))


@signed_in
@require_http_methods(["GET", "POST"])
def recordings(request: AuthenticatedHttpRequest, client_id: int) -> HttpResponse:
    client = client_or_404(request.user, client_id)
    form = UploadForm(request.POST or None, request.FILES or None)
    context = {"client": client, "form": form, "walks": RecordedWalk.objects.filter(VISIBLE, client=client)[:100],
               "imports": Import.objects.filter(client=client)[:10]}
    if request.method == "POST":
        if not form.is_valid():
            return refuse(request, "recordings/list.html", context, first_error(form))
        try:
            made, new = services.start_import(client, form.cleaned_data["file"])
        except services.UploadRefusedError as err:
            return refuse(request, "recordings/list.html", context, str(err))
        if not new:
            messages.info(request, f"{made.original_name} was uploaded before: here is what it held.")
        return redirect("recordings:import", pk=made.pk)
    return render(request, "recordings/list.html", context)


@signed_in
def import_page(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    job = owned_or_404(request.user, Import.objects.select_related("client"), pk=pk)
    walks = RecordedWalk.objects.filter(VISIBLE, source=job)
    return render(request, "recordings/import.html", {"job": job, "client": job.client, "walks": walks,
                                                      "reading": job.status in (Import.Status.QUEUED,
                                                                                Import.Status.RUNNING)})


@signed_in
def import_status(request: AuthenticatedHttpRequest, pk: int) -> JsonResponse:
    job = owned_or_404(request.user, Import.objects.all(), pk=pk)
    return JsonResponse({"status": job.status, "label": job.get_status_display(), "done": job.done,
                         "total": job.total, "percent": job.percent, "walks_new": job.walks_new,
                         "message": job.message})


@signed_in
def walk_page(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    walk = owned_or_404(request.user, RecordedWalk.objects.filter(VISIBLE).select_related("client", "plan"), pk=pk)
    rows = []
    for b in walk.review.get("bouts", []):
        s = b.get("stretch")
        rows.append({"number": b["number"], "planned_s": b["planned_s"], "verdict": b["verdict"], "why": b["why"],
                     "at_s": round(s["start_s"] if s else b["planned_at_s"]),
                     "done_s": round(s["end_s"] - s["start_s"]) if s else None,
                     "ground": s["ground"] if s else "", "descent": bool(s and s["on_descent"])})
    return render(request, "recordings/walk.html", {"walk": walk, "client": walk.client, "review": walk.review,
                                                    "rows": rows})
