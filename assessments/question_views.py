from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render

from courses.spreadsheets import spreadsheet_import

from .models import Question
from .question_resources import QUESTION_COLUMNS, QuestionResource

SESSION_KEY = "assessments_question_upload"
EXPORTS = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "json": "application/json",
}


def _require_authoring(user):
    if not user.has_perm("assessments.change_question"):
        raise PermissionDenied("Only trainers manage the question bank.")


@login_required
def question_bank(request):
    _require_authoring(request.user)
    context = {"count": Question.objects.filter(case__isnull=True).count()}
    if request.method != "POST":
        return render(request, "assessments/question_bank.html", context)
    outcome = spreadsheet_import(
        request,
        session_key=SESSION_KEY,
        upload_field="bank",
        required=("key", "topic", "type", "text"),
        columns=QUESTION_COLUMNS,
        make_resource=QuestionResource,
        key_column="key",
    )
    for error in outcome.errors:
        messages.error(request, error)
    if outcome.confirmed:
        totals = outcome.result.totals
        messages.success(
            request,
            f"Added {totals.get('new', 0)} and updated {totals.get('update', 0)} questions.",
        )
        return redirect("assessments:question_bank")
    context.update(failed=outcome.failed, preview=outcome.preview)
    return render(
        request, "assessments/question_bank.html", context, status=400 if outcome.failed else 200
    )


@login_required
def question_bank_export(request, file_format):
    _require_authoring(request.user)
    if file_format not in EXPORTS:
        raise Http404("Export as csv, xlsx or json.")
    dataset = QuestionResource().export()
    response = HttpResponse(dataset.export(file_format), content_type=EXPORTS[file_format])
    response["Content-Disposition"] = f'attachment; filename="question-bank.{file_format}"'
    return response
