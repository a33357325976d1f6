"""config.yaml's `tradecraft:` section: built-in scales, custom scales checked for order and overlap, the lint."""

from __future__ import annotations

import pytest
from conftest import MINIMAL_CONFIG, SiteFactory

from site_builder.core.config import load_config
from site_builder.core.errors import ContentError
from site_builder.core.tradecraft import ICD_203, PHIA, Band


def config_errors(make_site: SiteFactory, section: str) -> list[str]:
    with pytest.raises(ContentError) as caught:
        load_config(make_site({}, MINIMAL_CONFIG + section))
    return [d.format() for d in caught.value.diagnostics]


def test_icd_203_is_the_default_and_phia_is_built_in(make_site: SiteFactory) -> None:
    assert load_config(make_site({})).tradecraft.scale is ICD_203
    config = load_config(make_site({}, MINIMAL_CONFIG + "tradecraft: {scale: phia, lint: error}\n"))
    assert config.tradecraft.scale is PHIA and config.tradecraft.lint == "error"
    assert [b.range_text for b in PHIA.bands][:2] == ["≤ 5 %", "10–20 %"]
    assert PHIA.bands[-1].range_text == "≥ 95 %"
    assert ICD_203.band("very-likely") == Band("very-likely", "Very likely", 80, 95)
    assert ICD_203.rank("almost-certain") > ICD_203.rank("likely") > ICD_203.rank("almost-no-chance") == 0


def test_a_custom_scale(make_site: SiteFactory) -> None:
    config = load_config(make_site({}, MINIMAL_CONFIG + (
        "tradecraft:\n  scale:\n    - {key: remote, label: Remote, range: 0-10}\n"
        "    - {key: possible, label: Possible, range: [10, 60]}\n    - {key: probable, label: Probable, range: 60-100%}\n"
    )))
    scale = config.tradecraft.scale
    assert scale.name == "custom" and scale.keys() == ("remote", "possible", "probable")
    assert [b.range_text for b in scale.bands] == ["≤ 10 %", "10–60 %", "≥ 60 %"]


def test_custom_ranges_that_overlap_or_go_backwards_are_errors(make_site: SiteFactory) -> None:
    assert config_errors(make_site, (
        "tradecraft:\n  scale:\n    - {key: a, label: A, range: 0-40}\n    - {key: b, label: B, range: 30-60}\n"
        "    - {key: c, label: C, range: 90-95}\n    - {key: d, label: D, range: 70-80}\n"
        "    - {key: e, label: E, range: 80-70}\n"
    )) == [
        "config.yaml:7:33: error: range 30-60 % of 'b' overlaps or comes before 'a' (0-40 %) (list the bands from "
        "least to most likely, each starting where the last ends or above)",
        "config.yaml:9:33: error: range 70-80 % of 'd' overlaps or comes before 'c' (90-95 %) (list the bands from "
        "least to most likely, each starting where the last ends or above)",
        "config.yaml:10:33: error: 'tradecraft.scale.range' must be two percentages, low to high, not '80-70' "
        "(e.g. 'range: 55-80' or 'range: [55, 80]')",
    ]


def test_unknown_scale_lint_mode_and_word_list(make_site: SiteFactory) -> None:
    assert config_errors(make_site, "tradecraft:\n  scale: icd203\n  lint: loud\n  words: {hedge: [maybe]}\n") == [
        "config.yaml:5:10: error: 'tradecraft.scale' must be one of icd-203, phia, not 'icd203' "
        "(did you mean 'icd-203'?)",
        "config.yaml:6:9: error: 'tradecraft.lint' must be one of error, off, warn, not 'loud'",
        "config.yaml:7:11: error: unknown key 'tradecraft.words.hedge' (did you mean 'hedges'?)",
    ]


def test_words_extend_the_lint_lists(make_site: SiteFactory) -> None:
    config = load_config(make_site({}, MINIMAL_CONFIG + "tradecraft:\n  words: {accepted: [Probably], hedges: [iffy]}\n"))
    assert dict(config.tradecraft.words) == {"hedges": ("iffy",), "accepted": ("probably",)}
