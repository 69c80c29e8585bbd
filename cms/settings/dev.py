"""Local development: `make run`. DEBUG is on unless DJANGO_DEBUG says otherwise."""

import secrets

from .base import *  # noqa: F403
from .base import BASE_DIR, SECRET_KEY
from .environment import env_bool

DEBUG = env_bool("DJANGO_DEBUG", True)

if not SECRET_KEY:
    # A key made once for this checkout and kept out of git, so sessions survive restarts.
    _key_file = BASE_DIR / "var" / "dev-secret-key"
    if not _key_file.exists():
        _key_file.parent.mkdir(exist_ok=True)
        _key_file.write_text(secrets.token_urlsafe(50))
    SECRET_KEY = _key_file.read_text().strip()

# Serve static files straight from the apps' folders; collectstatic is for production.
STATIC_ROOT = None
WHITENOISE_USE_FINDERS = True
