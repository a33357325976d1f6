"""Page planning: pagination bars."""

from __future__ import annotations

import re

from conftest import MINIMAL_CONFIG, SiteFactory, briefing

from site_builder.build.builder import Builder
from site_builder.render.page_plan import _paginate


def bar(number: int, total: int) -> list[int]:
    """What a bar shows, as the theme first wrote it: every page walked, the first, the last and two either
    side of the current one shown, and a gap (0) in place of page 2 or of the page before the last."""
    shown = []
    for index in range(1, total + 1):
        if index in (1, total) or abs(index - number) <= 2:
            shown.append(index)
        elif index in (2, total - 1):
            shown.append(0)
    return shown


def test_the_window_of_each_page_is_the_bar_that_walked_every_page() -> None:
    for total in range(1, 16):
        for pagination in _paginate("briefings/", total * 3, 3):
            assert [link.number for link in pagination.window] == bar(pagination.number, total)
            assert all(link.url == pagination.page_urls[link.number - 1] for link in pagination.window if link.number)
            assert all(link.url == "" for link in pagination.window if not link.number)


def test_a_list_page_links_its_neighbourhood_and_both_ends(make_site: SiteFactory) -> None:
    files = {f"content/briefings/2023-01-{d:02d}-b{d}.md": briefing(f"B{d}", f"2023-01-{d:02d}") for d in range(1, 10)}
    site = make_site(files, MINIMAL_CONFIG + "pagination: {per_page: 1}\n")
    Builder(site).build()
    html = (site / "public/briefings/page/5/index.html").read_text()
    nav = html[html.index('<nav class="pagination"'):]
    nav = nav[:nav.index("</nav>")]
    assert re.findall(r'aria-label="Page (\d+)"', nav) == ["1", "3", "4", "5", "6", "7", "9"]
    assert nav.count("pagination__gap") == 2
    assert re.findall(r'<a href="([^"]+)" aria-current="page" aria-label="Page (\d+)"', nav) == [("./", "5")]
