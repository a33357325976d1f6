"""A new desk speaks for nobody: the starter of `site-builder new`, built, shows none of the example desk's
words (its actors, topics, titles and its own sentences, taken from the desk itself)."""

from __future__ import annotations

from pathlib import Path

import pytest
from example_desk import example_desk_phrases, example_desk_words, found_in

from site_builder.cli.main import main


def test_the_word_list_comes_from_the_desk() -> None:
    phrases, words = example_desk_phrases(), example_desk_words()
    assert {"Every briefing lists its sources; actor names link to profiles.", "e.g. Kim Yo Jong tanks",
            "Kim Yo Jong", "Wagner Group", "김여정", "Corrections and tips:"} <= phrases
    assert {"Korea", "Pyongyang", "Prigozhin"} <= words
    assert len(words) > 100


def test_the_starter_shows_none_of_the_example_desk(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    site = tmp_path / "mydesk"
    assert main(["new", str(site)]) == 0
    assert found_in(site, example_desk_words()) == []  # its sources,
    assert main(["build", str(site), "--no-cache"]) == 0
    assert "warning" not in capsys.readouterr().err
    assert (site / "public/search/index.html").is_file()
    assert found_in(site / "public", example_desk_words()) == []  # and every file it builds
