"""Playwright driving Debian's Chromium (Playwright's own browser download cannot work here)."""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest
from django.core import mail

from tests.conftest import ROOT, require

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"]
# Screenshots the browser tests take, for people to look at (named in the README).
SCREENSHOTS = ROOT / "test-artifacts" / "screenshots"

VIEWPORTS = {"phone": {"width": 390, "height": 844}, "laptop": {"width": 1366, "height": 900}}


@pytest.fixture(scope="session")
def browser():
    require(Path(CHROMIUM).exists(), f"Chromium not found at {CHROMIUM} (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def page(browser, live_server):
    context = browser.new_context(base_url=live_server.url, viewport=VIEWPORTS["laptop"])
    context.set_default_timeout(15_000)
    page = context.new_page()
    yield page
    context.close()


@pytest.fixture
def new_page(browser, live_server):
    """Open further, independent browser sessions (another person at another computer)."""
    contexts = []

    def open_page():
        context = browser.new_context(base_url=live_server.url, viewport=VIEWPORTS["laptop"])
        context.set_default_timeout(15_000)
        contexts.append(context)
        return context.new_page()

    yield open_page
    for context in contexts:
        context.close()


def screenshot(page, name: str) -> Path:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path


def link_in_last_email(to: str, pattern: str) -> str:
    """The first URL path matching ``pattern`` in the newest email sent to ``to``."""
    messages = [m for m in mail.outbox if to in m.to]
    assert messages, f"no email was sent to {to}"
    match = re.search(rf"https?://[^/\s]+({pattern})", messages[-1].body)
    assert match, f"no link matching {pattern} in: {messages[-1].body}"
    return match.group(1)


def sign_in(page, email: str, password: str | None = None) -> None:
    from tests.factories import DEFAULT_PASSWORD

    page.goto("/accounts/login/")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(password or DEFAULT_PASSWORD)
    page.get_by_role("main").get_by_role("button", name="Sign in", exact=True).click()


def no_horizontal_overflow(page) -> None:
    """The page fits its viewport's width; else which elements run over its edge."""
    width = page.evaluate("document.documentElement.scrollWidth")
    if width > page.viewport_size["width"]:
        wide = page.evaluate(
            """(limit) => [...document.querySelectorAll('body *')]
                .filter(e => e.getBoundingClientRect().right > limit + 1)
                .slice(0, 8)
                .map(e => `${e.tagName}.${e.className} ${Math.round(e.getBoundingClientRect().right)}`)""",
            page.viewport_size["width"],
        )
        raise AssertionError(f"{page.url} is {width}px wide; too wide: {wide}")


def both_widths(page, name: str) -> None:
    """Screenshots of the page at laptop and phone widths, each checked for overflow."""
    for width in ("laptop", "phone"):
        page.set_viewport_size(VIEWPORTS[width])
        page.wait_for_timeout(300)  # charts redraw for the new width
        no_horizontal_overflow(page)
        screenshot(page, f"{name}-{width}")
    page.set_viewport_size(VIEWPORTS["laptop"])
