import os

import pytest
from django.core.cache import cache
from wagtail.models import Page, Site

from cms.models import HomePage

# A real Celery worker's fixtures: redis_client, queue, start_worker.
pytest_plugins = ["tests.celery_worker"]

# Tests that need a service this machine may lack (a browser, Redis) skip with a reason on a
# developer's machine and fail in CI, where .ci/run sets these.
REQUIRE_BROWSER = os.environ.get("PEERCERT_REQUIRE_BROWSER") == "1"
REQUIRE_REDIS = os.environ.get("PEERCERT_REQUIRE_REDIS") == "1"


def skip_or_fail(reason: str, *, required: bool) -> None:
    if required:
        pytest.fail(f"{reason} (required in CI)", pytrace=False)
    pytest.skip(reason)


@pytest.fixture(autouse=True)
def _media_in_a_temporary_folder(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private-media"


@pytest.fixture(autouse=True)
def _empty_cache():
    # allauth keeps rate limits and used one-time codes in the cache.
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def home_page(db) -> HomePage:
    """The Wagtail root with our home page as the default Site's root."""
    root = Page.get_first_root_node()
    root.get_children().delete()
    home = root.add_child(
        instance=HomePage(
            title="PeerCert", slug="home", intro="Training and certification for peer specialists."
        )
    )
    Site.objects.all().delete()
    Site.objects.create(
        hostname="localhost", root_page=home, is_default_site=True, site_name="PeerCert"
    )
    return home


def pytest_terminal_summary(terminalreporter):
    skipped = terminalreporter.stats.get("skipped", [])
    unrun = [
        report
        for report in skipped
        if any(marker in report.keywords for marker in ("browser", "celery_worker"))
    ]
    if not unrun:
        return
    terminalreporter.write_sep("!", "TESTS THAT NEED A BROWSER OR REDIS DID NOT RUN", red=True)
    for report in unrun:
        reason = report.longrepr[2] if isinstance(report.longrepr, tuple) else report.longrepr
        terminalreporter.write_line(f"  {report.nodeid}: {reason}", red=True)
    terminalreporter.write_line(
        "  CI runs them (.ci/run installs Chromium, uses Redis); README.md says how to run them.",
        red=True,
    )
