"""The estimative-language lint: terms off the scale, judgment texts that contradict their key, mixed sentences."""

from __future__ import annotations

from datetime import datetime

from conftest import MINIMAL_CONFIG, SiteFactory, briefing

from site_builder.build.options import BuildOptions, load_site_config
from site_builder.build.site_build import Build
from site_builder.content.estimative_lint import lint_briefings, scale_terms, vocabulary
from site_builder.core.errors import ContentError
from site_builder.core.models import Briefing, Judgment
from site_builder.core.tradecraft import ICD_203, PHIA, TradecraftConfig

DEFAULT = TradecraftConfig()


def findings(body: str = "", judgments: tuple[Judgment, ...] = (), config: TradecraftConfig = DEFAULT) -> list[str]:
    """The lint's findings for one briefing whose body starts on line 10."""
    b = Briefing(path="b.md", slug="b", title="B", date=datetime(2023, 1, 1), body=body, body_line=10,
                 judgments=judgments)
    return [d.format() for d in lint_briefings([b], vocabulary(config), "warning")]


def test_scale_terms_come_from_the_labels() -> None:
    assert scale_terms(ICD_203)["almost certainly"] == "almost-certain"
    assert scale_terms(PHIA)["probably"] == "likely" and scale_terms(PHIA)["likely"] == "likely"


def test_words_off_the_scale_in_prose_with_positions() -> None:
    body = "Intro line.\nThe North will probably test again.\n\nIt might, perhaps, fire one."
    assert findings(body) == [
        "b.md:11:16: warning: estimative term 'probably' is not on the icd-203 scale (use the scale's words (almost "
        "no chance, very unlikely, unlikely, roughly even chance, likely, very likely, almost certain), or add it to "
        "tradecraft.words.accepted in config.yaml)",
        "b.md:13:4: warning: estimative term 'might' is not on the icd-203 scale (use the scale's words (almost no "
        "chance, very unlikely, unlikely, roughly even chance, likely, very likely, almost certain), or add it to "
        "tradecraft.words.accepted in config.yaml)",
        "b.md:13:11: warning: estimative term 'perhaps' is not on the icd-203 scale (use the scale's words (almost "
        "no chance, very unlikely, unlikely, roughly even chance, likely, very likely, almost certain), or add it to "
        "tradecraft.words.accepted in config.yaml)",
    ]


def test_the_scale_in_use_decides() -> None:
    body = "A test is probably coming. A test is very likely."
    phia = [f.split(": ", 2)[2] for f in findings(body, config=TradecraftConfig(scale=PHIA))]
    assert phia == ["estimative term 'very likely' is not on the phia scale (use the scale's words (remote chance, "
                    "highly unlikely, unlikely, realistic possibility, likely or probably, highly likely, almost "
                    "certain), or add it to tradecraft.words.accepted in config.yaml)"]
    assert findings("It is probably so.", config=TradecraftConfig(words=(("accepted", ("probably",)),))) == []


def test_quotations_code_and_block_quotes_are_not_the_analysts_words() -> None:
    body = ('Kirby said it “might change nothing”, and "perhaps" he is right.\n\n> It could possibly end.\n\n'
            "```\nmaybe\n```\n\nSee `probably` and [a link](https://example.org/maybe).")
    assert findings(body) == []


def test_a_judgment_that_states_another_likelihood_and_a_mixed_sentence() -> None:
    judgments = (
        Judgment("x", "It is likely that the North sends shells.", "very-likely", "moderate", text_line=5,
                 text_column=11),
        Judgment("y", "We judge with high confidence that a test is unlikely.", "unlikely", "high", text_line=9,
                 text_column=11),
    )
    assert findings(judgments=judgments) == [
        "b.md:5:17: warning: judgment 'x' says 'likely' but its likelihood is 'very-likely' (Very likely) (make the "
        "text and the likelihood agree, or leave the likelihood out of the text)",
        "b.md:9:56: warning: sentence states likelihood ('unlikely') and confidence ('high confidence') together "
        "(say how likely in one sentence and how confident in another)",
    ]
    assert findings("Likely, they will. We are confident of it.") == []  # two sentences: fine


def test_check_reports_and_lint_error_fails_the_build(make_site: SiteFactory) -> None:
    files = {"content/briefings/a.md": briefing(body="The North will probably test.")}
    site = make_site(files)
    quiet = Build(load_site_config(site, BuildOptions())).render_site()
    assert quiet.warnings == ()  # a build does not lint unless asked (check) or told (lint: error)
    asked = Build(load_site_config(site, BuildOptions()), lint=True).render_site()
    assert [w.format() for w in asked.warnings] == [
        "content/briefings/a.md:6:16: warning: estimative term 'probably' is not on the icd-203 scale (use the "
        "scale's words (almost no chance, very unlikely, unlikely, roughly even chance, likely, very likely, almost "
        "certain), or add it to tradecraft.words.accepted in config.yaml)"]
    strict = make_site(files, MINIMAL_CONFIG + "tradecraft: {lint: error}\n")
    try:
        Build(load_site_config(strict, BuildOptions())).render_site()
    except ContentError as exc:
        assert [d.severity for d in exc.diagnostics] == ["error"]
        assert exc.diagnostics[0].location.line == 6
    else:
        raise AssertionError("lint: error must fail the build")
    off = make_site(files, MINIMAL_CONFIG + "tradecraft: {lint: off}\n")
    assert Build(load_site_config(off, BuildOptions()), lint=True).render_site().warnings == ()
