from django.db import connection
from django.http import JsonResponse
from django.views.decorators.cache import never_cache

from .models import WorkerHeartbeat


@never_cache
def health(request):
    """For load balancers and operators: the database answers, and when a worker last beat."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    heartbeat = WorkerHeartbeat.objects.order_by("-last_seen").first()
    return JsonResponse(
        {
            "database": "ok",
            "worker_last_seen": heartbeat.last_seen.isoformat() if heartbeat else None,
        }
    )
