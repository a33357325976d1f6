"""The Builder: the only module that knows the stage order, from config to written files."""

from __future__ import annotations

import os
import time
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from datetime import datetime
from pathlib import Path, PurePosixPath

from site_builder import __version__
from site_builder.actors.matcher import Matcher, build_registry
from site_builder.bodies.rendering import processes
from site_builder.content.loader import Model, load_content
from site_builder.core.config import Config, load_config
from site_builder.core.errors import (
    ContentError,
    Diagnostic,
    Diagnostics,
    SiteError,
    SourceLocation,
    TemplateFailure,
    did_you_mean,
)
from site_builder.core.keys import digest
from site_builder.core.models import Actor, Content
from site_builder.core.output_writer import MANIFEST, MemorySink, Sink, Staging, WriteReport
from site_builder.core.processes import release_freed, settle
from site_builder.core.progress import Progress
from site_builder.core.site_files import Kind, SiteFiles, classify, discover, refresh, walk_files
from site_builder.core.urls import output_file
from site_builder.graph.site_graph import SiteGraph, build_graph, check_references, check_slugs
from site_builder.incremental.bodies import BodyReport, MemoEntry
from site_builder.incremental.derived_memo import DerivedMemo
from site_builder.incremental.edits import briefing_edits, relinkable, render_changed_bodies, text_edits
from site_builder.incremental.relink import relink_bodies, relink_briefings
from site_builder.incremental.scope import edit_scope, move_scope
from site_builder.incremental.site_state import SiteState, inputs_digest, is_current, output_stats, state_key
from site_builder.incremental.store import BuildCache, CacheStats
from site_builder.render.assets import prepare_assets
from site_builder.render.list_rows import Rows
from site_builder.render.page_plan import (
    PageSpec,
    Scope,
    epoch_time,
    plan_pages,
    site_view,
    sitemap_dates,
    sitemap_entries,
)
from site_builder.render.page_renderer import PageRenderer
from site_builder.render.presenter import Presenter
from site_builder.render.templates import Templates, available_themes, theme_dir
from site_builder.render.views import BriefingCard, SiteView
from site_builder.search.pagefind import BUNDLE_DIR, SEARCH_ENTRY, IndexReport, index_site

CONTENT_KINDS = (Kind.BRIEFING, Kind.ACTOR, Kind.TOPIC, Kind.PAGE)  # files that make models
# Pages from which a builder that rebuilds settles its heap after a full build (see heap.py); below it a
# full collection of its state costs a few milliseconds, less than the collection that settling costs.
SETTLE_PAGES = 2000


@dataclass
class BuildMemo:
    """What a good build leaves for the next one, so a rebuild redoes only what its changes touch.

    Everything here is derived from inputs; dropping it gives a full build with the same output.
    """

    models: dict[str, Model] = field(default_factory=dict)  # content path -> parsed model
    bodies: dict[str, MemoEntry] = field(default_factory=dict)  # content path -> (cache key, body)
    matcher: Matcher | None = None
    pages: dict[str, bytes] = field(default_factory=dict)  # output file -> digest of what it was rendered from
    files: frozenset[str] = frozenset()  # every output file of the build
    templates: Templates | None = None  # compiled templates, kept until a template file changes
    derived: DerivedMemo | None = None  # related briefings and co-mentions, with what they were computed from
    graph: SiteGraph | None = None  # the last build's graph and page salt, to tell a body-only edit
    salt: bytes = b""
    files_found: SiteFiles | None = None  # the content files, brought up to date from the changed paths
    edited: frozenset[str] | None = None  # slugs of the briefings edited, before and after; None: anything else
    moved: bool = False  # whether those edits may have moved briefings in lists (see scope.move_scope)
    rows: Rows = field(default_factory=dict)  # list rows by card value, for these compiled templates
    sitemap: dict[str, str] = field(default_factory=dict)  # site path -> last-modified date (pages.sitemap_dates)
    cards: dict[str, BriefingCard] = field(default_factory=dict)  # by slug, for a rebuild that keeps most
    card_digests: dict[int, tuple[object, bytes]] = field(default_factory=dict)  # theirs, made for page digests


@dataclass(frozen=True)
class RenderedSite:
    """A site in memory: the files to write (path → bytes), every file it has, and the graph."""

    files: dict[str, bytes]
    all_files: frozenset[str]
    pages: int
    graph: SiteGraph
    memo: BuildMemo
    skipped: int = 0  # pages whose inputs were unchanged, so their files stand as they are
    bodies: BodyReport = field(default_factory=BodyReport)
    scoped: bool = False  # only the pages an edit to briefings can change were planned (see scope.py)


