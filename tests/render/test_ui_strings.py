"""The theme's words come from a table per language (en, ko), a site overrides single ones, and the
tables and the theme agree: every key the theme uses is in every table, and every key of a table is used."""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta, timezone
from html.parser import HTMLParser
from pathlib import Path

import pytest
from conftest import SiteFactory, briefing
from markupsafe import Markup

import site_builder
from site_builder.build.builder import Builder
from site_builder.build.options import BuildOptions
from site_builder.core.config import BUILTIN_ACTOR_TYPES, load_config
from site_builder.core.errors import ContentError, TemplateFailure
from site_builder.core.tradecraft import CONFIDENCE_LEVELS, CREDIBILITY, RELIABILITY, SCALES
from site_builder.core.ui_strings import (
    DATE_STYLES,
    REFERENCE,
    UiStrings,
    available_languages,
    given_values,
    placeholders,
    read_table,
)
from site_builder.graph.judgments import CHANGE_KINDS
from site_builder.render.page_plan import SECTIONS
from site_builder.render.presenter import LINK_KINDS, RELATION_KINDS
from site_builder.render.templates import Templates

PACKAGE = Path(site_builder.__file__).parent
THEME = PACKAGE / "themes" / "briefing"
TEMPLATE_KEY = re.compile(r"""\bt\(\s*(['"])([^'"]+)\1""")
SCRIPT_ARGS = re.compile(r"\bt_script\(([^)]*)\)")
PYTHON_KEY = re.compile(r"""\.plain\(\s*"([^"]+)\"""")
JS_KEY = re.compile(r"""\bsay\(\s*"([^"]+)"\s*[,)]""")  # a whole key, not the start of one ("month." + n)


def templates() -> dict[str, str]:
    return {p.relative_to(THEME).as_posix(): p.read_text() for p in sorted((THEME / "templates").rglob("*"))
            if p.is_file()}


def script_keys() -> set[str]:
    """Keys the theme's scripts name: in say("key"), or as a string that is a key ("script.search.status")."""
    scripts = [p.read_text() for p in sorted((THEME / "static").rglob("*.js"))]
    literals = {key for text in scripts for key in re.findall(r'"([a-z][\w.-]*)"', text)}
    return {key for text in scripts for key in JS_KEY.findall(text)} | (literals & set(read_table(REFERENCE)))


def dynamic_keys() -> set[str]:
    """Keys the code makes from its own lists: f"nav.{key}", f"relation.{kind}", the months and so on."""
    months = range(1, 13)
    return {
        *(f"nav.{key}" for key in SECTIONS),
        *(f"actor_type.{kind}{plural}" for kind in BUILTIN_ACTOR_TYPES for plural in ("", ".plural")),
        *(f"relation.{kind}{side}" for kind in RELATION_KINDS for side in ("", ".inverse")),
        *(f"link.{kind}" for kind in LINK_KINDS),
        *(f"date.{style}" for style in DATE_STYLES),
        *(f"month.{n}" for n in months), *(f"month.short.{n}" for n in months),
        *(f"change.{kind}" for kind in CHANGE_KINDS), *(f"change_badge.{kind}" for kind in CHANGE_KINDS),
        *(f"confidence.{level}{meaning}" for level in CONFIDENCE_LEVELS for meaning in ("", ".meaning")),
        *(f"grade.reliability.{code}" for code in RELIABILITY), *(f"grade.credibility.{code}" for code in CREDIBILITY),
        *(f"standards.scale.{name}" for name in (*SCALES, "custom")),
        *(f"scale.{name}.{key}" for name, scale in SCALES.items() for key in (b.key for b in scale.bands)),
    }


def template_keys() -> set[str]:
    """Keys in t('...') calls; one ending in "." starts a key the template completes from data (t('change.' ~ kind))."""
    return {match[1] for text in templates().values() for match in TEMPLATE_KEY.findall(text)}


def used_keys() -> set[str]:
    python = {key for p in sorted(PACKAGE.rglob("*.py")) for key in PYTHON_KEY.findall(p.read_text())}
    whole = {key for key in template_keys() if not key.endswith(".")}
    return python | whole | script_keys() | dynamic_keys()


def test_every_table_has_the_keys_of_english_and_asks_for_no_other_values() -> None:
    assert available_languages() == ["en", "ko"]
    english = read_table(REFERENCE)
    for language in available_languages():
        table = read_table(language)
        assert list(table) == list(english), language  # same keys, same order: easy to compare side by side
        wrong = [key for key, entry in table.items() if not placeholders(entry) <= given_values(key)]
        assert wrong == [], language


