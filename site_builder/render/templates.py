"""The Jinja environment: autoescape, StrictUndefined, site templates over the theme, errors with file:line."""

from __future__ import annotations

import hashlib
from collections.abc import Mapping, Set
from pathlib import Path
from typing import Any

import jinja2
from jinja2 import meta

from site_builder.core.errors import Diagnostic, SourceLocation, TemplateFailure
from site_builder.core.site_files import walk_files
from site_builder.core.ui_strings import UiStrings

THEMES_DIR = Path(__file__).parents[1] / "themes"  # site_builder/themes/<name>/{templates,static}

ANY_TEMPLATE = "*"  # stands for "unknown, maybe all" in a dependency set


def theme_dir(theme: str) -> Path:
    """The folder of a built-in theme."""
    return THEMES_DIR / theme


def available_themes() -> list[str]:
    """Names of the built-in themes."""
    return sorted(p.name for p in THEMES_DIR.iterdir() if (p / "templates").is_dir())


def create_environment(site_root: Path, theme: str, strings: UiStrings) -> jinja2.Environment:
    """Site `templates/` first, then the theme: a site overrides any theme file by giving the same name.

    Every template sees the site's words: `t(key, **values)` (UiStrings.markup), `t_script(*keys)` (entries
    for a script, UiStrings.script) and the filter `fmtdate(style)` (UiStrings.date).
    """
    loader = jinja2.ChoiceLoader([
        jinja2.FileSystemLoader(str(site_root / "templates")),
        jinja2.FileSystemLoader(str(theme_dir(theme) / "templates")),
    ])
    env = jinja2.Environment(
        loader=loader,
        autoescape=jinja2.select_autoescape(enabled_extensions=("html", "htm", "xml"), default_for_string=True,
                                            default=True),
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        auto_reload=False,
    )
    env.filters["fmtdate"] = strings.date
    env.globals["t"] = strings.markup
    env.globals["t_script"] = strings.script
    return env


class Templates:
    """A Jinja environment plus where its files live, so errors name paths users recognise."""

    def __init__(self, site_root: Path, theme: str, strings: UiStrings | None = None) -> None:
        self.site_root = site_root
        self.theme = theme
        self.strings = strings or UiStrings()
        self.env = create_environment(site_root, theme, self.strings)
        self._dependencies: dict[str, frozenset[str]] = {}

    def display_path(self, filename: str | None, name: str | None) -> str:
        """A site template as `templates/x.html`; a theme template as `<theme briefing>/templates/x.html`."""
        if not filename:
            return name or "<template>"
        path = Path(filename).resolve()
        bases = ((self.site_root.resolve(), ""), (theme_dir(self.theme).resolve(), f"<theme {self.theme}>/"))
        for base, label in bases:
            try:
                return label + path.relative_to(base).as_posix()
            except ValueError:
                continue
        return path.as_posix()

    def location(self, exc: BaseException, fallback: str) -> SourceLocation:
        """The template file and line an exception came from."""
        if isinstance(exc, jinja2.TemplateSyntaxError):
            return SourceLocation(self.display_path(exc.filename, exc.name), exc.lineno or 0)
        # Jinja rewrites tracebacks so template frames carry the template's file name and line.
        roots = (self.site_root.resolve() / "templates", theme_dir(self.theme).resolve() / "templates")
        tb = exc.__traceback__
        found: SourceLocation | None = None
        while tb is not None:
            filename = tb.tb_frame.f_code.co_filename
            if not filename.startswith("<") and any(Path(filename).resolve().is_relative_to(r) for r in roots):
                found = SourceLocation(self.display_path(filename, None), tb.tb_lineno)
            tb = tb.tb_next
        return found or SourceLocation(fallback)

    def dependencies(self, name: str) -> frozenset[str]:
        """A template and every template it extends, includes or imports, recursively.

        A template edit re-renders exactly the pages whose template uses the edited file.
        """
        found = self._dependencies.get(name)
        if found is None:
            names = {name}
            todo = [name]
            while todo:
                current = todo.pop()
                try:
                    source = self.env.loader.get_source(self.env, current)[0] if self.env.loader else ""
                    referenced = meta.find_referenced_templates(self.env.parse(source))
                except (jinja2.TemplateNotFound, jinja2.TemplateSyntaxError):
                    continue  # rendering reports it with file and line
                for ref in referenced:
                    if ref is None:  # {% include some_variable %}: could be any template
                        names.add(ANY_TEMPLATE)
                    elif ref not in names:
                        names.add(ref)
                        todo.append(ref)
            found = self._dependencies[name] = frozenset(names)
        return found

    def source_key(self) -> str:
        """A digest of every template file the site can use (theme and site's own) and of the words they show.

        It salts the page digests kept between builds, so a warm build re-renders every page after any
        template edit or change of UI strings (the dev server, holding finer dependencies in memory, does better).
        """
        h = hashlib.blake2b(digest_size=16)
        h.update(repr(self.strings).encode())
        for folder in (theme_dir(self.theme) / "templates", self.site_root / "templates"):
            for rel in walk_files(folder):
                h.update(f"{folder}/{rel}\0".encode())
                h.update((folder / rel).read_bytes())
        return h.hexdigest()

    def uses(self, name: str, changed: Set[str]) -> bool:
        """Whether rendering `name` reads any of the changed template files."""
        if not changed:
            return False
        deps = self.dependencies(name)
        return ANY_TEMPLATE in deps or not deps.isdisjoint(changed)

    def render(self, name: str, context: Mapping[str, Any]) -> str:
        """Render one template; any template problem becomes a TemplateFailure naming file and line."""
        try:
            return self.env.get_template(name).render(context)
        except jinja2.TemplateNotFound as exc:
            raise TemplateFailure([Diagnostic(
                SourceLocation(f"templates/{exc.name}"), f"template {exc.name!r} not found",
                "add it to the site's templates/ folder or check the theme name")]) from exc
        except jinja2.TemplateSyntaxError as exc:
            raise TemplateFailure([Diagnostic(self.location(exc, name), f"template syntax error: {exc.message}")]
                                  ) from exc
        except jinja2.UndefinedError as exc:
            raise TemplateFailure([Diagnostic(
                self.location(exc, name), f"template error: {exc.message}",
                "check the variable name against the template context in the README")]) from exc
        except Exception as exc:  # a filter or view raised: still report where in the template
            raise TemplateFailure([Diagnostic(
                self.location(exc, name), f"template error: {type(exc).__name__}: {exc}")]) from exc