@dataclass(frozen=True)
class BuildResult:
    """What a build did."""

    out_dir: Path
    pages: int
    files: int
    report: WriteReport
    seconds: float
    skipped: int = 0  # pages not rendered again because their inputs were unchanged
    bodies: BodyReport = field(default_factory=BodyReport)
    cache: CacheStats = field(default_factory=CacheStats)
    up_to_date: bool = False  # inputs and output were as the last build left them: nothing was done
    search: IndexReport | None = None  # None when search is off or left to the caller (dev server)


@dataclass(frozen=True)
class BuildOptions:
    """Per-run choices from the command line."""

    drafts: bool = False
    base_url: str | None = None
    out_dir: Path | None = None
    cache: bool = True  # keep parsed files, rendered bodies and page digests in <site>/.cache between builds
    incremental: bool = False  # rebuild() will follow (the dev server): never skip the first build as up to date
    fingerprint: bool | None = None  # None: as config says; the dev server turns it off
    index_search: bool = True  # the dev server indexes off the request path instead (see server.py)
    # No rebuild() follows (the `build` and `check` commands): each briefing's markdown is let go once its
    # body is rendered, a quarter of a large build's memory; a rebuild() after all then builds everything.
    one_shot: bool = False
    # Processes that render bodies and pages, this one included; None: one per core. 1 renders everything
    # here: the least memory, and what a profiler sees.
    jobs: int | None = None


def load_site_config(root: Path, options: BuildOptions) -> Config:
    """Config with command-line overrides applied."""
    config = load_config(root)
    if options.base_url:
        config = config.with_overrides(base_url=options.base_url)
    if options.fingerprint is not None:
        config = config.with_overrides(fingerprint=options.fingerprint)
    if config.theme not in available_themes():
        raise ContentError([Diagnostic(SourceLocation("config.yaml"), f"unknown theme {config.theme!r}",
                                       did_you_mean(config.theme, available_themes()))])
    return config


def _model_keys(config: Config, rels: Iterable[str]) -> dict[str, bytes]:
    """Cache keys of content files: their bytes plus the config that parsing reads (types, timezone)."""
    salt = digest("model", repr(config))
    keys = {}
    for rel in rels:
        try:
            keys[rel] = digest(salt, rel, (config.root / rel).read_bytes())
        except OSError:
            continue  # loading reports it with the file name
    return keys


def load_and_link(config: Config, drafts: bool, memo: BuildMemo | None = None, changed: Iterable[str] = (),
                  cache: BuildCache | None = None, progress: Progress | None = None, keep_text: bool = True,
                  detail: bool = False, jobs: int | None = None) -> tuple[Content, SiteGraph, BodyReport]:
    """Load, validate and link all content; raises ContentError listing every problem found.

    With `detail`, bodies keep the plain text of their blocks and their mentions, for analysis
    (`RenderedBody.detail`); a build leaves them out. `jobs` caps the processes rendering bodies.

    With a memo, files not in `changed` are taken from it instead of being read again; other files
    come from the disk cache when their bytes are unchanged. The memo is updated in place only on
    success; its `edited` tells whether the graph was patched for text-only edits.
    """
    root = config.root
    previous = memo or BuildMemo()
    cache = cache or BuildCache.disabled()
    stale = set(changed)
    diagnostics = Diagnostics()
    files = (refresh(previous.files_found, root, stale, config.output_dir) if previous.files_found else None
             ) or discover(root, config.output_dir)
    reuse = {rel: m for rel, m in previous.models.items() if rel not in stale}
    keys = _model_keys(config, (rel for group in (files.briefings, files.actors, files.topics, files.pages)
                                for rel in group if rel not in reuse))
    stored = cache.get_many(keys.values())
    reuse.update((rel, stored[key]) for rel, key in keys.items() if key in stored)
    content, models = load_content(root, files, config, diagnostics, drafts=drafts, reuse=reuse,
                                   processes=processes(jobs))
    for rel, key in keys.items():
        if key not in stored and rel in models:
            cache.put(key, models[rel])
    check_slugs(content, diagnostics)
    if previous.matcher is not None and _same_actors(previous.models, content):
        # The last good build checked every reference and alias against these very actor models: only
        # files read again can bring a new problem, and the alias registry stands.
        fresh = tuple(b for b in content.briefings if previous.models.get(b.path) is not b)
        check_references(Content(fresh, (), (), ()), diagnostics, {a.id for a in content.actors})  # ids are file names
        matcher = previous.matcher
    else:
        check_references(content, diagnostics, {PurePosixPath(rel).stem for rel in files.actors})
        matcher = build_registry(content.actors, config.mentions, diagnostics, previous.matcher)
    diagnostics.raise_if_any()
    same_registry = previous.matcher is matcher
    step = (progress or Progress.silent()).stage("bodies", len(content.briefings) + len(content.pages))
    bodies, page_bodies, body_memo, report = render_changed_bodies(
        config, content, matcher, previous.bodies if same_registry else {}, stale, cache, step.advance, detail,
        jobs)
    step.done()
    if not keep_text:
        content, models = _without_text(content, models)
        release_freed()  # the markdown just let go, a quarter of a big build's memory, before the graph takes more
    content_changes = {rel for rel in stale if classify(rel, config.output_dir) in CONTENT_KINDS}
    last = previous.graph if same_registry else None
    changes = briefing_edits(previous.models, models, content_changes) if last is not None else None
    edits = text_edits(changes) if changes is not None else None
    patch = relinkable(last, edits, bodies) if edits is not None and last is not None else None
    derived = DerivedMemo(previous.derived, cache, carry=patch is not None)
    edited: frozenset[str] | None = None
    if patch is not None and last is not None:
        graph, edited = relink_bodies(last, patch), frozenset(patch)
    elif changes is not None and last is not None:  # the slugs of every side: those that went, those that came
        edited = frozenset(b.slug for pair in changes.values() for b in pair if b is not None)
        graph = relink_briefings(last, content, bodies, page_bodies, edited, derived)
    else:
        graph = build_graph(content, bodies, page_bodies, derived)
    if memo is not None:
        memo.models, memo.bodies, memo.matcher, memo.derived = models, body_memo, matcher, derived
        memo.files_found, memo.edited, memo.moved = files, edited, edited is not None and patch is None
    return content, graph, report


