"""Browser tests: Playwright drives the system's Chromium (Debian's
package; browsers cannot be downloaded here) against a live server.

Without Chromium these tests skip, unless WENZHENG_REQUIRE_BROWSER=1 (CI)
makes a missing browser a failure."""

import os
import shutil

import pytest

from portal.env import env_bool

# Playwright's sync API keeps an event loop running in this thread; the
# test itself only does ordinary blocking database work beside it.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM_FLAGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]


def chromium_path() -> str | None:
    return os.environ.get("CHROMIUM_PATH") or shutil.which("chromium") or shutil.which("chromium-browser")


@pytest.fixture(scope="session")
def browser():
    path = chromium_path()
    if path is None:
        message = "Chromium is not installed (Debian: apt-get install chromium)"
        if env_bool("WENZHENG_REQUIRE_BROWSER", False):
            pytest.fail(message)
        pytest.skip(message)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=path, args=CHROMIUM_FLAGS)
        yield browser
        browser.close()


@pytest.fixture
def new_page(browser):
    contexts = []

    def open_page(locale: str = "en-US"):
        context = browser.new_context(locale=locale, extra_http_headers={"Accept-Language": locale})
        context.set_default_timeout(15_000)
        contexts.append(context)
        return context.new_page()

    yield open_page
    for context in contexts:
        context.close()
