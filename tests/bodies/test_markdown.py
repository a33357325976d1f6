"""Markdown rendering: extensions, safety, anchors and mentions woven into the right places only."""

from __future__ import annotations

from site_builder.actors.matcher import Matcher
from site_builder.bodies.markdown import create_markdown, render_body
from site_builder.core.config import MarkdownConfig

MATCHER = Matcher({"North Korea": "north-korea", "Russia": "russia", "Kim Jong Un": "kim-jong-un"})


def render(text: str, link_mode: str = "first", html: bool = False) -> str:
    md = create_markdown(MarkdownConfig(html=html))
    return render_body(md, text, matcher=MATCHER, link_mode=link_mode,
                       actor_href=lambda a: f"../../actors/{a}/").html


def test_extensions() -> None:
    out = render("| a | b |\n|---|---|\n| 1 | 2 |\n\n~~gone~~ note[^1]\n\n[^1]: The note.\n")
    assert "<table>" in out and "<td>1</td>" in out
    assert "<s>gone</s>" in out
    assert 'class="footnote-ref"' in out and 'id="fn1"' in out


def test_raw_html_off_by_default_and_links_sanitised() -> None:
    out = render('<script>alert(1)</script>\n\n<img src=x onerror=alert(1)>\n\n[a](javascript:alert(1)) '
                 "[b](JAVASCRIPT:alert(1)) [c](data:text/html,x) <javascript:alert(1)> [ok](https://example.org)")
    assert "<script" not in out and "<img" not in out
    assert "&lt;script&gt;" in out
    assert 'href="javascript' not in out.lower() and 'href="data' not in out.lower()
    assert '<a href="https://example.org">ok</a>' in out


def test_raw_html_when_enabled() -> None:
    assert "<b>x</b>" in render("<b>x</b>", html=True)


def test_typographic_quotes_kept_as_written() -> None:
    assert "“really” 'plain' -- ..." in render("“really” 'plain' -- ...").replace("&quot;", '"')


def test_heading_anchors_and_demotion() -> None:
    out = render("# Title\n\n## Sub part\n\n## Sub part\n")
    assert '<h2 id="title">Title</h2>' in out
    assert '<h3 id="sub-part">' in out and '<h3 id="sub-part-1">' in out
    assert "<h1" not in out


def test_first_mention_links_later_are_spans() -> None:
    out = render("North Korea and North Korea.\n\n- Russia in a list\n\n> North Korea in a quote")
    assert out.count('<a class="mention" data-actor="north-korea" href="../../actors/north-korea/">North Korea</a>') == 1
    assert out.count('<span class="mention" data-actor="north-korea">North Korea</span>') == 2
    assert '<a class="mention" data-actor="russia" href="../../actors/russia/">Russia</a>' in out


def test_link_modes() -> None:
    assert render("Russia, Russia", "all").count("<a ") == 2
    none = render("Russia, Russia", "none")
    assert "<a " not in none and none.count('<span class="mention" data-actor="russia">') == 2


def test_no_mentions_in_headings_code_links_images() -> None:
    out = render("## Russia\n\n`Russia` [Russia](https://x.org) ![Russia](r.png)\n\n    Russia\n\n```\nRussia\n```\n")
    assert "data-actor" not in out


def test_mention_across_soft_break_and_in_emphasis_and_table() -> None:
    out = render("Kim Jong\nUn said *Russia*.\n\n| who |\n|---|\n| North Korea |\n")
    assert '<a class="mention" data-actor="kim-jong-un" href="../../actors/kim-jong-un/">Kim Jong\nUn</a>' in out
    assert '<em><a class="mention" data-actor="russia"' in out
    assert '<td><a class="mention" data-actor="north-korea"' in out


def test_collected_mentions_with_lines() -> None:
    md = create_markdown(MarkdownConfig())
    body = render_body(md, "Intro.\n\nNorth Korea met Russia. See [x](../x/).\n", matcher=MATCHER,
                       link_mode="first", actor_href=lambda a: a, line_offset=10)
    assert [(m.actor_id, m.line) for m in body.mentions] == [("north-korea", 12), ("russia", 12)]
    block = body.blocks[body.mentions[1].block]
    assert block.text == "North Korea met Russia. See x." and block.line == 12
    assert block.text[body.mentions[1].start:body.mentions[1].end] == "Russia"


def test_templates_syntax_in_content_is_plain_text() -> None:
    assert "{{ 7*7 }} {% raw %}" in render("{{ 7*7 }} {% raw %}")


def test_block_offsets_survive_code_links_and_soft_breaks() -> None:
    md = create_markdown(MarkdownConfig())
    body = render_body(md, "`code` and [a link](x) then Kim Jong\nUn and ![Russia](r.png) Russia.\n", matcher=MATCHER,
                       link_mode="none", actor_href=lambda a: a)
    (block,) = body.blocks
    assert block.text == "code and a link then Kim Jong Un and  Russia."
    assert [block.text[m.start:m.end] for m in body.mentions] == ["Kim Jong Un", "Russia"]