def _without_text(content: Content, models: dict[str, Model]) -> tuple[Content, dict[str, Model]]:
    """Briefings without their markdown, for a build that will not compare texts again (the cache keeps it)."""
    bare = {b.path: replace(b, body="") for b in content.briefings}
    briefings = tuple(bare[b.path] for b in content.briefings)
    return (Content(briefings, content.actors, content.topics, content.pages),
            {rel: bare.get(rel, model) for rel, model in models.items()})


def _same_actors(models: Mapping[str, Model], content: Content) -> bool:
    """Whether every actor is the model object the last build had, and none was added or removed."""
    return (all(models.get(a.path) is a for a in content.actors)
            and sum(isinstance(m, Actor) for m in models.values()) == len(content.actors))


@dataclass(frozen=True)
class StoredPage:
    """A page as the last build on disk left it: its input digest and the file's size and mtime."""

    digest: bytes
    size: int
    mtime_ns: int


def stored_pages_key(out_dir: Path) -> bytes:
    """Cache key of the page digests of one output folder (`-o` elsewhere keeps its own)."""
    return digest("pages", str(out_dir.resolve()))


def _unchanged_on_disk(path: Path, stored: StoredPage | None, wanted: bytes) -> bool:
    if stored is None or stored.digest != wanted:
        return False
    try:
        stat = path.stat()
    except OSError:
        return False
    return stat.st_size == stored.size and stat.st_mtime_ns == stored.mtime_ns


