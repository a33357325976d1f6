"""One build of a site as named steps that run in order: load, bodies, link, plan, render.

`Build` knows the stage order and nothing else: each step calls one package and leaves its
result in a field that later steps read. Writing the files and indexing them for search follow
in `site_builder.build.builder`, which also carries the memo from one build to the next.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Mapping, Set
from dataclasses import dataclass, field, replace
from datetime import datetime
from pathlib import Path, PurePosixPath

from site_builder import __version__
from site_builder.actors.matcher import Matcher, build_registry
from site_builder.bodies.packed import RenderedBody
from site_builder.bodies.rendering import processes
from site_builder.content.estimative_lint import lint_briefings, vocabulary
from site_builder.content.loader import Model, is_embargoed, load_content
from site_builder.core.cancel import CancelToken
from site_builder.core.clock import build_clock
from site_builder.core.config import Config
from site_builder.core.errors import Diagnostic, Diagnostics, SiteError, SourceLocation, TemplateFailure
from site_builder.core.keys import digest
from site_builder.core.models import Actor, Briefing, Content
from site_builder.core.output_writer import MANIFEST, MemorySink, Sink
from site_builder.core.processes import release_freed
from site_builder.core.progress import Progress
from site_builder.core.site_files import Kind, SiteFiles, classify, discover, refresh, walk_files
from site_builder.core.urls import output_file
from site_builder.graph.site_graph import SiteGraph, build_graph, check_references, check_slugs
from site_builder.incremental.bodies import BodyReport, render_changed_bodies
from site_builder.incremental.briefing_edits import briefing_edits, relinkable, text_edits
from site_builder.incremental.derived_memo import DerivedMemo
from site_builder.incremental.memo import BuildMemo, StoredPage, stored_pages, unchanged_on_disk
from site_builder.incremental.relink import relink_bodies, relink_briefings
from site_builder.incremental.scope import edit_scope, move_scope
from site_builder.incremental.store import DiskStore
from site_builder.render.assets import Assets, prepare_assets
from site_builder.render.page_plan import (
    PageSpec,
    Scope,
    epoch_time,
    grades_sources,
    has_judgments,
    plan_pages,
    site_view,
    sitemap_dates,
    sitemap_entries,
)
from site_builder.render.page_renderer import PageRenderer
from site_builder.render.presenter import Presenter
from site_builder.render.templates import Templates, theme_dir
from site_builder.render.views import BriefingCard, SiteView
from site_builder.search.pagefind import BUNDLE_DIR

CONTENT_KINDS = (Kind.BRIEFING, Kind.ACTOR, Kind.TOPIC, Kind.PAGE)  # files that make models


@dataclass(frozen=True)
class RenderedSite:
    """A site rendered: the files kept in memory (path → bytes), every file it has, and the graph."""

    files: dict[str, bytes]
    all_files: frozenset[str]
    pages: int
    graph: SiteGraph
    memo: BuildMemo
    skipped: int = 0  # pages whose inputs were unchanged, so their files stand as they are
    bodies: BodyReport = field(default_factory=BodyReport)
    scoped: bool = False  # only the pages an edit to briefings can change were planned (see incremental/scope.py)
    warnings: tuple[Diagnostic, ...] = ()  # input that was not used as its author may think
    embargo_ends: datetime | None = None  # when the first briefing this build left out under embargo is due
    embargoed: tuple[tuple[str, datetime], ...] = ()  # (path, publish_at) of every briefing under embargo


class Build:
    """One build of one site: construct it with what kind of build it is, then run the steps in order.

    `memo` is the last good build's, or None for a build from scratch; it is never changed. The
    build fills `self.memo`, a copy, which the caller keeps for the next build if this one succeeds.
    `changed` lists the site-relative paths that changed since that memo. With `keep_text` off the
    briefings' markdown is let go once bodies are rendered (no rebuild follows). With `detail`, bodies
    keep the plain text of their blocks and their mentions, for analysis. `jobs` caps the processes.
    Every step raises SiteError listing every problem it found.

    `cancel` stops the build: each step checks it when it starts and while it reads files, renders
    bodies or renders pages, and raises Interrupted at the first check after a stop was asked for.
    Nothing a build does before `render` returns shows in the output folder (pages go to a staging
    sink), so a cancelled build leaves the output as it was.
    """

    def __init__(self, config: Config, *, drafts: bool = False, memo: BuildMemo | None = None,
                 changed: Iterable[str] = (), store: DiskStore | None = None, progress: Progress | None = None,
                 keep_text: bool = True, detail: bool = False, jobs: int | None = None, out_dir: Path | None = None,
                 build_time: datetime | None = None, strict: bool = False, future: bool = False,
                 clock: datetime | None = None, lint: bool = False, cancel: CancelToken | None = None) -> None:
        self.config = config
        self.drafts = drafts
        self.last = memo
        self.changed = set(changed)
        self.store = store or DiskStore.disabled()
        self.progress = progress or Progress.silent()
        self.keep_text = keep_text
        self.detail = detail
        self.jobs = jobs
        self.out_dir = out_dir or config.root / config.output_dir
        self.build_time = build_time or epoch_time(os.environ.get("SOURCE_DATE_EPOCH"))
        self.memo = BuildMemo(**vars(memo)) if memo is not None else BuildMemo()
        self.strict = strict or config.strict  # warnings fail the build
        self.future = future  # embargoed briefings are built too
        self.clock = clock or build_clock()  # when embargoes end (core/clock.py)
        self.embargo_ends: datetime | None = None  # the first embargo left out of this build ends then
        self.embargoed: tuple[tuple[str, datetime], ...] = ()  # (path, publish_at) of briefings under embargo
        self.lint = lint  # run the estimative-language lint as warnings, unless config turns it off
        self.cancel = cancel or CancelToken()
        # Filled by the steps, in order.
        self.content = Content((), (), (), ())
        self.models: dict[str, Model] = {}
        self.files_found: SiteFiles | None = None
        self.matcher: Matcher | None = None
        self.bodies: dict[str, RenderedBody] = {}
        self.page_bodies: dict[str, RenderedBody] = {}
        self.body_report = BodyReport()
        self.graph: SiteGraph | None = None
        self.templates: Templates | None = None
        self.site: SiteView | None = None
        self.assets: Assets | None = None
        self.salt = b""
        self.scope: Scope | None = None
        self.presenter: Presenter | None = None
        self.specs: list[PageSpec] = []
        self.touched_templates: set[str] = set()
        self.diagnostics = Diagnostics()  # problems of plan and render, raised together once pages are rendered
        self.warnings: list[Diagnostic] = []  # from loading: files not read, keys that look like typos

    def render_site(self, sink: Sink | None = None, planned: Callable[[Build], None] | None = None) -> RenderedSite:
        """Every step up to rendered pages; files go to `sink`, or stay in memory in the result.

        `planned` is called with this build between plan and render (the dev server's builder puts the
        open pages in place then, see `render_first`). A SiteError raised by any step carries the
        warnings found before it (none when strict: they are among its errors then).
        """
        memory = MemorySink()
        try:
            self.link()
            self.plan()
            if planned is not None:
                planned(self)
            return self.render(sink or memory, memory)
        except SiteError as exc:
            exc.with_warnings(() if self.strict else self.warnings)
            raise

    def link(self) -> SiteGraph:
        """Load, render bodies and link: the site graph, as the rest of the build and analyses read it."""
        self.load()
        self.render_bodies()
        return self.link_graph()

    # -- the steps -------------------------------------------------------------------------------

    def load(self) -> None:
        """Read and validate every content file, taking unchanged ones from the memo or the store, and
        build the alias matcher."""
        self.cancel.check()
        config, previous = self.config, self.memo
        diagnostics = Diagnostics()
        files = (refresh(previous.files_found, config.root, self.changed, config.output_dir)
                 if previous.files_found else None) or discover(config.root, config.output_dir)
        reuse = {rel: m for rel, m in previous.models.items() if rel not in self.changed}
        keys = _model_keys(config, (rel for group in (files.briefings, files.actors, files.topics, files.pages)
                                    for rel in group if rel not in reuse), self.cancel)
        stored = self.store.get_many(keys.values())
        reuse.update((rel, stored[key]) for rel, key in keys.items() if key in stored)
        self.cancel.check()
        content, models = load_content(config.root, files, config, diagnostics, drafts=self.drafts, reuse=reuse,
                                       processes=processes(self.jobs), now=None if self.future else self.clock,
                                       cancel=self.cancel)
        self.embargoed = tuple(sorted((m.path, m.publish_at) for m in models.values()
                                      if isinstance(m, Briefing) and m.publish_at and is_embargoed(m, self.clock)))
        self.embargo_ends = min((when for _, when in self.embargoed), default=None)
        for rel, key in keys.items():
            if key not in stored and rel in models:
                self.store.put(key, models[rel])
        self.cancel.check()
        check_slugs(content, diagnostics)
        if previous.matcher is not None and _same_actors(previous.models, content):
            # The last good build checked every reference and alias against these very actor models: only
            # files read again can bring a new problem, and the alias registry stands.
            fresh = tuple(b for b in content.briefings if previous.models.get(b.path) is not b)
            check_references(Content(fresh, (), (), ()), diagnostics, {a.id for a in content.actors})
            matcher = previous.matcher
        else:
            check_references(content, diagnostics, {PurePosixPath(rel).stem for rel in files.actors})
            matcher = build_registry(content.actors, config.mentions, diagnostics, previous.matcher)
        self.warnings = [*config.warnings, *files.unread, *diagnostics.warnings]
        self._lint(content, previous.models, diagnostics)
        if not files.briefings:
            self.warnings.append(Diagnostic(SourceLocation("content/briefings/"), "the site has no briefings",
                                            "add .md files to content/briefings/, or run site-builder ingest",
                                            "warning"))
        # Strict: each warning is an error. Otherwise a failure carries them, to be reported with its errors.
        diagnostics.warnings = [] if self.strict else list(self.warnings)
        if self.strict:
            diagnostics.extend(w.as_error() for w in self.warnings)
        diagnostics.raise_if_any()
        self.content, self.models, self.files_found, self.matcher = content, models, files, matcher

    def _lint(self, content: Content, last: Mapping[str, Model], diagnostics: Diagnostics) -> None:
        """The estimative-language lint (content/estimative_lint.py): errors with `tradecraft.lint: error`,
        warnings when asked for (`check`). A rebuild lints the briefings read again: the others passed."""
        mode = self.config.tradecraft.lint
        if mode == "off" or (mode == "warn" and not self.lint):
            return
        fresh = [b for b in content.briefings if last.get(b.path) is not b]
        findings = lint_briefings(fresh, vocabulary(self.config.tradecraft), "error" if mode == "error" else "warning")
        if mode == "error":
            diagnostics.extend(findings)
        else:
            self.warnings += findings

    def render_bodies(self) -> None:
        """Every briefing and page body as HTML with its mentions; unchanged ones come from the memo or store."""
        assert self.matcher is not None, "load() first"
        self.cancel.check()
        same_registry = self.memo.matcher is self.matcher
        step = self.progress.stage("bodies", len(self.content.briefings) + len(self.content.pages), self.cancel)
        self.bodies, self.page_bodies, self.memo.bodies, self.body_report = render_changed_bodies(
            self.config, self.content, self.matcher, self.memo.bodies if same_registry else {}, self.changed,
            self.store, step.advance, self.detail, self.jobs)
        step.done()
        if not self.keep_text:
            self.content, self.models = _without_text(self.content, self.models)
            release_freed()  # the markdown just let go, much of a big build's memory, before the graph takes more

    def link_graph(self) -> SiteGraph:
        """Resolve references into the site graph: patched from the last build's after edits it can
        follow, else linked whole."""
        self.cancel.check()
        memo, config = self.memo, self.config
        content_changes = {rel for rel in self.changed if classify(rel, config.output_dir) in CONTENT_KINDS}
        last = memo.graph if memo.matcher is self.matcher else None
        changes = briefing_edits(memo.models, self.models, content_changes) if last is not None else None
        edits = text_edits(changes) if changes is not None else None
        patch = relinkable(last, edits, self.bodies) if edits is not None and last is not None else None
        derived = DerivedMemo(memo.derived, self.store, carry=patch is not None)
        edited: frozenset[str] | None = None
        if patch is not None and last is not None:
            graph, edited = relink_bodies(last, patch), frozenset(patch)
        elif changes is not None and last is not None:  # the slugs of every side: those that went, those that came
            edited = frozenset(b.slug for pair in changes.values() for b in pair if b is not None)
            graph = relink_briefings(last, self.content, self.bodies, self.page_bodies, edited, derived)
        else:
            graph = build_graph(self.content, self.bodies, self.page_bodies, derived, self.cancel.check)
        memo.models, memo.matcher, memo.derived = self.models, self.matcher, derived
        memo.files_found, memo.edited, memo.moved = self.files_found, edited, edited is not None and patch is None
        self.graph = graph
        return graph

    def plan(self) -> None:
        """Templates, assets and the page plan: every page, or after an edit only the pages it can change."""
        assert self.graph is not None, "link() first"
        self.cancel.check()
        config, last = self.config, self.last
        self.touched_templates = {rel.removeprefix("templates/") for rel in self.changed
                                  if classify(rel, config.output_dir) is Kind.TEMPLATE}
        # Compiling every template costs more than a small rebuild; keep them until one changes.
        self.templates = (last.templates if last is not None and last.templates is not None
                          and not self.touched_templates else Templates(config.root, config.theme, config.strings))
        self.site = site_view(config, self.graph)
        diagnostics = self.diagnostics
        # Hashed asset names are known before any page renders: url() maps them, so they salt every page key.
        sources = static_files(config)
        if config.search.enabled:  # the index replaces that folder whole: a file of the site's would be lost
            for rel in sorted(r for r in sources if r.split("/", 1)[0] == BUNDLE_DIR):
                diagnostics.error(SourceLocation(f"static/{rel}"), f"{BUNDLE_DIR}/ is reserved for the search index",
                                  f"move the file out of static/{BUNDLE_DIR}/, or turn search off")
        self.assets = prepare_assets(sources, config.fingerprint, diagnostics)
        self.salt = digest(self.templates.source_key(), __version__, repr(self.assets.key))
        carried: dict[str, BriefingCard] = {}
        if last is not None and last.salt == self.salt and not self.touched_templates:
            self.scope, carried = self._scope(last)
        self.presenter = Presenter(config, self.graph, carried, clock=self.clock)
        self.specs = list(plan_pages(config, self.graph, self.build_time, self.scope, self.presenter))

    def planned_files(self, wanted: Set[str]) -> frozenset[str]:
        """Which of the output files `wanted` are pages of this build's plan."""
        return frozenset(rel for rel in (output_file(spec.url) for spec in self.specs) if rel in wanted)

    def unfinished(self, done: Set[str]) -> frozenset[str]:
        """The output files that `render` and the commit after it may still write or remove, besides `done`:
        the planned pages, the sitemap when it is rendered, and the files of the last build that no page
        makes any more."""
        assert self.assets is not None, "plan() first"
        planned = frozenset(output_file(spec.url) for spec in self.specs)
        if self.scope is not None:
            gone = frozenset(output_file(url) for url in self.scope.gone)
            extra = frozenset({"sitemap.xml"} if self.scope.sitemap else ())
        else:
            gone = (self.last.files if self.last is not None else frozenset()) - planned - frozenset(self.assets.files)
            extra = frozenset({"sitemap.xml", "robots.txt"})
        return (planned | gone | extra) - done

    def render_first(self, outputs: Set[str], sink: Sink) -> bool:
        """Render the planned pages whose output file is in `outputs`, and the static files, into `sink`, before
        `render` renders every page (these again, to the same bytes, so they are not staged twice).

        Returns whether it did. Raises what `render` would for a problem of the plan or a template that
        fails on these pages; a static file that would overwrite a generated page is left to `render` to
        report, and nothing is added (False).
        """
        assert self.assets is not None, "plan() first"
        self.cancel.check()
        self.diagnostics.raise_if_any()
        static = self.assets.files
        pages = [spec for spec in self.specs if output_file(spec.url) in outputs]
        made = {output_file(spec.url) for spec in self.specs} | (set(self.last.pages) if self.last else set())
        if not made.isdisjoint(static):
            return False
        rendered = self._renderer().render(pages, sink)
        if rendered.errors:
            raise TemplateFailure({d.format(): d for d in rendered.errors}.values(), self.diagnostics.warnings)
        for rel in sorted(static):
            sink.add(rel, static[rel])
        return True

    def _renderer(self) -> PageRenderer:
        """The page renderer of this build: pages whose key is unchanged and whose file stands as the last
        build left it are skipped."""
        assert self.templates is not None and self.site is not None and self.assets is not None, "plan() first"
        config, last, out_dir, templates = self.config, self.last, self.out_dir, self.templates
        touched = self.touched_templates
        stored: dict[str, StoredPage] = stored_pages(self.store, out_dir) if last is None else {}

        def skip(out: str, spec: PageSpec, wanted: bytes) -> bool:
            if last is not None:
                return (last.pages.get(out) == wanted and out in last.files
                        and not templates.uses(spec.template, touched) and (out_dir / out).exists())
            return unchanged_on_disk(out_dir / out, stored.get(out), wanted)

        # Rows recorded by earlier builds stay good while the compiled templates do (see list_rows.py).
        rows = (last.rows if last is not None and templates is last.templates else {}) if self.keep_text else None
        carried = self.scope is not None and last is not None
        return PageRenderer(config, templates, self.site, self.salt, skip, self.assets.names, rows,
                            digested=self.keep_text or self.store.path is not None,
                            known=last.card_digests if carried and last is not None else None)

    def render(self, sink: Sink, memory: MemorySink | None = None) -> RenderedSite:
        """Render the planned pages, the sitemap and static files into `sink`; pages whose key is unchanged
        and whose file stands as the last build left it are skipped."""
        assert self.templates is not None and self.site is not None and self.assets is not None
        assert self.graph is not None and self.presenter is not None, "plan() first"
        self.cancel.check()
        config, last, templates = self.config, self.last, self.templates
        diagnostics = self.diagnostics
        renderer = self._renderer()
        step = self.progress.stage("pages", len(self.specs), self.cancel)
        pages = renderer.render_all(self.specs, sink, step, processes(self.jobs) if last is None else 1)
        step.done()
        keys, dates = pages.digests, sitemap_dates(self.specs)
        files: dict[str, bytes] = {}
        diagnostics.extend({d.format(): d for d in pages.errors}.values())  # workers may each meet one error
        kept: frozenset[str] = frozenset()  # files of the last build that stand as they are
        if self.scope is not None and last is not None:  # the other pages, and robots.txt, stand as they were
            gone = frozenset(output_file(url) for url in self.scope.gone)
            keys = {rel: d for rel, d in {**last.pages, **keys}.items() if rel not in gone}
            dates = {url: d for url, d in {**last.sitemap, **dates}.items() if url not in self.scope.gone}
            kept = last.files - gone
        skipped = pages.skipped + len(keys) - len(pages.digests)
        if not diagnostics and (self.scope is None or self.scope.sitemap):
            try:
                files.update(_sitemap(config, templates, self.site, dates, robots=self.scope is None))
            except TemplateFailure as exc:
                diagnostics.extend(exc.diagnostics)
        diagnostics.raise_if_any(TemplateFailure)
        static = self.assets.files
        all_files = frozenset(keys) | frozenset(files) | frozenset(static) | kept
        for rel in sorted(set(static) & (set(keys) | set(files))):
            diagnostics.error(SourceLocation(f"static/{rel}"), f"static file would overwrite the generated page {rel}",
                              "rename or move the static file")
        diagnostics.raise_if_any()
        files.update(static)
        for rel in sorted(files):
            sink.add(rel, files[rel])
        memo = self.memo
        memo.pages, memo.files, memo.templates, memo.sitemap = keys, all_files, templates, dates
        memo.rows = renderer.fragments.carry() or {}
        if self.keep_text:
            memo.cards = self.presenter.made_cards()
            memo.card_digests = renderer.inputs.known(memo.cards.values())
        memo.graph, memo.salt = self.graph, self.salt
        return RenderedSite(memory.files if memory is not None else {}, all_files, len(self.specs), self.graph, memo,
                            skipped, self.body_report, scoped=self.scope is not None, warnings=tuple(self.warnings),
                            embargo_ends=None if self.future else self.embargo_ends, embargoed=self.embargoed)

    def _scope(self, last: BuildMemo) -> tuple[Scope | None, dict[str, BriefingCard]]:
        """The pages an edit to briefings can change (None: plan them all), and the cards it left as they were."""
        assert self.graph is not None
        if last.graph is None or self.memo.edited is None or _touches_judgments(last.graph, self.graph, self.memo):
            return None, {}
        scope = (move_scope if self.memo.moved else edit_scope)(self.config, last.graph, self.graph, self.memo.edited)
        # The edit changed only the cards of the briefings it edited: the others stand, with their keys.
        return scope, {slug: card for slug, card in last.cards.items() if slug not in self.memo.edited}


