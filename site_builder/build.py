"""The Builder: the only module that knows the stage order, from config to written files."""

from __future__ import annotations

import os
import time
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path, PurePosixPath
from typing import Any

from .actors import Matcher, build_registry
from .config import Config, load_config
from .content import Model, load_content
from .discover import Kind, classify, discover, walk_files
from .errors import ContentError, Diagnostic, Diagnostics, SiteError, SourceLocation, TemplateFailure, did_you_mean
from .graph import SiteGraph, build_graph, check_references, check_slugs
from .markdown import RenderedBody, create_markdown, render_body
from .models import Content
from .pages import epoch_time, page_meta, plan_pages, site_view, sitemap_entries
from .search import IndexReport, index_site
from .templates import Templates, available_themes, theme_dir
from .urls import actor_path, briefing_path, output_file, page_path, relative_url, url_function
from .writer import MANIFEST, WriteReport, write_site


@dataclass
class BuildMemo:
    """What a good build leaves for the next one, so a rebuild redoes only what its changes touch.

    Everything here is derived from inputs; dropping it gives a full build with the same output.
    """

    models: dict[str, Model] = field(default_factory=dict)  # content path -> parsed model
    bodies: dict[str, tuple[tuple[Any, ...], RenderedBody]] = field(default_factory=dict)  # path -> (inputs, body)
    matcher: Matcher | None = None
    pages: dict[str, tuple[Any, ...]] = field(default_factory=dict)  # output file -> what it was rendered from
    files: frozenset[str] = frozenset()  # every output file of the build
    templates: Templates | None = None  # compiled templates, kept until a template file changes


@dataclass(frozen=True)
class RenderedSite:
    """A site in memory: the files to write (path → bytes), every file it has, and the graph."""

    files: dict[str, bytes]
    all_files: frozenset[str]
    pages: int
    graph: SiteGraph
    memo: BuildMemo
    skipped: int = 0  # pages whose inputs were unchanged, so their files stand as they are


@dataclass(frozen=True)
class BuildResult:
    """What a build did."""

    out_dir: Path
    pages: int
    files: int
    report: WriteReport
    seconds: float
    search: IndexReport | None = None  # None when search is off or left to the caller (dev server)


@dataclass(frozen=True)
class BuildOptions:
    """Per-run choices from the command line."""

    drafts: bool = False
    base_url: str | None = None
    out_dir: Path | None = None
    index_search: bool = True  # the dev server indexes off the request path instead (see server.py)


def load_site_config(root: Path, options: BuildOptions) -> Config:
    """Config with command-line overrides applied."""
    config = load_config(root)
    if options.base_url:
        config = config.with_overrides(base_url=options.base_url)
    if config.theme not in available_themes():
        raise ContentError([Diagnostic(SourceLocation("config.yaml"), f"unknown theme {config.theme!r}",
                                       did_you_mean(config.theme, available_themes()))])
    return config


def load_and_link(config: Config, drafts: bool, memo: BuildMemo | None = None,
                  changed: Iterable[str] = ()) -> tuple[Content, SiteGraph]:
    """Load, validate and link all content; raises ContentError listing every problem found.

    With a memo, files not in `changed` are taken from it instead of being read again; the memo
    is updated in place only on success.
    """
    root = config.root
    previous = memo or BuildMemo()
    stale = set(changed)
    diagnostics = Diagnostics()
    files = discover(root, config.output_dir)
    reuse = {rel: m for rel, m in previous.models.items() if rel not in stale}
    content, models = load_content(root, files, config, diagnostics, drafts=drafts, reuse=reuse)
    check_slugs(content, diagnostics)
    check_references(content, diagnostics, {PurePosixPath(rel).stem for rel in files.actors})
    matcher = build_registry(content.actors, config.mentions, diagnostics, previous.matcher)
    diagnostics.raise_if_any()
    bodies, page_bodies, cache = render_bodies(config, content, matcher, previous.bodies if previous.matcher is
                                               matcher else {})
    if memo is not None:
        memo.models, memo.bodies, memo.matcher = models, cache, matcher
    return content, build_graph(content, bodies, page_bodies)


def render_bodies(config: Config, content: Content, matcher: Matcher,
                  cache: Mapping[str, tuple[tuple[Any, ...], RenderedBody]] | None = None,
                  ) -> tuple[dict[str, RenderedBody], dict[str, RenderedBody], dict[str, tuple[tuple[Any, ...],
                                                                                           RenderedBody]]]:
    """Markdown for every briefing and page; mention links point from the page of the body to profiles.

    A body is rendered again only when its text, position or slug changed (the cache must come
    from a build with the same matcher and config).
    """
    md = create_markdown(config.markdown)
    index_files = config.relative_urls
    old = cache or {}
    new: dict[str, tuple[tuple[Any, ...], RenderedBody]] = {}

    def render(path: str, here: str, text: str, line: int) -> RenderedBody:
        key = (here, text, line)
        hit = old.get(path)
        if hit is not None and hit[0] == key:
            new[path] = hit
            return hit[1]
        body = render_body(md, text, matcher=matcher, link_mode=config.mentions.link, line_offset=line,
                           actor_href=lambda actor_id: relative_url(here, actor_path(actor_id), index_files))
        new[path] = (key, body)
        return body

    bodies = {b.slug: render(b.path, briefing_path(b.slug), b.body, b.body_line) for b in content.briefings}
    page_bodies = {p.slug: render(p.path, page_path(p.slug), p.body, p.body_line) for p in content.pages}
    return bodies, page_bodies, new


