"""The test suite: development settings with fast hashing and no outgoing email."""

from .dev import *  # noqa: F403

DEBUG = False
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
# Tests that need a worker start one and point Celery at Redis themselves.
CELERY_TASK_ALWAYS_EAGER = True
WAGTAILADMIN_BASE_URL = SITE_URL = "http://testserver"
# Accept the neighbouring 30-second code too, so a test that crosses a boundary does not flake.
MFA_TOTP_TOLERANCE = 1

if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":  # noqa: F405
    # A file, not memory, so that a real Celery worker process can share the test database.
    DATABASES["default"]["TEST"] = {"NAME": str(BASE_DIR / "var" / "test-db.sqlite3")}  # noqa: F405