def _touches_judgments(before: SiteGraph, after: SiteGraph, memo: BuildMemo) -> bool:
    """Whether an edit to briefings can change what the analytic pages show: judgment histories, changes and
    drops, and the current assessments on topic and actor pages. Such an edit plans every page (the scoped
    plan of incremental/scope.py knows lists and tallies only); pages whose inputs stand are still skipped.

    That is so when an edited briefing that carries judgments on either side changed them or its title
    (which those pages show), came or went; or when a briefing moved (date, topics, a file come or gone)
    on a site that has judgments; or when an edit started or stopped grading sources, which may bring the
    standards page or take it away. A body edit leaves them as they were.
    """
    for slug in memo.edited or ():
        old, new = before.by_slug.get(slug), after.by_slug.get(slug)
        if (old is not None and grades_sources(old)) != (new is not None and grades_sources(new)):
            return True
        if ((old is not None and old.judgments) or (new is not None and new.judgments)) and (
                old is None or new is None or old.judgments != new.judgments or old.title != new.title):
            return True
    return memo.moved and (has_judgments(before) or has_judgments(after))


def _model_keys(config: Config, rels: Iterable[str], cancel: CancelToken) -> dict[str, bytes]:
    """Keys of content files: their bytes plus the config that parsing reads (types, timezone)."""
    salt = digest("model", repr(config))
    keys = {}
    for rel in rels:
        cancel.check()
        try:
            keys[rel] = digest(salt, rel, (config.root / rel).read_bytes())
        except OSError:
            continue  # loading reports it with the file name
    return keys


