"""Trainees record training done elsewhere; trainers and administrators verify it."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from courses.models import DeliveryMode
from courses.selectors import cohorts_for_trainer
from courses.spreadsheets import spreadsheet_import

from . import external_training, external_training_selectors
from .external_training_resources import EXTERNAL_TRAINING_COLUMNS, ExternalTrainingImportResource
from .external_training_selectors import REVIEW_PERMISSION
from .forms import ExternalCreditFormSet, ExternalTrainingForm
from .models import ExternalTraining
from .private_files import private_file_response
from .signals import external_training_imported


def _require_trainee(user):
    if not user.has_perm("people.study"):
        raise PermissionDenied("This page is for trainees.")


def _my_page(request, *, form=None, credits=None, credit_errors=(), status=200):
    return render(
        request,
        "assessments/external_training.html",
        {
            "form": form or ExternalTrainingForm(),
            "credits": credits or ExternalCreditFormSet(prefix="credits"),
            "credit_errors": [*(credits.non_form_errors() if credits else []), *credit_errors],
            "trainings": external_training_selectors.external_trainings_for_trainee(
                trainee=request.user
            ),
            "max_hours_per_day": ExternalTraining.MAX_MINUTES_PER_DAY // 60,
        },
        status=status,
    )


@login_required
def my_external_training(request):
    _require_trainee(request.user)
    if request.method != "POST":
        return _my_page(request)
    form = ExternalTrainingForm(request.POST, request.FILES)
    credits = ExternalCreditFormSet(request.POST, prefix="credits")
    credit_errors = []
    if all([form.is_valid(), credits.is_valid()]):
        data = form.cleaned_data
        try:
            external_training.external_training_record(
                trainee=request.user,
                provider=data["provider"],
                title=data["title"],
                started_on=data["started_on"],
                completed_on=data["completed_on"],
                mode=data["mode"],
                credits=credits.minutes_by_topic(),
                upload=data["certificate"],
            )
        except ValidationError as error:
            credit_errors = form.add_service_errors(error)
        else:
            messages.success(
                request,
                "Recorded. A trainer or administrator will check it against the certificate; "
                "it counts once verified.",
            )
            return redirect("assessments:my_external_training")
    return _my_page(request, form=form, credits=credits, credit_errors=credit_errors, status=400)


@login_required
@require_POST
def external_training_withdraw(request, training_id):
    _require_trainee(request.user)
    try:
        training = external_training.external_training_withdraw(
            trainee=request.user, training_id=training_id
        )
    except ExternalTraining.DoesNotExist as missing:
        raise Http404("No such record.") from missing
    except ValidationError as error:
        messages.error(request, f"Nothing was changed: {' '.join(error.messages)}")
        return _my_page(request, status=400)
    messages.success(request, f"Withdrawn: “{training.title}” no longer counts.")
    return redirect("assessments:my_external_training")


@login_required
def external_training_file(request, training_id):
    """The certificate, for its trainee and for whoever may review the record; a 404 for
    everyone else, so that nobody learns the record exists."""
    training = get_object_or_404(ExternalTraining, pk=training_id)
    if training.trainee_id != request.user.pk and not (
        external_training_selectors.external_trainings_reviewable(reviewer=request.user)
        .filter(pk=training.pk)
        .exists()
    ):
        raise Http404("No such file.")
    if not training.certificate:
        raise Http404("This record was imported by a trainer and has no certificate file.")
    return private_file_response(training.certificate, filename=training.original_name)


@login_required
def review_external_training(request):
    if not request.user.has_perm(REVIEW_PERMISSION):
        raise PermissionDenied("Only trainers and administrators review training done elsewhere.")
    status = 200
    if request.method == "POST":
        try:
            training = external_training.external_training_review(
                reviewer=request.user,
                training_id=int(request.POST.get("training", "")),
                verified=request.POST.get("decision") == "verify",
                note=request.POST.get("note", ""),
            )
        except ValueError:
            messages.error(request, "Nothing was changed: choose a record to review.")
            status = 400
        except ExternalTraining.DoesNotExist as missing:
            raise Http404("No such record.") from missing
        except ValidationError as error:
            messages.error(request, f"Nothing was changed: {' '.join(error.messages)}")
            status = 400
        else:
            messages.success(
                request,
                f"{training.get_status_display()}: “{training.title}” for "
                f"{training.trainee.legal_name}.",
            )
            return redirect("assessments:review_external_training")
    return render(
        request,
        "assessments/external_training_review.html",
        {
            "pending": external_training_selectors.external_trainings_pending_for_reviewer(
                reviewer=request.user
            ),
            "cohorts": cohorts_for_trainer(user=request.user),
        },
        status=status,
    )


EXTERNAL_IMPORT_SESSION_KEY = "assessments_external_training_upload"


def _cohort_for_import(request, cohort_id):
    """A cohort the signed-in trainer leads (lead trainers and administrators: any cohort)."""
    user = request.user
    if not (user.has_perm(REVIEW_PERMISSION) and user.has_perm("courses.view_cohort")):
        raise PermissionDenied("Only trainers import training done elsewhere.")
    return get_object_or_404(cohorts_for_trainer(user=user), pk=cohort_id)


@login_required
def external_training_import(request, cohort_id):
    """A spreadsheet of a cohort's training done elsewhere: a dry run shows every row's outcome
    or error; confirming records them all as verified by the importing trainer, or nothing if
    any row is invalid."""
    cohort = _cohort_for_import(request, cohort_id)
    context = {
        "cohort": cohort,
        "columns": EXTERNAL_TRAINING_COLUMNS,
        "modes": DeliveryMode.values,
        "note": f"Imported by {request.user.legal_name}",
        "max_hours_per_day": ExternalTraining.MAX_MINUTES_PER_DAY // 60,
    }
    if request.method != "POST":
        return render(request, "assessments/external_training_import.html", context)
    outcome = spreadsheet_import(
        request,
        session_key=f"{EXTERNAL_IMPORT_SESSION_KEY}_{cohort.pk}",
        upload_field="spreadsheet",
        required=EXTERNAL_TRAINING_COLUMNS,
        columns=EXTERNAL_TRAINING_COLUMNS,
        make_resource=lambda: ExternalTrainingImportResource(cohort=cohort, trainer=request.user),
        key_column="email",
        describe_row=ExternalTrainingImportResource.row_outcome,
    )
    for error in outcome.errors:
        messages.error(request, error)
    if outcome.confirmed:
        created = outcome.resource.created
        external_training_imported.send(
            sender=ExternalTraining, trainee_ids=sorted({t.trainee_id for t in created})
        )
        trainees = len({training.trainee_id for training in created})
        messages.success(
            request,
            f"Recorded {len(created)} training{'' if len(created) == 1 else 's'} done elsewhere "
            f"for {trainees} trainee{'' if trainees == 1 else 's'} of {cohort.name}, verified "
            f"by you (“{context['note']}”).",
        )
        return redirect("assessments:review_external_training")
    context.update(failed=outcome.failed, preview=outcome.preview)
    return render(
        request,
        "assessments/external_training_import.html",
        context,
        status=400 if outcome.failed else 200,
    )
