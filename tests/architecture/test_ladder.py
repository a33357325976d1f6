"""The package ladder of docs/architecture.md: a subpackage imports only from the rungs below it.

Every `import` of a `site_builder` module is read from the source (top level or inside a function),
so a planted upward import fails here with the file, the line and the two rungs named.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

import site_builder

PACKAGE = Path(site_builder.__file__).parent
# Lowest first. Packages on one rung never import each other; `cli` may import every rung below it.
LADDER: tuple[tuple[str, ...], ...] = (
    ("core",),
    ("content",),
    ("actors",),
    ("bodies",),
    ("graph",),
    ("render",),
    ("search",),
    ("incremental",),
    ("build",),
    ("serve", "publish", "ingest"),
    ("cli",),
)
RUNG = {package: level for level, packages in enumerate(LADDER) for package in packages}
TOP_LEVEL = {"__init__", "__main__"}
# The command line loads each command's module when that command runs, so `build` never pays for the server.
LAZY_ALLOWED = {"cli"}


def package_of(module: str) -> str | None:
    """The rung package of a dotted `site_builder.…` module name, or None for the package root."""
    parts = module.split(".")
    return parts[1] if len(parts) > 1 and parts[0] == "site_builder" else None


def internal_imports(path: Path) -> list[tuple[int, str, bool]]:
    """(line, imported site_builder module, whether at module level) for every import in a file."""
    tree = ast.parse(path.read_text(encoding="utf-8"), str(path))
    top = {id(node) for node in tree.body}
    for node in tree.body:  # `if TYPE_CHECKING:` and `try:` blocks at module level count as top level
        if isinstance(node, ast.If | ast.Try):
            top.update(id(child) for child in ast.walk(node))
    found = []
    for node in ast.walk(tree):
        names: list[str] = []
        if isinstance(node, ast.ImportFrom):
            if node.level:
                names = ["<relative>"]
            elif node.module and node.module.split(".")[0] == "site_builder":
                names = [node.module] if node.module != "site_builder" else [
                    f"site_builder.{alias.name}" for alias in node.names]
        elif isinstance(node, ast.Import):
            names = [alias.name for alias in node.names if alias.name.split(".")[0] == "site_builder"]
        found.extend((node.lineno, name, id(node) in top) for name in names)
    return found


def violations(root: Path = PACKAGE) -> list[str]:
    """Every import that breaks the ladder, as `file:line: what`; empty when the ladder holds."""
    problems = []
    for path in sorted(root.rglob("*.py")):
        rel = path.relative_to(root)
        where = f"site_builder/{rel.as_posix()}"
        if len(rel.parts) == 1:
            if rel.stem not in TOP_LEVEL:
                problems.append(f"{where}: a module at the package root; move it into the package of its rung")
            continue
        own = rel.parts[0]
        if own not in RUNG:
            problems.append(f"{where}: package {own!r} is on no rung; add it to the ladder")
            continue
        for line, name, at_top in internal_imports(path):
            if name == "<relative>":
                problems.append(f"{where}:{line}: relative import; import site_builder.… by its full name")
                continue
            target = package_of(name)
            if target is None or target not in RUNG:
                if name not in ("site_builder", "site_builder.__version__"):
                    problems.append(f"{where}:{line}: imports {name}, which is on no rung")
                continue
            if not at_top and target != own and own not in LAZY_ALLOWED:
                problems.append(f"{where}:{line}: imports {name} inside a function; import it at the top")
            if target != own and RUNG[target] >= RUNG[own]:
                direction = "the same rung" if RUNG[target] == RUNG[own] else "a rung above"
                problems.append(f"{where}:{line}: {own} imports {name}, from {direction} ({target})")
    return problems


def test_every_import_points_down_the_ladder() -> None:
    problems = violations()
    assert not problems, "imports against the ladder of docs/architecture.md:\n" + "\n".join(problems)


def test_every_package_is_on_the_ladder() -> None:
    packages = {p.name for p in PACKAGE.iterdir() if p.is_dir() and (p / "__init__.py").exists()}
    assert packages == set(RUNG)


def test_an_upward_import_is_reported_with_its_place(tmp_path: Path) -> None:
    for package, text in {"core": "from site_builder.build.site_build import Build\n",
                          "build": "from site_builder.core.config import Config\n"}.items():
        (tmp_path / package).mkdir()
        (tmp_path / package / "__init__.py").write_text("")
        (tmp_path / package / "planted.py").write_text(text)
    assert violations(tmp_path) == [
        "site_builder/core/planted.py:1: core imports site_builder.build.site_build, from a rung above (build)"]


@pytest.mark.parametrize("text, problem", [
    ("def f():\n    from site_builder.core.config import Config\n", "imports site_builder.core.config inside a function"),
    ("from .config import Config\n", "relative import"),
])
def test_lazy_and_relative_imports_are_reported(tmp_path: Path, text: str, problem: str) -> None:
    (tmp_path / "content").mkdir()
    (tmp_path / "content" / "planted.py").write_text(text)
    assert [problem in line for line in violations(tmp_path)] == [True]
