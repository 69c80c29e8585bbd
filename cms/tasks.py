from celery import shared_task

from . import services


@shared_task
def worker_heartbeat(source: str = "beat") -> int:
    return services.worker_heartbeat_record(source=source).beats
