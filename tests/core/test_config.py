"""Config loading: defaults, every section, and errors with line and "did you mean"."""

from __future__ import annotations

from pathlib import Path

import pytest

from site_builder.core.config import load_config
from site_builder.core.errors import ContentError


def write(tmp_path: Path, text: str) -> Path:
    (tmp_path / "config.yaml").write_text(text, encoding="utf-8")
    return tmp_path


def errors(tmp_path: Path, text: str) -> list[str]:
    with pytest.raises(ContentError) as info:
        load_config(write(tmp_path, text))
    return [d.format() for d in info.value.diagnostics]


def test_missing_config_gives_defaults(tmp_path: Path) -> None:
    config = load_config(tmp_path)
    assert config.title == "Briefings"
    assert config.output_dir == "public"
    assert config.mentions.link == "first"
    assert [t.id for t in config.actor_types] == ["person", "state", "organization", "armed-group"]


def test_full_config(tmp_path: Path) -> None:
    config = load_config(write(tmp_path, """\
title: Desk
description: About things
base_url: https://example.org/desk
language: ko
timezone: Asia/Seoul
output_dir: site
theme: briefing
relative_urls: true
actor_types:
  company: {label: Company, plural: Companies}
mentions: {link: all, ambiguous: [Kim]}
markdown: {html: true, anchors: false, typographer: false}
pagination: {per_page: 5, home: 3}
feeds: {entries: 7, full_content: false}
extra: {analytics: none}
"""))
    assert config.base_url == "https://example.org/desk/"
    assert config.timezone == "Asia/Seoul" and config.tz.key == "Asia/Seoul"
    assert config.relative_urls is True
    assert config.actor_type("company").plural == "Companies"
    assert config.mentions.link == "all" and config.mentions.ambiguous == ("Kim",)
    assert config.markdown.html is True and config.markdown.anchors is False
    assert (config.pagination.per_page, config.pagination.home) == (5, 3)
    assert (config.feeds.entries, config.feeds.full_content) == (7, False)
    assert config.extra["analytics"] == "none"


def test_unknown_key_with_suggestion(tmp_path: Path) -> None:
    assert errors(tmp_path, "title: x\nbase_ulr: https://x.org/\n") == [
        "config.yaml:2:1: error: unknown key 'base_ulr' in config.yaml (did you mean 'base_url'?)"
    ]


def test_nested_unknown_and_wrong_types(tmp_path: Path) -> None:
    found = errors(tmp_path, "pagination:\n  per_page: ten\n  hom: 3\nmentions:\n  link: sometimes\n")
    assert found == [
        "config.yaml:2:13: error: 'pagination.per_page' must be a whole number, not 'ten'",
        "config.yaml:3:3: error: unknown key 'pagination.hom' (did you mean 'home'?)",
        "config.yaml:5:9: error: 'mentions.link' must be one of all, first, none, not 'sometimes'",
    ]


def test_bad_values(tmp_path: Path) -> None:
    found = errors(tmp_path, "base_url: example.org\ntimezone: Asia/Seol\noutput_dir: ../elsewhere\n")
    assert found[0].startswith("config.yaml:1:11: error: base_url must be an absolute http(s) URL")
    assert found[1].startswith("config.yaml:2:11: error: unknown time zone 'Asia/Seol' (did you mean 'Asia/Seoul'")
    assert found[2].startswith("config.yaml:3:13: error: output_dir must be a folder inside the site")


def test_syntax_error(tmp_path: Path) -> None:
    found = errors(tmp_path, "title: [unclosed\n")
    assert found[0].startswith("config.yaml:2:1: error: YAML syntax error")


def test_not_a_mapping(tmp_path: Path) -> None:
    assert errors(tmp_path, "- a\n- b\n") == ["config.yaml:1: error: config must be a mapping of 'key: value' lines"]


def test_base_url_override(tmp_path: Path) -> None:
    config = load_config(write(tmp_path, "base_url: https://a.org/\n")).with_overrides(base_url="https://b.org/x")
    assert config.base_url == "https://b.org/x/"


def test_ingest_rules_are_part_of_the_config(tmp_path: Path) -> None:
    config = load_config(write(tmp_path, "ingest:\n  sections: [Politics]\n  agencies: [NK News]\n"))
    assert config.title == "Briefings"
    found = errors(tmp_path, "ingest:\n  boilerplate:\n    - {name: x, match: '('}\n")
    assert found and found[0].startswith("config.yaml:3:")