def render_site(config: Config, drafts: bool = False, build_time: datetime | None = None,
                memo: BuildMemo | None = None, changed: Iterable[str] = (), out_dir: Path | None = None,
                cache: BuildCache | None = None, progress: Progress | None = None, sink: Sink | None = None,
                keep_text: bool = True, jobs: int | None = None) -> RenderedSite:
    """Render pages and gather static files in memory; raises SiteError with every problem found.

    With a memo from the previous good build, a page whose template inputs are equal to last time
    (and whose templates did not change) is not rendered again: its file already holds those bytes.
    The disk cache does the same across processes, as long as the file is as the last build left it.
    Files go to `sink` (staging on disk for builds); without one they are kept in memory, in `files`.
    """
    memory = MemorySink()
    sink = sink or memory
    changed = set(changed)
    cache = cache or BuildCache.disabled()
    progress = progress or Progress.silent()
    working = BuildMemo(**vars(memo)) if memo is not None else BuildMemo()
    _, graph, body_report = load_and_link(config, drafts, working, changed, cache, progress, keep_text, jobs=jobs)
    when = build_time or epoch_time(os.environ.get("SOURCE_DATE_EPOCH"))
    touched = {rel.removeprefix("templates/") for rel in changed if classify(rel, config.output_dir) is Kind.TEMPLATE}
    # Compiling every template costs more than a small rebuild; keep them until one changes.
    templates = (memo.templates if memo is not None and memo.templates is not None and not touched
                 else Templates(config.root, config.theme))
    site = site_view(config, graph)
    out_dir = out_dir or config.root / config.output_dir
    diagnostics = Diagnostics()
    # Hashed asset names are known before any page renders: url() maps them, so they salt every page digest.
    sources = static_files(config)
    if config.search.enabled:  # the index replaces that folder whole: a file of the site's would be lost
        for rel in sorted(r for r in sources if r.split("/", 1)[0] == BUNDLE_DIR):
            diagnostics.error(SourceLocation(f"static/{rel}"), f"{BUNDLE_DIR}/ is reserved for the search index",
                              f"move the file out of static/{BUNDLE_DIR}/, or turn search off")
    assets = prepare_assets(sources, config.fingerprint, diagnostics)
    salt = digest(templates.source_key(), __version__, repr(assets.key))
    scope, carried = (_scope(config, memo, working, graph) if memo is not None and memo.salt == salt and not touched
                      else (None, {}))
    presenter = Presenter(config, graph, carried)
    specs = list(plan_pages(config, graph, when, scope, presenter))
    stored: dict[str, StoredPage] = (cache.get(stored_pages_key(out_dir)) or {}) if memo is None else {}

    def skip(out: str, spec: PageSpec, wanted: bytes) -> bool:
        if memo is not None:
            return (memo.pages.get(out) == wanted and out in memo.files
                    and not templates.uses(spec.template, touched) and (out_dir / out).exists())
        return _unchanged_on_disk(out_dir / out, stored.get(out), wanted)

    # Rows recorded by earlier builds stay good while the compiled templates do (see FragmentCache).
    rows = (memo.rows if memo is not None and templates is memo.templates else {}) if keep_text else None
    renderer = PageRenderer(config, templates, site, salt, skip, assets.names, rows,
                            digested=keep_text or cache.path is not None,
                            known=memo.card_digests if carried and memo is not None else None)
    step = progress.stage("pages", len(specs))
    pages = renderer.render_all(specs, sink, step, processes(jobs) if memo is None else 1)
    step.done()
    digests, dates = pages.digests, sitemap_dates(specs)
    files: dict[str, bytes] = {}
    diagnostics.extend({d.format(): d for d in pages.errors}.values())  # workers may each meet one error
    kept: frozenset[str] = frozenset()  # files of the last build that stand as they are
    if scope is not None and memo is not None:  # the other pages, and robots.txt, stand as the last build left them
        gone = frozenset(output_file(url) for url in scope.gone)
        digests = {rel: d for rel, d in {**memo.pages, **digests}.items() if rel not in gone}
        dates = {url: d for url, d in {**memo.sitemap, **dates}.items() if url not in scope.gone}
        kept = memo.files - gone
    skipped = pages.skipped + len(digests) - len(pages.digests)
    if not diagnostics and (scope is None or scope.sitemap):
        try:
            files.update(_sitemap(config, templates, site, dates, robots=scope is None))
        except TemplateFailure as exc:
            diagnostics.extend(exc.diagnostics)
    diagnostics.raise_if_any(TemplateFailure)
    static = assets.files
    all_files = frozenset(digests) | frozenset(files) | frozenset(static) | kept
    for rel in sorted(set(static) & (set(digests) | set(files))):
        diagnostics.error(SourceLocation(f"static/{rel}"), f"static file would overwrite the generated page {rel}",
                          "rename or move the static file")
    diagnostics.raise_if_any()
    files.update(static)
    for rel in sorted(files):
        sink.add(rel, files[rel])
    working.pages, working.files, working.templates, working.sitemap = digests, all_files, templates, dates
    working.rows = renderer.fragments.carry() or {}
    if keep_text:
        working.cards = presenter.made_cards()
        working.card_digests = renderer.inputs.known(working.cards.values())
    working.graph, working.salt = graph, salt
    return RenderedSite(memory.files, all_files, len(specs), graph, working, skipped, body_report,
                        scoped=scope is not None)


def _scope(config: Config, memo: BuildMemo, working: BuildMemo,
           graph: SiteGraph) -> tuple[Scope | None, dict[str, BriefingCard]]:
    """The pages an edit to briefings can change (None: plan them all), and the cards it left as they were.

    Only for the same templates and assets as the last build; the caller checks that.
    """
    if memo.graph is None or working.edited is None:
        return None, {}
    scope = (move_scope if working.moved else edit_scope)(config, memo.graph, graph, working.edited)
    # The edit changed only the cards of the briefings it edited: the others stand, with their digests.
    return scope, {slug: card for slug, card in memo.cards.items() if slug not in working.edited}


