"""End to end in headless Chromium: the built example desk as a reader meets it."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from browser import chromium

from site_builder.build.builder import Builder
from site_builder.build.options import BuildOptions

pytestmark = pytest.mark.browser
REPO = Path(__file__).resolve().parents[2]
SEED = "briefings/north-korea-denies-arms-dealing-with-russia/index.html"


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    with chromium() as driver:
        yield driver


def wait_for(driver: Any, script: str, timeout: float = 5.0) -> Any:
    from selenium.webdriver.support.ui import WebDriverWait

    return WebDriverWait(driver, timeout).until(lambda d: d.execute_script(script))


def severe_console_errors(driver: Any) -> list[str]:
    return [e["message"] for e in driver.get_log("browser") if e["level"] == "SEVERE"]


@pytest.mark.parametrize("path", ["index.html", SEED, "actors/kim-yo-jong/index.html", "actors/index.html",
                                  "topics/index.html", "topics/wagner-group/index.html", "archive/index.html",
                                  "archive/2023/index.html", "briefings/index.html", "search/index.html",
                                  "about/index.html", "404.html"])
def test_page_loads_with_landmarks_and_no_errors(browser: Any, site_url: str, path: str) -> None:
    browser.get(site_url + path)
    facts = browser.execute_script("""
        const skip = document.querySelector('a.skip-link');
        return {
          h1: document.querySelectorAll('h1').length,
          main: document.querySelectorAll('main#main').length,
          header: !!document.querySelector('header'), footer: !!document.querySelector('footer'),
          nav: !!document.querySelector('nav'),
          skip: skip ? skip.getAttribute('href') : null,
          firstFocusable: document.querySelector('a[href], button, input')?.className,
          css: getComputedStyle(document.body).fontFamily,
          brokenImages: [...document.images].filter(i => !i.complete || i.naturalWidth === 0).length,
        };""")
    assert facts["h1"] == 1 and facts["main"] == 1 and facts["header"] and facts["footer"] and facts["nav"]
    assert facts["skip"] == "#main" and "skip-link" in facts["firstFocusable"]
    assert facts["css"] and "Times New Roman" not in facts["css"]  # the stylesheet loaded
    assert facts["brokenImages"] == 0
    assert severe_console_errors(browser) == []


def test_current_section_is_marked(browser: Any, site_url: str) -> None:
    browser.get(site_url + "actors/kim-yo-jong/index.html")
    current = browser.execute_script(
        "return [...document.querySelectorAll('nav [aria-current=page]')].map(a => a.textContent.trim())")
    assert "Actors" in current


def test_seed_briefing_reads_clean_and_links_actors(browser: Any, site_url: str) -> None:
    browser.get(site_url + SEED)
    body = browser.execute_script("return document.querySelector('.briefing-body').innerText")
    for furniture in ("Released:", "Related Articles", "Leave a Reply", "Back to top", "Required fields"):
        assert furniture not in body
    assert "tarnish [North Korea’s] image" in body
    meta = browser.execute_script("return document.querySelector('article .meta').innerText")
    assert "SEOUL" in meta.upper() and "AFP" in meta and "29 January 2023" in meta
    link = browser.find_element("css selector", '.briefing-body a[data-actor="kim-yo-jong"]')
    assert link.text == "Kim Yo-jong"
    link.click()
    wait_for(browser, "return location.pathname.includes('/actors/kim-yo-jong/')")
    assert browser.find_element("css selector", "h1").text == "Kim Yo Jong"


def test_phone_layout_has_no_horizontal_scroll(site_url: str) -> None:
    with chromium(width=390, height=844) as phone:
        for path in ("index.html", SEED, "actors/kim-jong-un/index.html", "actors/index.html"):
            phone.get(site_url + path)
            overflow = phone.execute_script(
                "return document.documentElement.scrollWidth - document.documentElement.clientWidth")
            assert overflow <= 0, path
        phone.get(site_url + SEED)
        below = phone.execute_script("""
            const body = document.querySelector('.briefing-body').getBoundingClientRect();
            const box = document.querySelector('.briefing__actors, [class*=actors]').getBoundingClientRect();
            return box.top >= body.bottom - 1;""")
        assert below, "on phones the actors box sits below the body"


def test_dark_mode_and_print_styles(browser: Any, site_url: str) -> None:
    browser.get(site_url + SEED)
    background = "return getComputedStyle(document.body).backgroundColor"
    light = browser.execute_script(background)
    browser.execute_cdp_cmd("Emulation.setEmulatedMedia",
                            {"features": [{"name": "prefers-color-scheme", "value": "dark"}]})
    dark = browser.execute_script(background)
    assert light != dark
    browser.execute_cdp_cmd("Emulation.setEmulatedMedia", {"media": "print", "features": []})
    hidden = browser.execute_script(
        "const n = document.querySelector('header nav'); return !n || getComputedStyle(n).display === 'none'")
    browser.execute_cdp_cmd("Emulation.setEmulatedMedia", {"media": "", "features": []})
    assert hidden, "navigation is not printed"


RESULT_LINKS = "return [...document.querySelectorAll('#search-results .row__title a')].map(a => a.href)"


def search_for(browser: Any, site_url: str, query: str) -> list[str]:
    """Type a query into the search page; the result links once they are shown."""
    browser.get(site_url + "search/index.html")
    wait_for(browser, "return !document.querySelector('form[role=search]').hidden", timeout=10)
    browser.find_element("css selector", "input[name=q]").send_keys(query)
    wait_for(browser, "return document.querySelectorAll('#search-results .row__title a').length > 0", timeout=10)
    links: list[str] = browser.execute_script(RESULT_LINKS)
    return links


def test_search_finds_the_briefing_and_a_filter_narrows_the_results(browser: Any, site_url: str) -> None:
    links = search_for(browser, site_url, "Prigozhin")
    crash = site_url + "briefings/prigozhin-listed-among-dead-in-jet-crash/index.html"
    assert crash in links and site_url + "actors/yevgeny-prigozhin/index.html" in links
    assert all(link.startswith(site_url) for link in links)  # the /desk/ sub-path is kept
    status = browser.find_element("css selector", "#search-status")
    assert status.get_attribute("aria-live") == "polite" and status.text == f"{len(links)} results for “Prigozhin”."
    marks = browser.execute_script("return [...document.querySelectorAll('#search-results mark')].map(m => m.textContent)")
    assert marks and all("Prigozhin" in m for m in marks)
    assert "?q=Prigozhin" in browser.current_url

    before = len(links)
    browser.find_element("css selector", "input[name=type][value='Armed group']").click()
    wait_for(browser, f"return document.querySelectorAll('#search-results .row__title a').length < {before}")
    narrowed = browser.execute_script(RESULT_LINKS)
    assert crash in narrowed and site_url + "actors/yevgeny-prigozhin/index.html" not in narrowed
    assert browser.current_url.endswith("?q=Prigozhin&type=Armed+group")
    count = browser.execute_script(
        "return document.querySelector('input[name=type][value=\"Armed group\"]').parentNode.textContent")
    assert count.strip().endswith(f"({len(narrowed)})")  # counts follow the results

    browser.get(browser.current_url)  # the address alone brings the same search back
    wait_for(browser, "return document.querySelectorAll('#search-results .row__title a').length > 0", timeout=10)
    assert browser.execute_script(RESULT_LINKS) == narrowed
    assert browser.execute_script("return document.querySelector('input[name=type][value=\"Armed group\"]').checked")
    browser.get(crash)
    assert browser.find_element("css selector", "h1").text.startswith("Prigozhin listed among the dead")


def test_search_by_topic_alone_lists_its_pages_newest_first(browser: Any, site_url: str) -> None:
    browser.get(site_url + "search/index.html?topic=Wagner+Group&sort=date")
    wait_for(browser, "return document.querySelectorAll('#search-results .row__title a').length > 0", timeout=10)
    dates = browser.execute_script(
        "return [...document.querySelectorAll('#search-results time')].map(t => t.getAttribute('datetime'))")
    assert len(dates) >= 3 and dates == sorted(dates, reverse=True)
    links = browser.execute_script(RESULT_LINKS)
    assert all("/briefings/" in link for link in links)  # only briefings carry a date to sort by


def test_search_finds_hangul_aliases(browser: Any, site_url: str) -> None:
    links = search_for(browser, site_url, "김여정")
    assert site_url + "actors/kim-yo-jong/index.html" in links


def test_search_from_disk_explains_instead_of_showing_a_dead_box(browser: Any, tmp_path: Path) -> None:
    out = tmp_path / "public"
    Builder(REPO, BuildOptions(out_dir=out, cache=False)).build()
    browser.get((out / "search" / "index.html").as_uri())
    wait_for(browser, "return !document.getElementById('search-unavailable').hidden")
    assert browser.execute_script("return document.querySelector('form[role=search]').hidden")
    notice = browser.find_element("css selector", "#search-unavailable").text
    assert "opened from a file" in notice and "archive" in notice


def test_actor_filter_narrows_the_list(browser: Any, site_url: str) -> None:
    browser.get(site_url + "actors/index.html")
    visible = "return [...document.querySelectorAll('[data-filter-text]')].filter(e => e.offsetParent).length"
    total = browser.execute_script(visible)
    box = browser.find_element("css selector", "#actor-filter")
    box.send_keys("Kim")
    wait_for(browser, visible.replace("return ", "return 0 < ") + f" && {visible[7:]} < {total}")
    names = browser.execute_script(
        "return [...document.querySelectorAll('[data-filter-text]')].filter(e => e.offsetParent)"
        ".map(e => e.dataset.filterText)")
    assert names and all("Kim" in n for n in names)


def test_site_works_from_disk(browser: Any, tmp_path: Path) -> None:
    out = tmp_path / "public"
    Builder(REPO, BuildOptions(out_dir=out, cache=False)).build()
    browser.get((out / "index.html").as_uri())
    browser.find_element("link text", "Actors").click()
    wait_for(browser, "return location.pathname.endsWith('/actors/index.html')")
    assert browser.find_element("css selector", "h1").text == "Actors"


def test_profile_network_nodes_lead_to_profiles(browser: Any, site_url: str) -> None:
    browser.get(site_url + "actors/john-kirby/index.html")
    quotes = browser.execute_script("return [...document.querySelectorAll('.quote blockquote')].map(q => q.innerText)")
    assert any("We can confirm" in q for q in quotes)
    marks = browser.execute_script("return [...document.querySelectorAll('.excerpts mark')].map(m => m.innerText)")
    assert marks and all(m in ("John Kirby", "Kirby", "John F. Kirby") for m in marks)
    box = browser.execute_script(
        "const r = document.querySelector('.network__svg').getBoundingClientRect(); return [r.width, r.height]")
    assert box[0] > 300 and box[1] > 150
    node = browser.find_element("css selector", ".network__svg a.node")
    name = node.text or node.find_element("css selector", "text").text
    browser.execute_script("arguments[0].dispatchEvent(new MouseEvent('click', {bubbles: true}))", node)
    wait_for(browser, "return !location.pathname.includes('/john-kirby/')")
    assert browser.find_element("css selector", "h1").text == name


def test_actors_index_network_is_drawn(browser: Any, site_url: str) -> None:
    browser.get(site_url + "actors/index.html")
    facts = browser.execute_script("""
        const svg = document.querySelector('.actors-network svg');
        return {nodes: svg.querySelectorAll('a.node').length, lines: svg.querySelectorAll('line').length,
                width: svg.getBoundingClientRect().width};""")
    assert facts["nodes"] >= 15 and facts["lines"] >= 15 and facts["width"] > 300
