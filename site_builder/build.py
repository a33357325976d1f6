"""The Builder: the only module that knows the stage order, from config to written files."""

from __future__ import annotations

import os
import re
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Any
from urllib.parse import urlsplit

from .actors import Matcher, build_registry
from .config import Config, load_config
from .content import load_content
from .discover import discover, walk_files
from .errors import (
    ContentError,
    Diagnostic,
    Diagnostics,
    SiteError,
    SourceLocation,
    TemplateFailure,
    did_you_mean,
)
from .graph import SiteGraph, build_graph, check_references, check_slugs
from .markdown import RenderedBody, create_markdown, render_body
from .models import Content
from .pages import PageSpec, epoch_time, page_meta, plan_pages, site_view, sitemap_entries
from .templates import Templates, available_themes, theme_dir
from .urls import actor_path, briefing_path, output_file, page_path, relative_url
from .writer import MANIFEST, WriteReport, write_site

_ABSOLUTE = re.compile(r"^[a-z][a-z0-9+.\-]*:", re.IGNORECASE)


@dataclass(frozen=True)
class RenderedSite:
    """A whole site in memory: output path → bytes. Nothing is written until all of it rendered."""

    files: dict[str, bytes]
    pages: int
    graph: SiteGraph


@dataclass(frozen=True)
class BuildResult:
    """What a build did."""

    out_dir: Path
    pages: int
    files: int
    report: WriteReport
    seconds: float


@dataclass(frozen=True)
class BuildOptions:
    """Per-run choices from the command line."""

    drafts: bool = False
    base_url: str | None = None
    out_dir: Path | None = None


def load_site_config(root: Path, options: BuildOptions) -> Config:
    """Config with command-line overrides applied."""
    config = load_config(root)
    if options.base_url:
        config = config.with_overrides(base_url=options.base_url)
    if config.theme not in available_themes():
        raise ContentError([Diagnostic(SourceLocation("config.yaml"), f"unknown theme {config.theme!r}",
                                       did_you_mean(config.theme, available_themes()))])
    return config


def load_and_link(config: Config, drafts: bool) -> tuple[Content, SiteGraph]:
    """Load, validate and link all content; raises ContentError listing every problem found."""
    root = config.root
    diagnostics = Diagnostics()
    files = discover(root, config.output_dir)
    content = load_content(root, files, config, diagnostics, drafts=drafts)
    check_slugs(content, diagnostics)
    check_references(content, diagnostics, {PurePosixPath(rel).stem for rel in files.actors})
    matcher = build_registry(content.actors, config.mentions, diagnostics)
    diagnostics.raise_if_any()
    bodies, page_bodies = render_bodies(config, content, matcher)
    return content, build_graph(content, bodies, page_bodies)


def render_bodies(config: Config, content: Content, matcher: Matcher
                  ) -> tuple[dict[str, RenderedBody], dict[str, RenderedBody]]:
    """Markdown for every briefing and page; mention links point from the briefing page to profiles."""
    md = create_markdown(config.markdown)
    index_files = config.relative_urls
    bodies = {}
    for b in content.briefings:
        here = briefing_path(b.slug)

        def href(actor_id: str, here: str = here) -> str:
            return relative_url(here, actor_path(actor_id), index_files)

        bodies[b.slug] = render_body(md, b.body, matcher=matcher, link_mode=config.mentions.link,
                                     actor_href=href, line_offset=b.body_line)
    page_bodies = {}
    for p in content.pages:
        here = page_path(p.slug)
        page_bodies[p.slug] = render_body(
            md, p.body, matcher=matcher, link_mode=config.mentions.link,
            actor_href=lambda a, here=here: relative_url(here, actor_path(a), index_files),  # type: ignore[misc]
            line_offset=p.body_line)
    return bodies, page_bodies


