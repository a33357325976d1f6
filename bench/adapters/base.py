"""The adapter interface: find the tool, write its site folder, say how to build it."""

from __future__ import annotations

import importlib.metadata
import importlib.util
import shutil
import sys
from dataclasses import dataclass
from pathlib import Path

from .source import Corpus


@dataclass(frozen=True)
class Tool:
    """A runnable generator: the argv prefix that starts it and its version, or why it is missing."""

    argv: tuple[str, ...] = ()
    version: str = ""
    missing: str = ""


def python_module_tool(module: str, distribution: str, *needs: str) -> Tool:
    """A generator installed in this interpreter, run as `python -m module` so the venv's copy is used."""
    for name in (module, *needs):
        if importlib.util.find_spec(name) is None:
            return Tool(missing=f"Python module {name!r} not installed (pip install -e '.[bench]')")
    try:
        version = importlib.metadata.version(distribution)
    except importlib.metadata.PackageNotFoundError:
        version = "?"
    return Tool((sys.executable, "-m", module), version)


def executable(name: str) -> str | None:
    """A console script next to this interpreter (the venv), else on PATH."""
    local = Path(sys.executable).parent / name
    return str(local) if local.exists() else shutil.which(name)


class Adapter:
    """One other generator. Subclasses write the site and give the build command."""

    name = ""

    def tool(self) -> Tool:
        """How to run the generator, or why it cannot run."""
        raise NotImplementedError

    def write(self, corpus: Corpus, dest: Path) -> None:
        """Write a complete site folder for this generator into the empty folder `dest`."""
        raise NotImplementedError

    def command(self, tool: Tool, site: Path, out: Path, cache: Path) -> list[str]:
        """The argv of one build of `site` into `out`; `cache` is a scratch folder cleared before cold runs."""
        raise NotImplementedError


def toml_string(text: str) -> str:
    """A TOML basic string."""
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'
