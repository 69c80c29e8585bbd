from django.db import transaction
from django.utils import timezone

from .models import WorkerHeartbeat


def worker_heartbeat_record(*, source: str) -> WorkerHeartbeat:
    """Record that a worker is alive. Safe to run concurrently: the row is locked while counting."""
    with transaction.atomic():
        heartbeat, _ = WorkerHeartbeat.objects.select_for_update().get_or_create(
            source=source, defaults={"last_seen": timezone.now()}
        )
        heartbeat.beats += 1
        heartbeat.last_seen = timezone.now()
        heartbeat.full_clean()
        heartbeat.save()
    return heartbeat


def worker_heartbeat_request(*, source: str) -> None:
    """Ask a worker to beat once the surrounding transaction commits (nothing if it rolls back)."""
    from .tasks import worker_heartbeat

    transaction.on_commit(lambda: worker_heartbeat.delay(source))