def test_every_key_the_theme_uses_exists_and_every_key_is_used() -> None:
    used, known = used_keys(), set(read_table(REFERENCE))
    prefixes = {key for key in template_keys() if key.endswith(".")}
    assert [p for p in sorted(prefixes) if not any(k.startswith(p) for k in dynamic_keys())] == [], \
        "keys completed from data must be listed in dynamic_keys()"
    assert sorted(used - known) == [], "keys used but missing from the tables"
    assert sorted(known - used) == [], "keys in the tables that nothing uses"


def test_every_key_a_script_uses_reaches_it() -> None:
    given = [arg for text in templates().values() for args in SCRIPT_ARGS.findall(text)
             for arg in re.findall(r"""['"]([^'"]+)['"]""", args)]
    reached = set(UiStrings().script(*given))
    assert sorted(script_keys() - reached) == []


class _Text(HTMLParser):
    """Text and user-visible attributes of a template, with Jinja taken out."""

    def __init__(self) -> None:
        super().__init__()
        self.found: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.found += [v for k, v in attrs if k in ("aria-label", "title", "placeholder", "alt") and v]

    def handle_data(self, data: str) -> None:
        self.found.append(data)


@pytest.mark.parametrize("name", [n for n in templates() if n.endswith(".html")])
def test_templates_have_no_words_of_their_own(name: str) -> None:
    text = re.sub(r"\{#.*?#\}|\{%.*?%\}|\{\{.*?\}\}", " ", templates()[name], flags=re.DOTALL)
    parser = _Text()
    parser.feed(text)
    assert [t.strip() for t in parser.found if re.search(r"[^\W\d_]", t)] == []


def test_t_fills_escapes_and_counts() -> None:
    words = UiStrings()
    assert words.markup("actor.quote", text="<b>") == Markup("“&lt;b&gt;”")
    assert words.markup("briefing.updated", date=Markup("<time>x</time>")) == Markup("Updated <time>x</time>")
    assert words.plain("count.briefings", count=1) == "1 briefing"
    assert words.plain("count.briefings", count=0) == "0 briefings"
    assert UiStrings.of("ko").plain("count.briefings", count=1) == "브리핑 1건"
    with pytest.raises(ValueError, match=r"unknown UI string 'nav.briefing' \(did you mean 'nav.briefings'"):
        words.plain("nav.briefing")
    with pytest.raises(ValueError, match="give it count="):
        words.plain("count.briefings")
    with pytest.raises(ValueError, match="give it name="):
        words.plain("actor.follow")
    assert words.script("card.more", "home.f") == {"card.more": "+{count} more"}  # a prefix ends in "."


def test_a_template_with_an_unknown_key_fails_with_its_line(tmp_path: Path) -> None:
    (tmp_path / "templates").mkdir()
    (tmp_path / "templates" / "x.html").write_text("ok\n{{ t('nav.briefing') }}\n")
    with pytest.raises(TemplateFailure) as info:
        Templates(tmp_path, "briefing").render("x.html", {})
    assert info.value.diagnostics[0].format().startswith(
        "templates/x.html:2: error: template error: ValueError: unknown UI string 'nav.briefing' "
        "(did you mean 'nav.briefings'")


def test_dates_are_worded_by_the_table_never_by_the_locale() -> None:
    day = datetime(2023, 1, 29, 9, 30, tzinfo=timezone(timedelta(hours=9)))
    english, korean = UiStrings(), UiStrings.of("ko")
    assert [english.date(day, style) for style in ("long", "short", "month", "iso", "rfc3339")] == [
        "29 January 2023", "29 Jan 2023", "January 2023", "2023-01-29", "2023-01-29T09:30:00+09:00"]
    assert [korean.date(day, style) for style in ("long", "short", "month")] == [
        "2023년 1월 29일", "2023. 1. 29.", "2023년 1월"]
    assert english.date(date(2023, 1, 2), "rfc3339") == "2023-01-02T00:00:00Z"
    assert english.date(None) == ""
    with pytest.raises(ValueError):
        english.date(day, "weird")


def config_of(tmp_path: Path, text: str) -> tuple[UiStrings, list[str]]:
    (tmp_path / "config.yaml").write_text(text, encoding="utf-8")
    config = load_config(tmp_path)
    return config.strings, [w.format() for w in config.warnings]


