"""Trainers' pages for the cohorts they lead: progress, export, and enrolment from a roster."""

import base64

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.text import slugify

from . import selectors
from .resources import ROSTER_COLUMNS, CohortProgressResource, RosterResource
from .spreadsheets import import_result_rows, spreadsheet_dataset, spreadsheet_upload_read

ROSTER_SESSION_KEY = "courses_roster_upload"
EXPORT_FORMATS = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


def _cohort_for(request, cohort_id):
    if not request.user.has_perm("courses.view_cohort"):
        raise PermissionDenied("Only trainers can see cohorts.")
    return get_object_or_404(selectors.cohorts_for_trainer(user=request.user), pk=cohort_id)


@login_required
def cohort_list(request):
    if not request.user.has_perm("courses.view_cohort"):
        raise PermissionDenied("Only trainers can see cohorts.")
    cohorts = selectors.cohorts_for_trainer(user=request.user)
    return render(request, "courses/cohort_list.html", {"cohorts": cohorts})


@login_required
def cohort_detail(request, cohort_id):
    cohort = _cohort_for(request, cohort_id)
    return render(
        request,
        "courses/cohort_detail.html",
        {
            "cohort": cohort,
            "rows": selectors.cohort_progress(cohort=cohort),
            "sessions": cohort.live_sessions.order_by("starts_at"),
        },
    )


@login_required
def cohort_export(request, cohort_id, file_format):
    cohort = _cohort_for(request, cohort_id)
    if file_format not in EXPORT_FORMATS:
        raise PermissionDenied("Export as csv or xlsx.")
    dataset = CohortProgressResource().export(selectors.cohort_progress(cohort=cohort))
    response = HttpResponse(dataset.export(file_format), content_type=EXPORT_FORMATS[file_format])
    filename = f"{slugify(cohort.course.title)}-{slugify(cohort.name)}-progress.{file_format}"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def _read_roster(content: bytes, file_format: str):
    return spreadsheet_dataset(content, file_format, required=("email",), columns=ROSTER_COLUMNS)


@login_required
def cohort_import(request, cohort_id):
    """Upload a roster, see a dry run with every row's outcome or error, then confirm. Nothing
    is written unless every row is valid."""
    cohort = _cohort_for(request, cohort_id)
    context = {"cohort": cohort, "columns": ROSTER_COLUMNS}
    if request.method != "POST":
        return render(request, "courses/cohort_import.html", context)

    confirming = request.POST.get("action") == "confirm"
    try:
        if confirming:
            stored = request.session.get(ROSTER_SESSION_KEY) or {}
            if stored.get("cohort") != cohort.pk:
                raise ValidationError("Upload the roster again: the preview has expired.")
            content, file_format = base64.b64decode(stored["content"]), stored["format"]
        else:
            content, file_format = spreadsheet_upload_read(request.FILES.get("roster"))
        dataset = _read_roster(content, file_format)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return render(request, "courses/cohort_import.html", context, status=400)

    resource = RosterResource(cohort=cohort, enrolled_by=request.user)
    try:
        result = resource.import_data(
            dataset,
            dry_run=not confirming,
            use_transactions=True,
            rollback_on_validation_errors=True,
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return render(request, "courses/cohort_import.html", context, status=400)

    failed = result.has_errors() or result.has_validation_errors()
    for error in result.base_errors:
        messages.error(request, str(error.error))
    if confirming and not failed:
        request.session.pop(ROSTER_SESSION_KEY, None)
        enrolled = result.totals.get("new", 0)
        messages.success(
            request,
            f"Enrolled {enrolled} trainees in {cohort.name}; "
            f"{result.totals.get('update', 0)} were already enrolled.",
        )
        return redirect("courses:cohort_detail", cohort_id=cohort.pk)
    if not failed:
        request.session[ROSTER_SESSION_KEY] = {
            "cohort": cohort.pk,
            "content": base64.b64encode(content).decode(),
            "format": file_format,
        }
    context.update(
        result=result, failed=failed, preview=import_result_rows(result, key_column="email")
    )
    return render(request, "courses/cohort_import.html", context, status=400 if failed else 200)
