"""Live preview end to end in headless Chromium: reload on edit, the error overlay, stylesheet swaps."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from browser import chromium, require_browser
from conftest import SiteFactory, briefing

from site_builder.serve.dev_server import DevServer

pytestmark = pytest.mark.browser
TIMEOUT = 30.0
ALPHA = "content/briefings/2023-01-29-alpha.md"
SITE: dict[str, str | bytes] = {
    ALPHA: briefing(title="Alpha", body="Alpha body text."),
    "content/briefings/2023-01-30-beta.md": briefing(title="Beta", date="2023-01-30", body="Beta body text."),
    "content/pages/about.md": "---\ntitle: About\n---\n\nAbout this desk.\n",
    "static/css/site.css": "h1 { color: rgb(1, 2, 3); }\n",
}
OVERLAY_TEXT = """
    const host = document.getElementById('__site-builder-overlay');
    return host && host.shadowRoot ? host.shadowRoot.textContent : null;"""


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    require_browser()
    with chromium() as driver:
        yield driver


@pytest.fixture
def live(make_site: SiteFactory) -> Iterator[DevServer]:
    require_browser()
    server = DevServer(make_site(dict(SITE)), port=0)
    server.start()
    yield server
    server.stop()


def wait_for(driver: Any, script: str, timeout: float = TIMEOUT) -> Any:
    from selenium.webdriver.support.ui import WebDriverWait

    return WebDriverWait(driver, timeout, poll_frequency=0.05).until(lambda d: d.execute_script(script))


def open_page(driver: Any, server: DevServer, path: str) -> None:
    """Load a page and wait for the live-reload script; mark the window so a reload is detectable."""
    driver.get(server.url + path)
    wait_for(driver, "return window.__siteBuilder !== undefined")
    driver.execute_script("window.__marker = 'still here'")


def marker(driver: Any) -> Any:
    return driver.execute_script("return window.__marker === undefined ? null : window.__marker")


def edit(server: DevServer, rel: str, text: str) -> int:
    """Write a source file; returns the build version before it, to wait for what follows."""
    version = server.state.snapshot().version
    (server.root / rel).write_text(text, encoding="utf-8")
    return version


def test_open_page_reloads_after_a_briefing_edit(browser: Any, live: DevServer) -> None:
    open_page(browser, live, "briefings/alpha/")
    edit(live, ALPHA, briefing(title="Alpha", body="Edited while the tab was open."))
    wait_for(browser, "return document.querySelector('.briefing-body').innerText.includes('Edited while the tab')")
    assert marker(browser) is None  # a real reload, not a patch


def test_a_page_the_edit_does_not_touch_stays_as_it_is(browser: Any, live: DevServer) -> None:
    open_page(browser, live, "about/")
    before = edit(live, ALPHA, briefing(title="Alpha", body="Only the briefing changes."))
    event = live.state.wait_for_version(before, TIMEOUT)
    while event is not None and "briefings/alpha/index.html" not in event.changed:
        event = live.state.wait_for_version(event.version, TIMEOUT)
    assert event is not None and "about/index.html" not in event.changed
    wait_for(browser, f"return window.__siteBuilder.version >= {event.version}")  # the tab heard about it
    assert marker(browser) == "still here"


def test_overlay_shows_a_broken_edit_and_clears_after_the_fix(browser: Any, live: DevServer) -> None:
    open_page(browser, live, "briefings/alpha/")
    edit(live, ALPHA, "---\ntitle: Alpha\ndate: 2023-02-31\n---\n\nBroken.\n")
    text = wait_for(browser, OVERLAY_TEXT)
    assert f"{ALPHA}:3" in text and "real date" in text and "Build failed" in text
    assert "Alpha body text." in browser.execute_script("return document.body.innerText")  # the last good page

    open_page(browser, live, "about/")  # a page loaded while the error persists shows it at once
    assert f"{ALPHA}:3" in (browser.execute_script(OVERLAY_TEXT) or "")

    edit(live, ALPHA, briefing(title="Alpha", body="Fixed."))
    wait_for(browser, "return document.getElementById('__site-builder-overlay') === null")
    assert marker(browser) == "still here"  # the fix did not change the about page: cleared in place
    browser.get(live.url + "briefings/alpha/")
    wait_for(browser, "return window.__siteBuilder !== undefined")
    assert browser.execute_script(OVERLAY_TEXT) is None
    assert "Fixed." in browser.execute_script("return document.body.innerText")


def test_stylesheet_edit_applies_without_a_reload(browser: Any, live: DevServer) -> None:
    open_page(browser, live, "briefings/alpha/")
    color = "return getComputedStyle(document.querySelector('h1')).color"
    assert browser.execute_script(color) == "rgb(1, 2, 3)"
    edit(live, "static/css/site.css", "h1 { color: rgb(4, 5, 6); }\n")
    wait_for(browser, color + " === 'rgb(4, 5, 6)'")
    assert marker(browser) == "still here"
    assert browser.execute_script("return window.__siteBuilder.swaps") >= 1
    assert browser.execute_script("return document.querySelectorAll('link[rel=stylesheet]').length") == 1
