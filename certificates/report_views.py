"""Trainers' readiness report: every trainee in a cohort against every credential."""

from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required, permission_required
from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_GET

from courses import selectors as course_selectors

from . import readiness


@login_required
@permission_required("courses.view_cohort", raise_exception=True)
@require_GET
def cohort_readiness(request, cohort_id):
    # A cohort the trainer does not lead is as absent as one that does not exist.
    cohort = get_object_or_404(
        course_selectors.cohorts_for_trainer(user=request.user), pk=cohort_id
    )
    trainees = (
        get_user_model()
        .objects.filter(enrolments__cohort=cohort)
        .order_by("legal_name", "pk")
        .distinct()
    )
    standings = readiness.readiness_for_users(trainees)
    credentials = [s.credential for s in standings[0].comparison.standings] if standings else []
    met_counts = [
        sum(
            1
            for standing in standings
            if standing.comparison.standings[index].readiness.training_met
        )
        for index in range(len(credentials))
    ]
    return render(
        request,
        "certificates/cohort_readiness.html",
        {
            "cohort": cohort,
            "standings": standings,
            "credential_counts": list(zip(credentials, met_counts, strict=True)),
        },
    )