def test_language_picks_the_table_and_a_site_overrides_single_strings(tmp_path: Path) -> None:
    words, warnings = config_of(tmp_path, "language: ko-KR\nstrings:\n  nav.briefings: 기사\n"
                                          "  count.briefings: {one: '기사 {count}건', other: '기사 {count}건'}\n")
    assert warnings == [] and words.language == "ko"
    assert words.plain("nav.briefings") == "기사" and words.plain("nav.actors") == "행위자"
    assert words.plain("count.briefings", count=3) == "기사 3건"
    config = load_config(tmp_path)
    assert [t.plural for t in config.actor_types][:2] == ["인물", "국가"]  # type labels are UI strings too


def test_a_language_without_a_table_falls_back_to_english_with_a_warning(tmp_path: Path) -> None:
    words, warnings = config_of(tmp_path, "title: Desk\nlanguage: fr\n")
    assert words.language == "en" and words.plain("nav.briefings") == "Briefings"
    assert warnings == ["config.yaml:2:11: warning: no UI strings for language 'fr': the theme's words stay English "
                        "(translate them under 'strings:', or use a language with a table: en, ko)"]


def test_an_unknown_string_warns_with_the_closest_key(tmp_path: Path) -> None:
    words, warnings = config_of(tmp_path, "strings:\n  nav.briefing: Reports\n")
    assert words.plain("nav.briefings") == "Briefings"
    assert warnings == ["config.yaml:2:3: warning: unknown UI string 'strings.nav.briefing', not used "
                        "(did you mean 'nav.briefings' or 'kind.briefing' or 'count.briefings'?)"]


@pytest.mark.parametrize(("value", "message"), [
    ("'{name} wrote'", "config.yaml:2:14: error: 'strings.card.more' shows {name}, a value this text is not given "
                       "(its values: {count})"),
    ("[a, b]", "config.yaml:2:14: error: 'strings.card.more' must be text, or 'one' and 'other' texts for a count "
               "(quote a text that starts with { or holds ': ')"),
])
def test_a_string_of_the_wrong_shape_is_an_error(tmp_path: Path, value: str, message: str) -> None:
    (tmp_path / "config.yaml").write_text(f"strings:\n  card.more: {value}\n")
    with pytest.raises(ContentError) as info:
        load_config(tmp_path)
    assert [d.format() for d in info.value.diagnostics] == [message]


def test_a_korean_desk_shows_no_english_words(make_site: SiteFactory, tmp_path: Path) -> None:
    site = make_site({
        "content/actors/kim.yaml": "name: 김정은\ntype: person\nrelations: [{actor: kyj, kind: sibling-of}]\n"
                                   "links: {wikipedia: 'https://ko.wikipedia.org/'}\n",
        "content/actors/kyj.yaml": "name: 김여정\ntype: person\n",
        "content/briefings/2023-01-29-a.md": briefing("담화", "2023-01-29", "김정은과 김여정.", topics="[외교]",
                                                      sources="['연합뉴스']"),
        "content/briefings/2023-02-01-b.md": briefing("회담", "2023-02-01", "김여정과 김정은.", topics="[외교]",
                                                      updated="2023-02-02"),
    }, config="title: 데스크\nbase_url: https://example.org/\nlanguage: ko\n")
    Builder(site, BuildOptions(out_dir=tmp_path / "out", cache=False)).build()
    pages = {p.relative_to(tmp_path / "out").as_posix(): p.read_text(encoding="utf-8")
             for p in sorted((tmp_path / "out").rglob("*")) if p.suffix in (".html", ".xml")}
    english = {segment.strip() for entry in read_table(REFERENCE).values()
               for text in ((entry,) if isinstance(entry, str) else (entry.one, entry.other))
               for segment in re.split(r"\{[a-z_]+\}", text) if re.search(r"[A-Za-z]{2,} [A-Za-z]{2,}", segment)}
    found = sorted({f"{name}: {words}" for name, text in pages.items() for words in english if words in text})
    assert found == []
    home = pages["index.html"]
    assert '<html lang="ko">' in home and "본문으로 건너뛰기" in home and ">행위자</a>" in home
    page = pages["briefings/b/index.html"]
    assert ">2023년 2월 1일</time>" in page and ">2023년 2월 2일</time> 수정</span>" in page
