"""Trainees log supervised hours; supervisors review them."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from courses.spreadsheets import spreadsheet_import
from people import roles

from . import hours, hours_selectors
from .forms import HoursEntryForm
from .models import HoursEntry
from .resources import HOURS_COLUMNS, HoursEntryExportResource, HoursImportResource

EXPORT_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


def _require_role(user, role):
    if not user.groups.filter(name=role).exists():
        raise PermissionDenied(f"This page is for the {role} role.")


def _own_entry(request, entry_id) -> HoursEntry:
    entry = get_object_or_404(
        HoursEntry.objects.select_related("trainee", "supervisor"), pk=entry_id
    )
    if entry.trainee_id == request.user.pk:
        return entry
    if entry.supervisor_id == request.user.pk and hours.active_supervision(entry.trainee):
        return entry
    raise Http404("No such entry.")


def _export(queryset, file_format, filename):
    if file_format not in EXPORT_TYPES:
        raise Http404("Export as csv or xlsx.")
    dataset = HoursEntryExportResource().export(queryset)
    response = HttpResponse(dataset.export(file_format), content_type=EXPORT_TYPES[file_format])
    response["Content-Disposition"] = f'attachment; filename="{filename}.{file_format}"'
    return response


@login_required
def my_hours(request):
    _require_role(request.user, roles.TRAINEE)
    return render(
        request,
        "assessments/hours_list.html",
        {
            "entries": hours_selectors.entries_for_trainee(trainee=request.user),
            "totals": hours_selectors.hours_totals(trainee=request.user),
            "supervision": hours.active_supervision(request.user),
        },
    )


@login_required
def my_hours_export(request, file_format):
    _require_role(request.user, roles.TRAINEE)
    return _export(
        hours_selectors.entries_for_trainee(trainee=request.user),
        file_format,
        f"supervised-hours-{timezone.localdate():%Y-%m-%d}",
    )


@login_required
def hours_entry_edit(request, entry_id=None, correcting_id=None):
    _require_role(request.user, roles.TRAINEE)
    entry = _own_entry(request, entry_id) if entry_id else None
    if entry is not None and entry.trainee_id != request.user.pk:
        raise Http404("No such entry.")
    corrected = _own_entry(request, correcting_id) if correcting_id else None
    initial_from = entry or corrected
    form = HoursEntryForm(request.POST or None, instance=HoursEntry() if entry is None else entry)
    if corrected is not None and request.method != "POST":
        form = HoursEntryForm(
            initial={
                "worked_on": corrected.worked_on,
                "activity": corrected.activity,
                "setting": corrected.setting,
                "description": corrected.description,
                "topics": list(corrected.topics.all()),
                "hours": corrected.minutes // 60,
                "extra_minutes": corrected.minutes % 60,
            }
        )
    if request.method == "POST" and form.is_valid():
        try:
            saved = hours.hours_entry_save(
                trainee=request.user,
                data=form.entry_data(),
                entry=entry,
                supersedes=corrected,
                submit="submit" in request.POST,
            )
        except ValidationError as error:
            form.add_service_errors(error)
        else:
            messages.success(
                request,
                "Submitted to your supervisor."
                if saved.status == "submitted"
                else "Saved as a draft.",
            )
            return redirect("assessments:my_hours")
    return render(
        request,
        "assessments/hours_form.html",
        {"form": form, "entry": entry, "corrected": corrected, "editing": initial_from is not None},
        status=400 if request.method == "POST" else 200,
    )


@login_required
@require_POST
def hours_entry_submit(request, entry_id):
    entry = _own_entry(request, entry_id)
    try:
        hours.hours_entry_submit(trainee=request.user, entry=entry)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, "Submitted to your supervisor.")
    return redirect("assessments:my_hours")


@login_required
def hours_entry_detail(request, entry_id):
    entry = _own_entry(request, entry_id)
    return render(
        request,
        "assessments/hours_detail.html",
        {"entry": entry, "events": entry.events.select_related("actor")},
    )


@login_required
def supervise(request):
    _require_role(request.user, roles.SUPERVISOR)
    if request.method == "POST":
        action = request.POST.get("action")
        try:
            if action == "approve":
                ids = [int(value) for value in request.POST.getlist("entries")]
                if not ids:
                    raise ValidationError("Select the entries to approve.")
                count = hours.hours_entries_approve(supervisor=request.user, entry_ids=ids)
                messages.success(request, f"Approved {count} entr{'y' if count == 1 else 'ies'}.")
            elif action == "return":
                hours.hours_entry_return(
                    supervisor=request.user,
                    entry_id=int(request.POST.get("entry", 0)),
                    comment=request.POST.get("comment", ""),
                )
                messages.success(request, "Returned to the trainee with your comment.")
            else:
                raise ValidationError("Choose approve or return.")
        except (ValidationError, ValueError) as error:
            text = " ".join(getattr(error, "messages", [str(error)]))
            messages.error(request, f"Nothing was changed: {text}")
        return redirect("assessments:supervise")
    return render(
        request,
        "assessments/supervise.html",
        {
            "queue": hours_selectors.queue_for_supervisor(supervisor=request.user),
            "supervisees": hours_selectors.totals_per_supervisee(supervisor=request.user),
        },
    )


@login_required
def supervise_export(request, file_format):
    _require_role(request.user, roles.SUPERVISOR)
    return _export(
        hours_selectors.entries_for_supervisor(supervisor=request.user),
        file_format,
        f"supervisees-hours-{timezone.localdate():%Y-%m-%d}",
    )


HOURS_IMPORT_SESSION_KEY = "assessments_hours_upload"


@login_required
def hours_import(request):
    """Import a timesheet: a dry run shows every row's outcome or error; confirming writes all
    rows as submitted entries, or nothing if any row is invalid."""
    _require_role(request.user, roles.TRAINEE)
    context = {"columns": HOURS_COLUMNS}
    if request.method != "POST":
        return render(request, "assessments/hours_import.html", context)
    outcome = spreadsheet_import(
        request,
        session_key=HOURS_IMPORT_SESSION_KEY,
        upload_field="timesheet",
        required=("date", "activity", "setting", "description"),
        columns=HOURS_COLUMNS,
        make_resource=lambda: HoursImportResource(trainee=request.user),
        key_column="date",
        max_bytes=5 * 1024 * 1024,
    )
    for error in outcome.errors:
        messages.error(request, error)
    if outcome.confirmed:
        messages.success(
            request,
            f"Imported {len(outcome.resource.created)} entries; they are waiting for your supervisor.",
        )
        return redirect("assessments:my_hours")
    context.update(failed=outcome.failed, preview=outcome.preview)
    return render(
        request, "assessments/hours_import.html", context, status=400 if outcome.failed else 200
    )
