"""Bodies for a build: each taken from the last build's memo or the disk store when its key is unchanged,
the rest rendered.

A body's HTML depends only on its text, its line in the file, the page it sits on, the markdown and
mention settings and the alias registry, so those make its key.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass

from site_builder.actors.matcher import Matcher
from site_builder.bodies.packed import RenderedBody, pooled
from site_builder.bodies.rendering import BodyRenderer, RenderSettings, body_jobs, render_jobs
from site_builder.core.config import Config
from site_builder.core.keys import digest
from site_builder.core.models import Content
from site_builder.incremental.store import DiskStore

MemoEntry = tuple[bytes, RenderedBody]  # (key, body)


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
    settings = RenderSettings(config.markdown, config.mentions.link, config.relative_urls, matcher.owners, detail)
    base = digest(repr(settings.markdown), settings.link_mode, str(settings.index_files), str(detail),
                  matcher.registry_digest)  # bodies rendered with another registry are never reused
    jobs = body_jobs(content)
    keys = [digest(base, job.here, str(job.line), job.text) for job in jobs]

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

