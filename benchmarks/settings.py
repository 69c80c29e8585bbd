"""Settings for the processes benchmarks start (the load benchmark's server, the issuing
benchmark's worker): the test settings (DEBUG off), URLs with the minimal baseline view, and
throttling set out of the way of the load."""

from cms.settings.test import *  # noqa: F403

# A worker started with a broker sends the tasks it enqueues (a sweep's batches) to it.
CELERY_TASK_ALWAYS_EAGER = not CELERY_BROKER_URL  # noqa: F405

ROOT_URLCONF = "benchmarks.urls"
ALLOWED_HOSTS = ["127.0.0.1", "localhost"]
CERTIFICATE_LOOKUP_RATE = "1000000/s"