def _sitemap(config: Config, templates: Templates, site: SiteView, dates: Mapping[str, str],
             robots: bool) -> dict[str, bytes]:
    """sitemap.xml from the pages' last-modified dates, and robots.txt when asked; raises TemplateFailure."""
    base = {"site": site, "url": lambda t: t}
    files = {"sitemap.xml": templates.render("sitemap.xml", {**base, "entries": sitemap_entries(config, dates)})}
    if robots:
        files["robots.txt"] = templates.render("robots.txt", {**base, "sitemap_url": config.base_url + "sitemap.xml"})
    return {rel: text.encode("utf-8") for rel, text in files.items()}


def store_pages(cache: BuildCache, out_dir: Path, digests: Mapping[str, bytes],
                stats: Mapping[str, tuple[int, int]]) -> None:
    """Remember each written page's input digest with its file's size and mtime, for the next process."""
    stored = {rel: StoredPage(wanted, *stats[rel]) for rel, wanted in digests.items() if rel in stats}
    cache.put(stored_pages_key(out_dir), stored)


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

    def __init__(self, root: Path, options: BuildOptions | None = None, progress: Progress | None = None) -> None:
        self.root = root
        self.options = options or BuildOptions()
        self.progress = progress or Progress.silent()
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
        cache = BuildCache.open(self.root) if self.options.cache else BuildCache.disabled()
        full = self._memo is None
        try:
            inputs = inputs_digest(config, self.options.drafts) if self._memo is None and cache.path else b""
            state = cache.get(state_key(out)) if inputs and not self.options.incremental else None
            if isinstance(state, SiteState) and is_current(state, inputs, out):
                # A warm build of unchanged inputs into untouched output: the files are already right.
                self._config, self._memo = config, None
                report = WriteReport((), len(state.outputs), ())
                return BuildResult(out, state.pages, state.files, report, time.perf_counter() - started,
                                   state.pages, BodyReport(), cache.stats, up_to_date=True)
            staging = Staging(out, unchanged=0)
            try:
                rendered = render_site(config, drafts=self.options.drafts, memo=self._memo, changed=changed,
                                       out_dir=out, cache=cache, progress=self.progress, sink=staging,
                                       keep_text=not self.options.one_shot, jobs=self.options.jobs)
            except BaseException:
                staging.abort()
                raise
            staging.unchanged += rendered.skipped
            report = staging.commit(rendered.all_files)
            # Thousands of stats and digests cost more than a rebuild's own work, so only full builds store
            # them. Left as the full build stored them, the entry of a file a rebuild rewrote no longer
            # matches its size and mtime: the next process renders that page again and skips the rest.
            stats: dict[str, tuple[int, int]] = {}
            if full:
                stats = output_stats(out, sorted(rendered.all_files | {MANIFEST}))  # one stat per file, for both
                store_pages(cache, out, rendered.memo.pages, stats)
            # Without the texts a rebuild could not tell what changed: a one-shot builder starts afresh.
            self._config, self._memo = config, None if self.options.one_shot else rendered.memo
            self._pending.clear()
            if self._memo is not None and not rendered.scoped and rendered.pages >= SETTLE_PAGES:
                settle()  # the state just replaced goes, the state kept is left out of later collections
            # After the pages are written: Pagefind reads them from disk. A failure raises, keeping the old
            # index, and before the state below is saved, so the next build does not take itself as up to date.
            search = (index_site(out, keep_index_url=config.relative_urls)
                      if config.search.enabled and self.options.index_search else None)
            if inputs:
                outputs = {**stats, **output_stats(out, [SEARCH_ENTRY])}
                cache.put(state_key(out), SiteState(inputs, outputs, rendered.pages, len(rendered.all_files)))
            cache.save(prune=full)
        finally:
            cache.close()
        return BuildResult(out, rendered.pages, len(rendered.all_files), report, time.perf_counter() - started,
                           rendered.skipped, rendered.bodies, cache.stats, search=search)

    def check(self) -> RenderedSite:
        """Validate and render without writing anything."""
        return render_site(load_site_config(self.root, self.options), drafts=self.options.drafts)


__all__ = ["BuildMemo", "BuildOptions", "BuildResult", "Builder", "RenderedSite", "SiteError", "render_site"]
