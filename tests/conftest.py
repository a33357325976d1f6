"""Shared fixtures: sites written from strings into temporary folders."""

from __future__ import annotations

import os
import sys
import textwrap
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from hypothesis import settings

# Property tests: `HYPOTHESIS_PROFILE=ci` (set by .ci/run) runs each with three times its examples and
# prints a reproduction blob for any failure; `HYPOTHESIS_EXAMPLES=N` sets the count for a local run.
settings.register_profile("ci", print_blob=True)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "default"))

# The build's clock decides which embargoes have ended (site_builder/core/clock.py). Tests read it from
# SOURCE_DATE_EPOCH, fixed here at 2026-12-01 00:00 UTC, so the example desk's briefing under embargo
# stays out of the golden tree whatever day the suite runs. Tests of the clock set their own.
os.environ.setdefault("SOURCE_DATE_EPOCH", "1796083200")


def examples(count: int) -> int:
    """The examples a property test runs: `count` locally, three times that in CI, or HYPOTHESIS_EXAMPLES."""
    if "HYPOTHESIS_EXAMPLES" in os.environ:
        return int(os.environ["HYPOTHESIS_EXAMPLES"])
    return count * 3 if os.environ.get("HYPOTHESIS_PROFILE") == "ci" else count

MINIMAL_CONFIG = """\
title: Test Desk
base_url: https://example.org/desk/
timezone: UTC
"""

# Actors for desks whose bodies name them by name and alias: a person with a country, a relation, a
# state, an armed group. Tests add the actors their own edits need.
DESK_ACTORS = {
    "kim": "name: Kim Jong Un\ntype: person\naliases: [Kim Jong-un]\ncountry: nk\n",
    "kyj": "name: Kim Yo Jong\ntype: person\nrelations: [{actor: kim, kind: sister-of}]\n",
    "nk": "name: North Korea\ntype: state\naliases: [Pyongyang]\n",
    "wagner": "name: Wagner Group\ntype: armed-group\naliases: [Wagner]\n",
}

DESK_ACTOR_FILES = {f"content/actors/{k}.yaml": v for k, v in DESK_ACTORS.items()}  # as site files

SiteFactory = Callable[..., Path]


def write_site(root: Path, files: dict[str, str | bytes], config: str | None = MINIMAL_CONFIG) -> Path:
    """Write a site from a mapping of relative path → text (dedented) or bytes."""
    root.mkdir(parents=True, exist_ok=True)
    if config is not None and "config.yaml" not in files:
        (root / "config.yaml").write_text(config, encoding="utf-8")
    for rel, data in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(data, bytes):
            path.write_bytes(data)
        else:
            path.write_text(textwrap.dedent(data), encoding="utf-8")
    return root


@pytest.fixture
def make_site(tmp_path: Path) -> SiteFactory:
    """`make_site({"content/briefings/a.md": "..."})` writes a site and returns its folder."""
    counter = iter(range(1000))

    def factory(files: dict[str, str | bytes], config: str | None = MINIMAL_CONFIG) -> Path:
        return write_site(tmp_path / f"site{next(counter)}", files, config)

    return factory


def briefing(title: str = "A briefing", date: str = "2023-01-29", body: str = "Body text.", **fields: str) -> str:
    """Markdown source of a briefing with the given front matter fields (values written as given)."""
    lines = [f"title: {title!r}" if ":" in title else f"title: {title}", f"date: {date}"]
    lines += [f"{key}: {value}" for key, value in fields.items()]
    return "---\n" + "\n".join(lines) + "\n---\n\n" + body + "\n"


def hanging_indexer(pid_file: Path) -> list[str]:
    """A stand-in for the Pagefind command that writes its pid to `pid_file`, then sleeps for ten minutes."""
    return [sys.executable, "-c",
            f"import os, time; open({str(pid_file)!r}, 'w').write(str(os.getpid())); time.sleep(600)"]


def started_pid(pid_file: Path, timeout: float = 60.0) -> int:
    """The pid a `hanging_indexer` wrote, once it has; fails when none came within `timeout` (a hang guard)."""
    deadline = time.monotonic() + timeout
    while not (pid_file.exists() and pid_file.read_text()):
        assert time.monotonic() < deadline, f"no indexer started within {timeout} s"
        time.sleep(0.01)
    return int(pid_file.read_text())


def read_tree(folder: Path) -> dict[str, bytes]:
    """Every file below a folder as relative path → bytes, for byte-for-byte comparisons."""
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


@pytest.fixture(scope="module")
def site_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The example desk built and served under /desk/, for browser tests (skips without Chromium)."""
    from browser import served_example

    with served_example(tmp_path_factory.mktemp("host")) as url:
        yield url