def url_function(config: Config, spec: PageSpec) -> Callable[[str], str]:
    """How a page links to others: relative, except 404.html, which hosts serve at any depth.

    Absolute URLs and fragments pass through unchanged; a leading slash means the site root, so
    `image: /img/a.jpg` in an actor file works from every page.
    """
    root = urlsplit(config.base_url).path or "/"

    def url(target: str) -> str:
        if _ABSOLUTE.match(target) or target.startswith("#"):
            return target
        target = target.lstrip("/")
        if spec.url == "404.html":
            return root + (output_file(target) if config.relative_urls else target)
        return relative_url(spec.url, target, config.relative_urls)

    return url


def render_site(config: Config, drafts: bool = False, build_time: Any = None) -> RenderedSite:
    """Render every page and gather static files in memory; raises SiteError with every problem found."""
    _, graph = load_and_link(config, drafts)
    when = build_time or epoch_time(os.environ.get("SOURCE_DATE_EPOCH"))
    templates = Templates(config.root, config.theme)
    site = site_view(config, graph)
    specs = list(plan_pages(config, graph, when))
    files: dict[str, bytes] = {}
    diagnostics = Diagnostics()
    seen: set[str] = set()
    for spec in specs:
        if spec.body is not None:
            files[output_file(spec.url)] = spec.body.encode("utf-8")
            continue
        context = {**spec.context, "site": site, "page": page_meta(spec, config), "url": url_function(config, spec)}
        try:
            files[output_file(spec.url)] = templates.render(spec.template, context).encode("utf-8")
        except TemplateFailure as exc:
            for d in exc.diagnostics:
                if d.format() not in seen:  # one broken template would otherwise repeat per page
                    seen.add(d.format())
                    diagnostics.extend([d])
    if not diagnostics:
        base = {"site": site, "url": lambda t: t}
        try:
            files["sitemap.xml"] = templates.render("sitemap.xml", {**base, "entries": sitemap_entries(config, specs)}
                                                    ).encode("utf-8")
            robots = {**base, "sitemap_url": config.base_url + "sitemap.xml"}
            files["robots.txt"] = templates.render("robots.txt", robots).encode("utf-8")
        except TemplateFailure as exc:
            diagnostics.extend(exc.diagnostics)
    diagnostics.raise_if_any(TemplateFailure)
    static = static_files(config)
    for rel in sorted(set(static) & set(files)):
        diagnostics.error(SourceLocation(f"static/{rel}"), f"static file would overwrite the generated page {rel}",
                          "rename or move the static file")
    diagnostics.raise_if_any()
    files.update(static)
    return RenderedSite(files, len(specs), graph)


def static_files(config: Config) -> dict[str, bytes]:
    """Theme assets, then the site's own static/ over them file by file."""
    out: dict[str, bytes] = {}
    for folder in (theme_dir(config.theme) / "static", config.root / "static"):
        for rel in walk_files(folder):
            if rel != MANIFEST:
                out[rel] = (folder / rel).read_bytes()
    return out


class Builder:
    """Builds one site folder; holds no global state so tests and the dev server can run several."""

    def __init__(self, root: Path, options: BuildOptions | None = None) -> None:
        self.root = root
        self.options = options or BuildOptions()

    def out_dir(self, config: Config) -> Path:
        """Where output goes: --output, else config's output_dir inside the site."""
        return self.options.out_dir or (self.root / config.output_dir)

    def build(self) -> BuildResult:
        """A full build: everything is rendered first, so on any error nothing is written."""
        started = time.perf_counter()
        config = load_site_config(self.root, self.options)
        rendered = render_site(config, drafts=self.options.drafts)
        out = self.out_dir(config)
        report = write_site(out, rendered.files)
        return BuildResult(out, rendered.pages, len(rendered.files), report, time.perf_counter() - started)

    def rebuild(self, changed: Iterable[str]) -> BuildResult:
        """Bring the output up to date after the given site-relative paths changed (created, edited, deleted).

        Raises SiteError like build(); then nothing is written and the next rebuild starts from the
        last good state.
        """
        del changed  # every page is re-planned; only pages whose inputs changed are re-rendered
        return self.build()

    def check(self) -> RenderedSite:
        """Validate and render without writing anything."""
        return render_site(load_site_config(self.root, self.options), drafts=self.options.drafts)


__all__ = ["BuildOptions", "BuildResult", "Builder", "RenderedSite", "SiteError", "render_site"]
