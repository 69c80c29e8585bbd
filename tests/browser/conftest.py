"""Playwright driving Chromium against a live test server, with axe-core checks.

Chromium is Debian's /usr/bin/chromium when installed, else Playwright's own browser if one has
been installed. Without either, browser tests skip with the reason (and fail in CI).
"""

import os
import re
import shutil
from pathlib import Path

import pytest
from django.db import connections
from playwright.sync_api import expect

from people.mfa import totp_code_now
from tests.conftest import REQUIRE_BROWSER, skip_or_fail
from tests.people.factories import PASSWORD

SYSTEM_CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
BLOCKING_IMPACTS = ("serious", "critical")


def pytest_collection_modifyitems(items):
    for item in items:
        if Path(__file__).parent in Path(item.fspath).parents:
            item.add_marker(pytest.mark.browser)


def chromium_executable(playwright) -> str | None:
    if Path(SYSTEM_CHROMIUM).exists():
        return SYSTEM_CHROMIUM
    bundled = playwright.chromium.executable_path
    if bundled and Path(bundled).exists():
        return bundled
    return shutil.which("chromium")


@pytest.fixture(scope="session")
def browser(django_db_setup):
    try:
        from playwright.sync_api import sync_playwright
    except ImportError as error:
        skip_or_fail(f"Playwright is not installed: {error}", required=REQUIRE_BROWSER)
    serialized = {
        alias: getattr(connections[alias], "_test_serialized_contents", None)
        for alias in connections
    }
    # Playwright's sync API runs an event loop in the test thread; the Django ORM calls the tests
    # make there are still synchronous.
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    with sync_playwright() as playwright:
        # Playwright runs this thread under an event loop, which gives it a fresh set of Django
        # connection objects. Hand them the database snapshot taken at setup, so that
        # serialized_rollback can restore migration data (roles, the Wagtail root) after a flush.
        for alias, contents in serialized.items():
            if contents is not None:
                connections[alias]._test_serialized_contents = contents
        executable = chromium_executable(playwright)
        if executable is None:
            skip_or_fail(
                "no Chromium found: install Debian's chromium package (/usr/bin/chromium) "
                "or run `.venv/bin/playwright install chromium`",
                required=REQUIRE_BROWSER,
            )
        browser = playwright.chromium.launch(
            executable_path=executable, headless=True, args=CHROMIUM_ARGS
        )
        yield browser
        browser.close()
    del os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"]


@pytest.fixture
def page(browser, live_server):
    context = browser.new_context(base_url=live_server.url, locale="en-US")
    page = context.new_page()
    page.set_default_timeout(15_000)
    yield page
    context.close()


def axe_violations(page, impacts=BLOCKING_IMPACTS) -> list[str]:
    """axe-core's violations on the page as it stands, at the given impacts, described."""
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(page)
    return [
        f"{violation['id']} ({violation['impact']}): {violation['help']} at "
        + ", ".join(" ".join(node["target"]) for node in violation["nodes"][:5])
        for violation in results.response["violations"]
        if violation["impact"] in impacts
    ]


def sign_in(page, user, *, totp_secret=None):
    """Sign in through the login form, answering the authenticator step when asked."""
    page.goto("/accounts/login/")
    page.get_by_label("Email").fill(user.email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name=re.compile("Sign In", re.IGNORECASE)).click()
    if totp_secret:
        page.get_by_label("Code").fill(totp_code_now(totp_secret))
        page.get_by_role("button", name=re.compile("Sign In", re.IGNORECASE)).click()
    expect(page.locator(".signed-in-as")).to_be_visible()


def sign_out(page):
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Sign out").click()
    page.get_by_role("button", name=re.compile("Sign Out", re.IGNORECASE)).click()
