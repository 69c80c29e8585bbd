"""Settings for the server the load benchmark starts: the test settings (DEBUG off), its
own URLs with the minimal baseline view, and throttling set out of the way of the load."""

from cms.settings.test import *  # noqa: F403

ROOT_URLCONF = "benchmarks.urls"
ALLOWED_HOSTS = ["127.0.0.1", "localhost"]
CERTIFICATE_LOOKUP_RATE = "1000000/s"
