"""The settings switch on environment variables, with one code path (cms/settings/base.py)."""

import json
import os
import subprocess
import sys
from pathlib import Path

PROJECT = Path(__file__).resolve().parents[2]
SHOW_SETTINGS = (
    "import json, django; from django.conf import settings; django.setup(); "
    "print(json.dumps({'engine': settings.DATABASES['default']['ENGINE'], "
    "'name': str(settings.DATABASES['default']['NAME']), "
    "'eager': settings.CELERY_TASK_ALWAYS_EAGER, 'broker': settings.CELERY_BROKER_URL, "
    "'email': settings.EMAIL_BACKEND, 'debug': settings.DEBUG}))"
)
SWITCHES = (
    "DATABASE_URL",
    "CELERY_BROKER_URL",
    "EMAIL_HOST",
    "DJANGO_SECRET_KEY",
    "DJANGO_DEBUG",
    "DJANGO_ALLOW_ASYNC_UNSAFE",
    "REDIS_URL",
)
PRODUCTION = {
    "DJANGO_SECRET_KEY": "a-long-random-production-key-9f83hf98h3f9h3f98h-0123456789",
    "ALLOWED_HOSTS": "peercert.example.org",
    "REDIS_URL": "redis://cache.internal:6379/1",
}


def run_django(code_or_args, *, settings_module, **env):
    environment = {k: v for k, v in os.environ.items() if k not in SWITCHES}
    environment.update(DJANGO_SETTINGS_MODULE=settings_module, **env)
    args = code_or_args if isinstance(code_or_args, list) else ["-c", code_or_args]
    return subprocess.run(
        [sys.executable, *args],
        cwd=PROJECT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def settings_under(settings_module="cms.settings.dev", **env) -> dict:
    result = run_django(SHOW_SETTINGS, settings_module=settings_module, **env)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_sqlite_in_the_project_folder_when_database_url_is_unset():
    shown = settings_under()
    assert shown["engine"] == "django.db.backends.sqlite3"
    assert shown["name"] == str(PROJECT / "db.sqlite3")


def test_postgresql_when_database_url_is_set():
    shown = settings_under(DATABASE_URL="postgres://pc:secret@db.internal:5433/peercert_prod")
    assert shown["engine"] == "django.db.backends.postgresql"
    assert shown["name"] == "peercert_prod"


def test_celery_runs_tasks_in_process_without_a_broker_and_on_workers_with_one():
    assert settings_under()["eager"] is True
    with_broker = settings_under(CELERY_BROKER_URL="redis://queue.internal:6379/0")
    assert with_broker["eager"] is False
    assert with_broker["broker"] == "redis://queue.internal:6379/0"


def test_email_goes_to_the_console_unless_an_smtp_host_is_set():
    assert settings_under()["email"] == "django.core.mail.backends.console.EmailBackend"
    smtp = settings_under(EMAIL_HOST="smtp.internal")
    assert smtp["email"] == "django.core.mail.backends.smtp.EmailBackend"


def test_production_refuses_to_start_without_a_secret_key():
    result = run_django(SHOW_SETTINGS, settings_module="cms.settings.production")
    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY is not set" in result.stderr


def test_production_refuses_to_start_without_a_shared_cache():
    settings = {**PRODUCTION}
    del settings["REDIS_URL"]
    result = run_django(SHOW_SETTINGS, settings_module="cms.settings.production", **settings)
    assert result.returncode != 0
    assert "REDIS_URL is not set" in result.stderr


def test_production_settings_pass_the_deployment_checklist_with_no_warnings():
    result = run_django(
        ["manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        settings_module="cms.settings.production",
        **PRODUCTION,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_production_never_runs_with_debug_even_when_asked():
    shown = settings_under("cms.settings.production", **PRODUCTION, DJANGO_DEBUG="1")
    assert shown["debug"] is False


def test_development_runs_with_debug_unless_told_not_to():
    assert settings_under("cms.settings.dev")["debug"] is True
    assert settings_under("cms.settings.dev", DJANGO_DEBUG="0")["debug"] is False
