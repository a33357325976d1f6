"""Each command's --help says what it reads, what it writes and its exit codes."""

from __future__ import annotations

import argparse
import re

import pytest

from site_builder.cli import main as cli

SOURCES = ("config.yaml", "content/", "templates/", "static/")
LISTING = (("config.yaml", "content/"), ("nothing", "stdout"))

# command -> (words its reads must name, words its writes must name)
EXPECTED: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    "build": ((*SOURCES, ".cache/"), ("output folder", ".cache/", "pagefind/")),
    "check": (SOURCES, ("nothing in SITE", "temporary folder")),
    "new": (("starter",), ("config.yaml", "content/", "templates/", "static/", ".gitignore")),
    "serve": ((*SOURCES, ".cache/"), ("output folder", ".cache/")),
    "deploy": ((*SOURCES, "git repository"), ("output folder", ".cache/", "branch", "DEST")),
    "ingest": (("FILE_OR_FOLDER", "config.yaml", "content/actors/", "content/briefings/"),
               ("content/briefings/", "nothing else")),
    "actors": LISTING,
    "actors list": LISTING,
    "actors suggest": LISTING,
}


def commands(parser: argparse.ArgumentParser, prefix: str = "") -> list[str]:
    """Every command and sub-command the parser knows, as typed ("actors list")."""
    found = []
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for name, sub in action.choices.items():
                found += [prefix + name, *commands(sub, prefix + name + " ")]
    return found


def sections(help_text: str) -> dict[str, str]:
    """The reads:, writes: and exit codes: paragraphs of a help text, each joined on one line."""
    found = {}
    for label in ("reads", "writes", "exit codes"):
        match = re.search(rf"^{label}:\s+(.*?)(?=^\S|\Z)", help_text, re.MULTILINE | re.DOTALL)
        assert match, f"no {label}: in\n{help_text}"
        found[label] = " ".join(match.group(1).split())
    return found


def test_every_command_is_covered() -> None:
    assert sorted(commands(cli._parser())) == sorted(EXPECTED)


@pytest.mark.parametrize("command", sorted(EXPECTED))
def test_help_states_reads_writes_and_exit_codes(command: str, capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as info:
        cli.main([*command.split(), "--help"])
    assert info.value.code == 0
    found = sections(capsys.readouterr().out)
    reads, writes = EXPECTED[command]
    assert [word for word in reads if word not in found["reads"]] == []
    assert [word for word in writes if word not in found["writes"]] == []
    codes = found["exit codes"]
    assert codes.startswith("0 ") and "2 " in codes
    if command != "new" and command != "serve":
        assert "1 " in codes
