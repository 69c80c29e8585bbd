"""The Celery app. Without CELERY_BROKER_URL, tasks run in-process (see settings)."""

import os

from celery import Celery

# Workers run with production settings unless told otherwise (`make worker` says dev).
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cms.settings.production")

app = Celery("peercert")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
