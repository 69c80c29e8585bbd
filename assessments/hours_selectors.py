"""Reads for supervised hours."""

from collections import defaultdict

from django.db.models import Count, Q, Sum

from .models import HoursEntry, Supervision


def entries_for_trainee(*, trainee):
    return (
        HoursEntry.objects.filter(trainee=trainee)
        .select_related("supervisor")
        .prefetch_related("topics")
        .order_by("-worked_on", "-created_at")
    )


def _rows(totals: dict[str, int], labels: dict[str, str]) -> list[dict]:
    grand = sum(totals.values()) or 1
    return [
        {"label": labels.get(key, key), "minutes": minutes, "percent": round(100 * minutes / grand)}
        for key, minutes in sorted(totals.items(), key=lambda item: -item[1])
    ]


def hours_totals(*, trainee) -> dict:
    """Minutes by activity, topic and status (superseded entries left out). Three queries."""
    active = HoursEntry.objects.filter(trainee=trainee).exclude(status=HoursEntry.Status.SUPERSEDED)
    by_activity = dict(active.values_list("activity").annotate(total=Sum("minutes")))
    by_status = dict(active.values_list("status").annotate(total=Sum("minutes")))
    by_topic: dict[str, int] = defaultdict(int)
    for name, minutes in active.filter(topics__isnull=False).values_list("topics__name", "minutes"):
        by_topic[name] += minutes
    return {
        "activity": _rows(by_activity, dict(HoursEntry.Activity.choices)),
        "status": _rows(by_status, dict(HoursEntry.Status.choices)),
        "topic": _rows(dict(by_topic), {}),
        "approved_minutes": by_status.get(HoursEntry.Status.APPROVED, 0),
        "total_minutes": sum(by_status.values()),
    }


def queue_for_supervisor(*, supervisor):
    return (
        HoursEntry.objects.filter(
            supervisor=supervisor,
            status=HoursEntry.Status.SUBMITTED,
            trainee__supervisions__supervisor=supervisor,
            trainee__supervisions__active=True,
        )
        .select_related("trainee")
        .prefetch_related("topics")
        .order_by("trainee__legal_name", "worked_on")
    )


def totals_per_supervisee(*, supervisor) -> list[dict]:
    """For each active supervisee: approved, waiting and returned minutes. Two queries."""
    supervisions = Supervision.objects.filter(supervisor=supervisor, active=True).select_related(
        "trainee"
    )
    trainee_ids = [s.trainee_id for s in supervisions]
    sums = {
        row["trainee_id"]: row
        for row in HoursEntry.objects.filter(trainee_id__in=trainee_ids)
        .values("trainee_id")
        .annotate(
            approved=Sum("minutes", filter=Q(status=HoursEntry.Status.APPROVED)),
            waiting=Sum("minutes", filter=Q(status=HoursEntry.Status.SUBMITTED)),
            returned=Count("pk", filter=Q(status=HoursEntry.Status.RETURNED)),
        )
    }
    return [
        {
            "trainee": s.trainee,
            "credential": s.supervisor_credential,
            "approved": (sums.get(s.trainee_id) or {}).get("approved") or 0,
            "waiting": (sums.get(s.trainee_id) or {}).get("waiting") or 0,
            "returned": (sums.get(s.trainee_id) or {}).get("returned") or 0,
        }
        for s in sorted(supervisions, key=lambda s: s.trainee.legal_name)
    ]


def entries_for_supervisor(*, supervisor):
    """Every entry submitted to this supervisor by a current supervisee, for export."""
    return (
        HoursEntry.objects.filter(
            supervisor=supervisor,
            trainee__supervisions__supervisor=supervisor,
            trainee__supervisions__active=True,
        )
        .select_related("trainee", "supervisor")
        .prefetch_related("topics")
        .order_by("trainee__legal_name", "worked_on")
    )
