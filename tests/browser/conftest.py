"""Headless Chromium (the system's, never a downloaded one) driven by Playwright against live_server."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, BrowserContext, Page, sync_playwright

# Chromium flags for a sandboxed, offline machine: no background calls to Google's services.
CHROMIUM_ARGS = [
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
PHONE = {
    "viewport": {"width": 390, "height": 844},
    "is_mobile": True,
    "has_touch": True,
    "device_scale_factor": 2,
}


def chromium_executable() -> str:
    path = os.environ.get("CHROMIUM_PATH") or shutil.which("chromium") or shutil.which("chromium-browser")
    if not path:
        raise pytest.UsageError(
            "The browser tests need Chromium: install it (Debian: apt-get install chromium) or set "
            "CHROMIUM_PATH. `make test` installs it for you where it can."
        )
    return path


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    # Playwright's sync API runs an event loop in this thread; the ORM calls our tests make to
    # set up data are still plain synchronous calls.
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium_executable(), args=CHROMIUM_ARGS)
        yield browser
        browser.close()


def _context(browser: Browser, live_server, **options) -> BrowserContext:
    context = browser.new_context(base_url=live_server.url, **options)
    context.set_default_timeout(10_000)
    return context


@pytest.fixture
def page(browser: Browser, live_server) -> Iterator[Page]:
    context = _context(browser, live_server, viewport={"width": 1280, "height": 900})
    yield context.new_page()
    context.close()


@pytest.fixture
def phone_page(browser: Browser, live_server) -> Iterator[Page]:
    context = _context(browser, live_server, **PHONE)
    yield context.new_page()
    context.close()


@pytest.fixture
def no_js_page(browser: Browser, live_server) -> Iterator[Page]:
    context = _context(
        browser, live_server, java_script_enabled=False, viewport={"width": 1280, "height": 900}
    )
    yield context.new_page()
    context.close()
