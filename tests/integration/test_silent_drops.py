"""Nothing a user wrote is dropped without a word: each case warns with the path and the fix, and
`--strict` (or `strict: true` in config) turns the warnings into errors."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from conftest import DESK_ACTOR_FILES, SiteFactory, briefing

from site_builder.cli.main import main

ACTORS = DESK_ACTOR_FILES


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, list[str]]:
    code = main(list(args))
    err = capsys.readouterr().err
    assert "Traceback" not in err
    return code, [line for line in err.splitlines() if ": warning: " in line or ": error: " in line]


@pytest.mark.parametrize(("files", "warning"), [
    ({"content/briefings/2023-01-29-a.txt": "A pasted article."},
     "content/briefings/2023-01-29-a.txt: warning: not read: briefings are markdown files (.md, .markdown) "
     "(run site-builder ingest on it)"),
    ({"content/briefing/2023-01-29-a.md": briefing()},
     "content/briefing/: warning: unknown folder; its files are not read (did you mean content/briefings/?)"),
    ({"content/posts/2023-01-29-a.md": briefing()},
     "content/posts/: warning: unknown folder; its files are not read (use briefings/, actors/, topics/ or pages/)"),
    ({"content/briefings/2023-01-29-b.md": briefing(topic="[sanctions]")},
     "content/briefings/2023-01-29-b.md:4:1: warning: unknown key 'topic' in front matter, kept for templates "
     "(did you mean 'topics'? keys for templates go under extra:, or start with x_)"),
    ({"content/briefings/2023-01-29-b.md": briefing(sumary="Typo.")},
     "content/briefings/2023-01-29-b.md:4:1: warning: unknown key 'sumary' in front matter, kept for templates "
     "(did you mean 'summary'? keys for templates go under extra:, or start with x_)"),
])
def test_each_silent_drop_warns_and_fails_when_strict(make_site: SiteFactory, capsys: pytest.CaptureFixture[str],
                                                      files: dict[str, str], warning: str) -> None:
    site = make_site({**ACTORS, "content/briefings/2023-01-30-kept.md": briefing("Kept", "2023-01-30"), **files})
    code, lines = run(capsys, "build", str(site), "--no-cache")
    assert code == 0 and lines == [warning]
    code, lines = run(capsys, "build", str(site), "--no-cache", "--strict")
    assert code == 1 and lines == [warning.replace(": warning: ", ": error: ", 1)]
    (site / "config.yaml").write_text((site / "config.yaml").read_text() + "strict: true\n")
    code, lines = run(capsys, "check", str(site))
    assert code == 1 and lines == [warning.replace(": warning: ", ": error: ", 1)]


def test_markdown_suffixes_as_hugo_reads_them_and_media_stay_silent(make_site: SiteFactory,
                                                                    capsys: pytest.CaptureFixture[str]) -> None:
    site = make_site({**ACTORS, "content/briefings/2023-01-29-a.markdown": briefing("Long suffix", "2023-01-29"),
                      "content/briefings/2023-01-30-b.mdown": briefing("Short suffix", "2023-01-30"),
                      "content/briefings/2023-01-30-b.png": b"\x89PNG\r\n"})
    code, lines = run(capsys, "build", str(site), "--no-cache")
    assert code == 0 and lines == []
    assert (site / "public/briefings/a/index.html").exists() and (site / "public/briefings/b/index.html").exists()


def test_a_desk_without_briefings_warns(make_site: SiteFactory, capsys: pytest.CaptureFixture[str]) -> None:
    site = make_site(dict(ACTORS))
    code, lines = run(capsys, "build", str(site), "--no-cache")
    assert code == 0 and lines == ["content/briefings/: warning: the site has no briefings "
                                   "(add .md files to content/briefings/, or run site-builder ingest)"]


def test_config_yml_is_read_and_both_names_are_an_error(make_site: SiteFactory,
                                                        capsys: pytest.CaptureFixture[str]) -> None:
    site = make_site({**ACTORS, "content/briefings/2023-01-29-a.md": briefing()}, config=None)
    (site / "config.yml").write_text("title: Yml Desk\nbase_url: https://example.org/\n")
    assert run(capsys, "build", str(site), "--no-cache") == (0, [])
    assert "Yml Desk" in (site / "public/index.html").read_text(encoding="utf-8")
    (site / "config.yaml").write_text("title: Yaml Desk\n")
    assert run(capsys, "build", str(site), "--no-cache") == (1, [
        "config.yml: error: both config.yaml and config.yml exist (keep one: config.yaml is the usual name)"])


def test_a_folder_that_is_no_site_is_refused_unless_forced(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["build", str(tmp_path), "--no-cache"]) == 2
    assert capsys.readouterr().err.strip() == (
        f"site-builder: error: {str(tmp_path)!r} is not a site folder: it has no config.yaml and no content/ "
        "(create one with site-builder new, or pass --force)")
    assert not (tmp_path / "public").exists()
    assert main(["build", str(tmp_path), "--no-cache", "--force", "-q"]) == 0


TYPO = ("content/briefings/2023-01-29-b.md:4:1: warning: unknown key 'sumary' in front matter, kept for templates "
        "(did you mean 'summary'? keys for templates go under extra:, or start with x_)")


def test_warnings_are_printed_by_every_build_cached_or_up_to_date(make_site: SiteFactory,
                                                                  capsys: pytest.CaptureFixture[str]) -> None:
    site = make_site({**ACTORS, "content/briefings/2023-01-29-b.md": briefing(sumary="Typo."),
                      "content/briefings/2023-01-30-c.md": briefing("Other", "2023-01-30")})
    assert run(capsys, "build", str(site)) == (0, [TYPO])
    code = main(["build", str(site)])
    err = capsys.readouterr().err
    assert code == 0 and "is up to date" in err and TYPO in err.splitlines()
    # Another file changed: the briefing with the typo comes from the cache, and still warns.
    (site / "content/briefings/2023-01-30-c.md").write_text(briefing("Other, edited", "2023-01-30"))
    code = main(["build", str(site)])
    err = capsys.readouterr().err
    assert code == 0 and "is up to date" not in err and TYPO in err.splitlines()


def test_a_failing_build_prints_its_warnings_with_its_errors(make_site: SiteFactory,
                                                             capsys: pytest.CaptureFixture[str]) -> None:
    site = make_site({**ACTORS, "content/briefings/2023-01-29-b.md": briefing(sumary="Typo."),
                      "content/briefings/2023-01-30-c.md": briefing("Other", "2023-01-30", actors="[nobody]")})
    code, lines = run(capsys, "build", str(site), "--no-cache")
    assert code == 1 and TYPO in lines and len(lines) == 2
    assert any(line.startswith("content/briefings/2023-01-30-c.md:") and ": error: " in line for line in lines)
    code = main(["build", str(site), "--no-cache"])
    assert code == 1 and capsys.readouterr().err.splitlines()[-1] == "1 error; nothing was written"
    # A failure after loading (a template) reports them too, and so does check, as text and as JSON.
    (site / "content/briefings/2023-01-30-c.md").write_text(briefing("Other", "2023-01-30"))
    (site / "templates").mkdir()
    (site / "templates/page.html").write_text("{{ nothing.here }}")
    (site / "content/pages").mkdir()
    (site / "content/pages/about.md").write_text("---\ntitle: About\n---\n\nText.\n")
    code, lines = run(capsys, "build", str(site), "--no-cache")
    assert code == 1 and lines[0] == TYPO and len(lines) == 2 and lines[1].startswith("templates/page.html:1: error:")
    code, lines = run(capsys, "check", str(site))
    assert code == 1 and lines[0] == TYPO and len(lines) == 2
    assert main(["check", str(site), "--format", "json"]) == 1
    severities = [json.loads(line)["severity"] for line in capsys.readouterr().out.splitlines()]
    assert sorted(severities) == ["error", "warning"]
