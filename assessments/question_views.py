import base64

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render

from courses.spreadsheets import import_result_rows, spreadsheet_dataset, spreadsheet_upload_read

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
    confirming = request.POST.get("action") == "confirm"
    try:
        if confirming:
            stored = request.session.get(SESSION_KEY)
            if not stored:
                raise ValidationError("Upload the file again: the preview has expired.")
            content, file_format = base64.b64decode(stored["content"]), stored["format"]
        else:
            content, file_format = spreadsheet_upload_read(request.FILES.get("bank"))
        dataset = spreadsheet_dataset(
            content,
            file_format,
            required=("key", "topic", "type", "text"),
            columns=QUESTION_COLUMNS,
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return render(request, "assessments/question_bank.html", context, status=400)
    result = QuestionResource().import_data(
        dataset, dry_run=not confirming, use_transactions=True, rollback_on_validation_errors=True
    )
    failed = result.has_errors() or result.has_validation_errors()
    if confirming and not failed:
        request.session.pop(SESSION_KEY, None)
        messages.success(
            request,
            f"Added {result.totals.get('new', 0)} and updated {result.totals.get('update', 0)} questions.",
        )
        return redirect("assessments:question_bank")
    if not failed:
        request.session[SESSION_KEY] = {
            "content": base64.b64encode(content).decode(),
            "format": file_format,
        }
    context.update(failed=failed, preview=import_result_rows(result, key_column="key"))
    return render(request, "assessments/question_bank.html", context, status=400 if failed else 200)


@login_required
def question_bank_export(request, file_format):
    _require_authoring(request.user)
    if file_format not in EXPORTS:
        raise Http404("Export as csv, xlsx or json.")
    dataset = QuestionResource().export()
    response = HttpResponse(dataset.export(file_format), content_type=EXPORTS[file_format])
    response["Content-Disposition"] = f'attachment; filename="question-bank.{file_format}"'
    return response
