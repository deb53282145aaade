"""The import page: upload an export, see what it holds (the preview), confirm, and
follow the background run to its summary.

- `GET /import/` is the upload form and the person's recent imports; `?job=<id>` shows
  one of them: its preview, its progress, or its summary.
- `POST /import/` parses the upload at once (`imports.runs.upload`) and answers with
  the preview's address; a file no importer reads is refused beside the field.
- `POST /import/confirm/` (job=<id>) queues the run; `GET /import/progress/?job=<id>`
  is the `#import-job` fragment, which polls itself every second while the job waits or
  runs, and stops at the summary.
- `POST /import/discard/` (job=<id>) forgets a preview (its file with it) or a finished
  job from the list.

Jobs are their owner's alone (`job_for`): anyone else's id answers 404. Guests import
nothing: the middleware refuses their POSTs, and these pages refuse their GETs.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django import forms
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from articles import accounts
from articles.imports import pending, runs
from articles.imports.core import MAX_IMPORT_BYTES, ImportFileError
from articles.imports.detect import KNOWN
from articles.models import ImportJob
from articles.parsing import parse_int
from articles.permissions import READ_ONLY, ReadOnly

if TYPE_CHECKING:
    from typing import Any

    from articles.views._shared import HtmxHttpRequest


class ImportForm(forms.Form):
    file = forms.FileField(
        label="Export file",
        help_text=f"{KNOWN[0].upper()}{KNOWN[1:]}; up to {MAX_IMPORT_BYTES // (1024 * 1024)} MB.",
        allow_empty_file=True,  # an empty file gets our own message, below
    )


def _contributor(request: HtmxHttpRequest) -> None:
    if not accounts.may_contribute(request.user):
        raise ReadOnly(READ_ONLY)


def job_for(request: HtmxHttpRequest, raw: str | None) -> ImportJob:
    """The person's own import job with the id `raw`, or 404."""
    pk = parse_int(raw, maximum=2**63 - 1)
    job = (
        ImportJob.objects.filter(pk=pk, owner=request.user).defer("data").first()
        if pk is not None
        else None
    )
    if job is None:
        raise Http404("No such import.")
    return job


def _page(
    request: HtmxHttpRequest, form: ImportForm, status: int = 200, **more: Any
) -> HttpResponse:
    context = {
        "form": form,
        "recent": runs.recent_for(request.user, besides=more.get("job")),
        "max_mb": MAX_IMPORT_BYTES // (1024 * 1024),
        **more,
    }
    return render(request, "imports/import.html", context, status=status)


def _job_context(job: ImportJob) -> dict[str, Any]:
    job = runs.check_alive(job)
    problems = (
        job.preview.get("problems", []) if job.status == ImportJob.Status.PREVIEW else job.errors
    )
    return {
        "job": job,
        "preview": job.preview,
        "problems": problems[:200],
        "more_problems": max(0, len(problems) - 200),
        "fetching": pending.waiting_for(job.pk) if job.status == ImportJob.Status.DONE else 0,
    }


@require_http_methods(["GET", "POST"])
def import_page(request: HtmxHttpRequest) -> HttpResponse:
    _contributor(request)
    if request.method == "POST":
        return _upload(request)
    pending.ensure_advancing()  # restarts the fetching of imported entries if it stopped
    raw = request.GET.get("job")
    more = _job_context(job_for(request, raw)) if raw is not None else {}
    return _page(request, ImportForm(), **more)


def _upload(request: HtmxHttpRequest) -> HttpResponse:
    form = ImportForm(request.POST, request.FILES)
    if not form.is_valid():
        return _page(request, form, status=400)
    upload = form.cleaned_data["file"]
    if upload.size > MAX_IMPORT_BYTES:
        form.add_error(
            "file",
            f"It is {upload.size / (1024 * 1024):.1f} MB; Newsroom imports files up to "
            f"{MAX_IMPORT_BYTES // (1024 * 1024)} MB.",
        )
        return _page(request, form, status=400)
    try:
        job = runs.upload(request.user, upload.read(), upload.name or "")
    except ImportFileError as exc:
        form.add_error("file", str(exc))
        return _page(request, form, status=400)
    return redirect(f"{reverse('import_page')}?job={job.pk}")


@require_POST
def confirm_import(request: HtmxHttpRequest) -> HttpResponse:
    job = runs.confirm(job_for(request, request.POST.get("job")))
    if request.htmx:
        return render(request, "imports/import.html#import-job", _job_context(job))
    return redirect(f"{reverse('import_page')}?job={job.pk}")


@require_GET
def import_progress(request: HtmxHttpRequest) -> HttpResponse:
    _contributor(request)
    job = job_for(request, request.GET.get("job"))
    if not request.htmx:
        return redirect(f"{reverse('import_page')}?job={job.pk}")
    return render(request, "imports/import.html#import-job", _job_context(job))


@require_POST
def discard_import(request: HtmxHttpRequest) -> HttpResponse:
    job = job_for(request, request.POST.get("job"))
    if not job.is_active:
        job.delete()
    return redirect("import_page")


urlpatterns = [
    path("import/", import_page, name="import_page"),
    path("import/confirm/", confirm_import, name="import_confirm"),
    path("import/progress/", import_progress, name="import_progress"),
    path("import/discard/", discard_import, name="import_discard"),
]
