"""Bodies for a build: each taken from the last build's memo or the disk store when its key is unchanged,
the rest rendered.

A body's HTML depends only on its text, its line in the file, the page it sits on, the markdown and
mention settings and the alias registry, so those make its key.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Mapping
from dataclasses import dataclass, replace
from typing import TypeVar

from site_builder.actors.matcher import Matcher
from site_builder.bodies.packed import RenderedBody, pooled
from site_builder.bodies.rendering import BodyRenderer, RenderSettings, body_jobs, render_jobs
from site_builder.core.config import Config
from site_builder.core.keys import digest
from site_builder.core.models import Briefing, Content, Page
from site_builder.incremental.store import DiskStore

MemoEntry = tuple[bytes, RenderedBody]  # (key, body)
T = TypeVar("T", Briefing, Page)


@dataclass(frozen=True)
class BodyReport:
    """How the bodies of one build were obtained, for the build summary."""

    reused: int = 0  # from the previous build in this process
    cached: int = 0  # from the disk store
    rendered: int = 0
    workers: int = 0


def render_bodies(config: Config, content: Content, matcher: Matcher, memo: Mapping[str, MemoEntry],
                  cache: DiskStore, progress: Callable[[int], None] = lambda n: None, detail: bool = False,
                  processes: int | None = None,
                  ) -> tuple[dict[str, RenderedBody], dict[str, RenderedBody], dict[str, MemoEntry], BodyReport]:
    """Bodies of every briefing (by slug) and page (by slug), the memo for the next build, and a report.

    Each body is looked up by key in the previous build's memo, then in the disk cache; the rest
    are rendered, in parallel when there are many. The result never depends on where a body came from.
    With `detail`, bodies keep their block texts and mentions (see RenderedBody.pack). `processes`
    caps the processes rendering (None: one per core).
    """
    settings = RenderSettings(config.markdown, config.mentions.link, config.relative_urls, matcher.registry, detail)
    base = digest(repr(settings.markdown), settings.link_mode, str(settings.index_files), str(detail),
                  matcher.registry_digest)  # bodies rendered with another registry are never reused
    jobs = body_jobs(content)
    keys = [digest(base, job.here, str(job.line), ",".join(job.listed), job.text) for job in jobs]

    found: dict[bytes, RenderedBody] = {}
    for job, key in zip(jobs, keys, strict=True):
        hit = memo.get(job.path)
        if hit is not None and hit[0] == key:
            found[key] = hit[1]
    reused = len(found)
    from_disk = cache.get_many(k for k in keys if k not in found)
    found.update((k, v) for k, v in from_disk.items() if isinstance(v, RenderedBody))
    progress(len(found))

    missing = [(job, key) for job, key in zip(jobs, keys, strict=True) if key not in found]
    missing = list({key: (job, key) for job, key in missing}.values())  # identical bodies render once
    renderer = BodyRenderer(settings, matcher)
    rendered, workers = render_jobs(renderer, [job for job, _ in missing], processes, progress)
    for (_, key), (body, data) in zip(missing, rendered, strict=True):
        found[key] = body
        if data is None:
            cache.put(key, body)
        else:
            cache.put_pickled(key, data)

    moved = pooled(found.values())  # before any page reads them, so forked page workers share them
    found = {key: moved.get(id(body), body) for key, body in found.items()}
    new_memo = {job.path: (key, found[key]) for job, key in zip(jobs, keys, strict=True)}
    n_briefings = len(content.briefings)
    bodies = {b.slug: found[k] for b, k in zip(content.briefings, keys[:n_briefings], strict=True)}
    page_bodies = {p.slug: found[k] for p, k in zip(content.pages, keys[n_briefings:], strict=True)}
    report = BodyReport(reused, len(from_disk), len(missing), workers)
    return bodies, page_bodies, new_memo, report


Bodies = tuple[dict[str, RenderedBody], dict[str, RenderedBody], dict[str, MemoEntry], BodyReport]


def render_changed_bodies(config: Config, content: Content, matcher: Matcher, memo: Mapping[str, MemoEntry],
                          changed: Collection[str], cache: DiskStore, progress: Callable[[int], None],
                          detail: bool = False, processes: int | None = None) -> Bodies:
    """Like render_bodies, but the body of a file that did not change is taken from the memo as it is.

    The memo must come from a build with the same config and alias registry: then an unchanged file
    has the same text, line and page, hence the same body, and hashing every body to find that out
    would cost more than the rest of a small rebuild.
    """
    def split(items: tuple[T, ...]) -> tuple[list[T], list[T]]:
        """The items whose body is kept, and the rest; one pass, as it runs on every save."""
        same: list[T] = []
        other: list[T] = []
        for item in items:
            (same if item.path not in changed and item.path in memo else other).append(item)
        return same, other

    same_briefings, other_briefings = split(content.briefings)
    same_pages, other_pages = split(content.pages)
    rest = replace(content, briefings=tuple(other_briefings), pages=tuple(other_pages))
    bodies, page_bodies, new_memo, report = render_bodies(config, rest, matcher, memo, cache, progress, detail,
                                                          processes)
    bodies.update((b.slug, memo[b.path][1]) for b in same_briefings)
    page_bodies.update((p.slug, memo[p.path][1]) for p in same_pages)
    new_memo.update((b.path, memo[b.path]) for b in same_briefings)
    new_memo.update((p.path, memo[p.path]) for p in same_pages)
    progress(len(same_briefings) + len(same_pages))
    return bodies, page_bodies, new_memo, replace(report, reused=report.reused + len(same_briefings) + len(same_pages))
