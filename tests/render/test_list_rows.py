"""The fragment cache gives exactly what calling the macro gives, on every page, and knows when it cannot."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import jinja2
import pytest
from markupsafe import Markup, escape

from site_builder.core.urls import url_function
from site_builder.render.list_rows import RowMemo, escape_link


@dataclass(frozen=True)
class Card:
    title: str
    url: str
    actors: tuple[str, ...] = ()


ROW = """{% macro row(card, url, level=3) -%}
<h{{ level }}><a href="{{ url(card.url) }}">{{ card.title }}</a></h{{ level }}>
{%- for a in card.actors %} <a href="{{ url('actors/' ~ a ~ '/') }}">{{ a }}</a>{% endfor %}
{%- endmacro %}"""


def _macro(source: str = ROW, name: str = "row") -> jinja2.runtime.Macro:
    env = jinja2.Environment(autoescape=True, undefined=jinja2.StrictUndefined)
    return getattr(env.from_string(source).module, name)


PAGES = ("", "briefings/a/", "actors/x/", "actors/x/page/2/", "topics/t/page/3/", "404.html")


@pytest.mark.parametrize("index_files", [False, True])
def test_same_bytes_as_the_macro_on_every_page(index_files: bool) -> None:
    macro = _macro()
    cards = [Card("One & <two>", "briefings/one/", ("x", "y")), Card("Q\"uote's", "briefings/b/?q=1&r=2#top")]
    cache = RowMemo()
    for page in PAGES:
        url = url_function(page, "https://example.org/desk/", index_files)
        for card in cards:
            for args in ((), (4,)):
                assert cache(macro, card, url, *args) == Markup(macro(card, url, *args))


def test_renders_the_macro_twice_per_card_and_level_whatever_the_pages() -> None:
    """Once with marks, once with the first page's links to check the marks; never again."""
    calls: list[str] = []
    macro = _macro()

    def counting(card: Card, url: object, *args: object) -> str:
        calls.append(card.title)
        return str(macro(card, url, *args))

    cache = RowMemo()
    card = Card("A", "briefings/a/", ("x",))
    for page in PAGES:
        cache(counting, card, url_function(page, "https://e.org/", False))
    cache(counting, card, url_function("", "https://e.org/", False), 2)
    assert calls == ["A"] * 4


def _agrees_on(macro: jinja2.runtime.Macro, card: Card, pages: tuple[str, ...]) -> None:
    cache = RowMemo()
    for page in pages:
        url = url_function(page, "https://e.org/", False)
        assert cache(macro, card, url) == Markup(macro(card, url))


def test_a_macro_that_transforms_its_links_is_rendered_every_time() -> None:
    macro = _macro("{% macro row(card, url) %}<a href=\"{{ url(card.url)|upper }}\">{{ card.title }}</a>"
                   "{% endmacro %}")
    _agrees_on(macro, Card("A", "briefings/a/"), PAGES[:3])


def test_a_macro_that_links_conditionally_on_the_url_is_not_cached() -> None:
    macro = _macro("{% macro row(card, url) %}{% if url(card.url) == '../' %}up{% else %}"
                   "<a href=\"{{ url(card.url) }}\">x</a>{% endif %}{% endmacro %}")
    _agrees_on(macro, Card("A", "briefings/a/"), ("briefings/a/b/", "", "actors/x/"))


def test_text_that_looks_like_a_mark_is_never_cut() -> None:
    _agrees_on(_macro(), Card("\ue0000\ue001 trick", "briefings/a/"), PAGES)


def test_unhashable_arguments_fall_back_to_the_macro() -> None:
    macro = _macro("{% macro row(card, url, extra) %}<a href=\"{{ url(card.url) }}\">{{ extra|length }}</a>"
                   "{% endmacro %}")
    cache = RowMemo()
    url = url_function("actors/x/", "https://e.org/", False)
    card = Card("A", "briefings/a/")
    assert cache(macro, card, url, [1, 2]) == Markup(macro(card, url, [1, 2]))


def test_macros_of_trusted_folders_are_rendered_once(tmp_path: Path) -> None:
    (tmp_path / "row.html").write_text(ROW)
    env = jinja2.Environment(loader=jinja2.FileSystemLoader(str(tmp_path)), autoescape=True)
    macro = env.get_template("row.html").module.row
    calls: list[str] = []
    card = Card("A", "briefings/a/", ("x",))

    class Counting:
        """Wraps the macro but keeps its compiled code, which names its template file."""

        _func = macro._func

        def __call__(self, *args: object) -> str:
            calls.append("call")
            return str(macro(*args))

    counting = Counting()
    trusting = RowMemo(trusted=(str(tmp_path) + "/",))
    checking = RowMemo(trusted=("/elsewhere/",))
    for page in PAGES:
        url = url_function(page, "https://e.org/", False)
        assert trusting(counting, card, url) == checking(counting, card, url) == Markup(macro(card, url))
    assert len(calls) == 3  # once for the trusted folder, twice (marks, then the check) for the other


@pytest.mark.parametrize("link", ["../../actors/kim/", "a?b=1&c=2", "<x>", "it's", 'say "hi"', "", "#top"])
def test_escape_link_is_what_autoescape_prints(link: str) -> None:
    assert escape_link(link) == str(escape(link))


def test_rows_carry_to_the_next_build_by_exact_value() -> None:
    """A rebuild's new but equal card reuses the row; an equal card that prints differently does not."""
    calls: list[str] = []
    macro = _macro("""{% macro row(card, url) -%}
<a href="{{ url(card.url) }}">{{ card.title }}</a> {{ card.when.isoformat() }}
{%- endmacro %}""")

    def counting(card: Dated, url: object, *args: object) -> str:
        calls.append(card.title)
        return str(macro(card, url, *args))

    utc = datetime(2024, 5, 1, 12, tzinfo=UTC)
    url = url_function("briefings/a/", "https://example.org/desk/", False)
    first = RowMemo(carried={})
    first(counting, Dated("A", "briefings/a/", utc), url)
    assert first.carry() and len(calls) == 2  # recorded, then checked against a real rendering

    second = RowMemo(carried=first.carry())
    again = second(counting, Dated("A", "briefings/a/", utc), url)
    assert len(calls) == 2 and again == Markup(macro(Dated("A", "briefings/a/", utc), url))
    shifted = Dated("A", "briefings/a/", utc.astimezone(timezone(timedelta(hours=2))))
    assert shifted == Dated("A", "briefings/a/", utc)  # equal, yet it prints another time
    assert second(counting, shifted, url) == Markup(macro(shifted, url)) and len(calls) == 4
    assert RowMemo().carry() is None  # a one-shot build keeps nothing


@dataclass(frozen=True)
class Dated:
    title: str
    url: str
    when: datetime
