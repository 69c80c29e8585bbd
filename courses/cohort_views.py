"""Trainers' pages for the cohorts they lead: progress, export, and enrolment from a roster."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.text import slugify

from . import selectors
from .resources import ROSTER_COLUMNS, CohortProgressResource, RosterResource, RosterRowOutcome
from .spreadsheets import spreadsheet_import

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


def _roster_confirmed(outcomes, *, cohort) -> str:
    """What a confirmed roster did, in the words its preview used."""
    enrolled = outcomes[RosterRowOutcome.CREATED] + outcomes[RosterRowOutcome.ENROLLED]
    parts = [f"Enrolled {enrolled} trainees in {cohort.name}"]
    if outcomes[RosterRowOutcome.JOINED]:
        parts.append(
            f"{outcomes[RosterRowOutcome.JOINED]} already enrolled in the course joined it"
        )
    if outcomes[RosterRowOutcome.MOVED]:
        parts.append(f"{outcomes[RosterRowOutcome.MOVED]} moved from another cohort")
    if outcomes[RosterRowOutcome.UNCHANGED]:
        parts.append(f"{outcomes[RosterRowOutcome.UNCHANGED]} already in it stayed as is")
    return "; ".join(parts) + "."


@login_required
def cohort_import(request, cohort_id):
    """Upload a roster, see a dry run with every row's outcome or error, then confirm. Nothing
    is written unless every row is valid."""
    cohort = _cohort_for(request, cohort_id)
    context = {"cohort": cohort, "columns": ROSTER_COLUMNS}
    if request.method != "POST":
        return render(request, "courses/cohort_import.html", context)
    outcome = spreadsheet_import(
        request,
        session_key=f"{ROSTER_SESSION_KEY}_{cohort.pk}",
        upload_field="roster",
        required=("email",),
        columns=ROSTER_COLUMNS,
        make_resource=lambda: RosterResource(cohort=cohort, enrolled_by=request.user),
        key_column="email",
        describe_row=RosterResource.row_outcome,
    )
    for error in outcome.errors:
        messages.error(request, error)
    if outcome.confirmed:
        messages.success(request, _roster_confirmed(outcome.resource.outcomes, cohort=cohort))
        return redirect("courses:cohort_detail", cohort_id=cohort.pk)
    context.update(failed=outcome.failed, preview=outcome.preview)
    return render(
        request, "courses/cohort_import.html", context, status=400 if outcome.failed else 200
    )