def render_site(config: Config, drafts: bool = False, build_time: datetime | None = None,
                memo: BuildMemo | None = None, changed: Iterable[str] = (), out_dir: Path | None = None
                ) -> RenderedSite:
    """Render pages and gather static files in memory; raises SiteError with every problem found.

    With a memo from the previous good build, a page whose template inputs are equal to last time
    (and whose templates did not change) is not rendered again: its file already holds those bytes.
    """
    changed = set(changed)
    working = BuildMemo(**vars(memo)) if memo is not None else BuildMemo()
    _, graph = load_and_link(config, drafts, working, changed)
    when = build_time or epoch_time(os.environ.get("SOURCE_DATE_EPOCH"))
    touched = {rel.removeprefix("templates/") for rel in changed if classify(rel, config.output_dir) is Kind.TEMPLATE}
    # Compiling every template costs more than a small rebuild; keep them until one changes.
    templates = (memo.templates if memo is not None and memo.templates is not None and not touched
                 else Templates(config.root, config.theme))
    site = site_view(config, graph)
    specs = list(plan_pages(config, graph, when))
    files: dict[str, bytes] = {}
    inputs: dict[str, tuple[Any, ...]] = {}
    diagnostics = Diagnostics()
    seen: set[str] = set()
    skipped = 0
    out_dir = out_dir or config.root / config.output_dir
    for spec in specs:
        out = output_file(spec.url)
        if spec.body is not None:
            files[out] = spec.body.encode("utf-8")
            continue
        meta = page_meta(spec, config)
        inputs[out] = (spec.template, spec.context, meta, site)
        if (memo is not None and memo.pages.get(out) == inputs[out] and out in memo.files
                and not templates.uses(spec.template, touched) and (out_dir / out).exists()):
            skipped += 1
            continue
        link = url_function(spec.url, config.base_url, config.relative_urls)
        context = {**spec.context, "site": site, "page": meta, "url": link}
        try:
            files[out] = templates.render(spec.template, context).encode("utf-8")
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
    all_files = frozenset(inputs) | frozenset(files) | frozenset(static)
    for rel in sorted(set(static) & (set(inputs) | set(files))):
        diagnostics.error(SourceLocation(f"static/{rel}"), f"static file would overwrite the generated page {rel}",
                          "rename or move the static file")
    diagnostics.raise_if_any()
    files.update(static)
    working.pages, working.files, working.templates = inputs, all_files, templates
    return RenderedSite(files, all_files, len(specs), graph, working, skipped)


def static_files(config: Config) -> dict[str, bytes]:
    """Theme assets, then the site's own static/ over them file by file."""
    out: dict[str, bytes] = {}
    for folder in (theme_dir(config.theme) / "static", config.root / "static"):
        for rel in walk_files(folder):
            if rel != MANIFEST:
                out[rel] = (folder / rel).read_bytes()
    return out


class Builder:
    """Builds one site folder and remembers its last good build, so the dev server can rebuild quickly.

    It holds no global state: tests and servers can run several side by side.
    """

    def __init__(self, root: Path, options: BuildOptions | None = None) -> None:
        self.root = root
        self.options = options or BuildOptions()
        self._config: Config | None = None
        self._memo: BuildMemo | None = None
        self._pending: set[str] = set()  # changes since the last good build, kept across failed rebuilds

    def out_dir(self, config: Config) -> Path:
        """Where output goes: --output, else config's output_dir inside the site."""
        return self.options.out_dir or (self.root / config.output_dir)

    def build(self) -> BuildResult:
        """A full build: everything is rendered first, so on any error nothing is written."""
        self._config = self._memo = None
        self._pending.clear()
        return self._run(())

    def rebuild(self, changed: Iterable[str]) -> BuildResult:
        """Bring the output up to date after the given site-relative paths changed (created, edited, deleted).

        Only changed files are read again, only bodies whose text changed are rendered again, and
        only pages whose inputs changed are written. A config change rebuilds everything. Raises
        SiteError like build(); then nothing is written and the next rebuild starts from the last
        good state.
        """
        self._pending.update(changed)
        output_dir = self._config.output_dir if self._config else "public"
        if self._memo is None or any(classify(p, output_dir) is Kind.CONFIG for p in self._pending):
            self._config = self._memo = None
        return self._run(set(self._pending))

    def _run(self, changed: Iterable[str]) -> BuildResult:
        started = time.perf_counter()
        config = self._config or load_site_config(self.root, self.options)
        out = self.out_dir(config)
        rendered = render_site(config, drafts=self.options.drafts, memo=self._memo, changed=changed, out_dir=out)
        report = write_site(out, rendered.files, keep=rendered.all_files, unchanged=rendered.skipped)
        self._config, self._memo = config, rendered.memo
        self._pending.clear()
        # After the pages are written: Pagefind reads them from disk. A failure raises, keeping the old index.
        search = (index_site(out, keep_index_url=config.relative_urls)
                  if config.search.enabled and self.options.index_search else None)
        return BuildResult(out, rendered.pages, len(rendered.all_files), report, time.perf_counter() - started,
                           search)

    def check(self) -> RenderedSite:
        """Validate and render without writing anything."""
        return render_site(load_site_config(self.root, self.options), drafts=self.options.drafts)


__all__ = ["BuildMemo", "BuildOptions", "BuildResult", "Builder", "RenderedSite", "SiteError", "render_site"]