def _without_text(content: Content, models: dict[str, Model]) -> tuple[Content, dict[str, Model]]:
    """Briefings without their markdown, for a build that will not compare texts again (the store keeps it)."""
    bare = {b.path: replace(b, body="") for b in content.briefings}
    briefings = tuple(bare[b.path] for b in content.briefings)
    return (Content(briefings, content.actors, content.topics, content.pages),
            {rel: bare.get(rel, model) for rel, model in models.items()})


def _same_actors(models: Mapping[str, Model], content: Content) -> bool:
    """Whether every actor is the model object the last build had, and none was added or removed."""
    return (all(models.get(a.path) is a for a in content.actors)
            and sum(isinstance(m, Actor) for m in models.values()) == len(content.actors))


def _sitemap(config: Config, templates: Templates, site: SiteView, dates: Mapping[str, str],
             robots: bool) -> dict[str, bytes]:
    """sitemap.xml from the pages' last-modified dates, and robots.txt when asked; raises TemplateFailure."""
    base = {"site": site, "url": lambda t: t}
    files = {"sitemap.xml": templates.render("sitemap.xml", {**base, "entries": sitemap_entries(config, dates)})}
    if robots:
        files["robots.txt"] = templates.render("robots.txt", {**base, "sitemap_url": config.base_url + "sitemap.xml"})
    return {rel: text.encode("utf-8") for rel, text in files.items()}


def static_files(config: Config) -> dict[str, bytes]:
    """Theme assets, then the site's own static/ over them file by file."""
    out: dict[str, bytes] = {}
    for folder in (theme_dir(config.theme) / "static", config.root / "static"):
        for rel in walk_files(folder):
            if rel != MANIFEST:
                out[rel] = (folder / rel).read_bytes()
    return out
