"""Recorded walks on the site: upload a recording or a whole export, watch it being read, see each walk's review."""

from __future__ import annotations

from csp.decorators import csp_replace
from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.files.storage import default_storage
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST

from retrowalk.web.accounts.access import (
    AuthenticatedHttpRequest,
    client_or_404,
    own_profile,
    owned_or_404,
    signed_in,
)
from retrowalk.web.pages import first_error, refuse
from retrowalk.web.recordings import knee, services
from retrowalk.web.recordings.models import VISIBLE, Import, KneeVideo, RecordedWalk
from retrowalk.web.walks.models import WalkSession

ACCEPT = ".fit,.gpx,.tcx,.gz,.zip"


class UploadForm(forms.Form):
    file = forms.FileField(label=gettext_lazy("A recording (.fit, .gpx, .tcx) or a Garmin or Strava export (.zip)"),
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
            messages.info(request, _("%(name)s was uploaded before: here is what it held.")
                          % {"name": made.original_name})
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


# --- the knee check (issue 15) -------------------------------------------------------------------------------

class KneeVideoForm(forms.Form):
    video = forms.FileField(label=gettext_lazy("The video"), allow_empty_file=True,
                            widget=forms.ClearableFileInput(attrs={"accept": "video/*"}))


def _is_her(request: AuthenticatedHttpRequest, video_or_session: KneeVideo | WalkSession) -> bool:
    profile = own_profile(request.user)
    return profile is not None and profile.pk == video_or_session.client_id


@signed_in
@require_http_methods(["GET", "POST"])
def knee_session(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """A session's knee checks, and (for the client herself) "Check my knee": a video upload with how to film."""
    session = owned_or_404(request.user, WalkSession.objects.select_related("client"), pk=pk)
    form = KneeVideoForm(request.POST or None, request.FILES or None)
    context = {"session": session, "client": session.client, "form": form, "hers": _is_her(request, session),
               "videos": KneeVideo.objects.filter(session=session)}
    if request.method == "POST":
        if not context["hers"]:
            raise PermissionDenied(_("Only the client uploads her videos."))
        wants_json = request.headers.get("Accept") == "application/json"  # kneeupload.js, for its progress bar
        try:
            if not form.is_valid():
                raise knee.VideoRefusedError(first_error(form))
            made = knee.start_check(session, form.cleaned_data["video"])
        except knee.VideoRefusedError as err:
            if wants_json:
                return JsonResponse({"error": str(err)}, status=400)
            return refuse(request, "recordings/knee_session.html", context, str(err))
        if wants_json:
            return JsonResponse({"location": reverse("recordings:knee", args=[made.pk])}, status=201)
        return redirect("recordings:knee", pk=made.pk)
    return render(request, "recordings/knee_session.html", context)


@signed_in
def knee_page(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    video = owned_or_404(request.user, KneeVideo.objects.select_related("client", "session"), pk=pk)
    return render(request, "recordings/knee.html", {
        "video": video, "client": video.client, "session": video.session, "hers": _is_her(request, video),
        "checking": video.status in (KneeVideo.Status.QUEUED, KneeVideo.Status.RUNNING)})


@signed_in
def knee_status(request: AuthenticatedHttpRequest, pk: int) -> JsonResponse:
    video = owned_or_404(request.user, KneeVideo.objects.all(), pk=pk)
    return JsonResponse({"status": video.status, "label": video.get_status_display(), "done": video.done,
                         "total": video.total, "percent": video.percent, "verdict": video.verdict})


# Opened on its own, a picture is a page the browser builds itself (centred, with inline style): allowed that, and
# nothing else (nothing of ours is HTML here).
@csp_replace({"default-src": ["'none'"], "img-src": ["'self'"], "style-src": ["'unsafe-inline'"]})  # type: ignore[arg-type]  # its types know only (request) views
@signed_in
def knee_picture(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    video = owned_or_404(request.user, KneeVideo.objects.all(), pk=pk)
    if not video.picture:
        raise Http404(_("No picture yet."))
    with default_storage.open(video.picture.name, "rb") as f:  # a picture of 100–200 KB
        response = HttpResponse(f.read(), content_type="image/png")
    response["Cache-Control"] = "private, no-store"  # her knee: never in a shared cache
    return response


@signed_in
@require_POST
def knee_delete(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    video = owned_or_404(request.user, KneeVideo.objects.select_related("session"), pk=pk)
    if not _is_her(request, video):
        raise PermissionDenied(_("Only the client deletes her videos."))
    session_pk = video.session_id
    knee.delete(video)
    messages.success(request, _("The video, its picture and its result are deleted."))
    return redirect("recordings:knee_session", pk=session_pk)
