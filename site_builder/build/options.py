"""What a build is asked to do: the person's choices, the caller's policy, and the config they give."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from site_builder.core.config import Config, load_config
from site_builder.core.errors import ContentError, Diagnostic, SourceLocation, did_you_mean
from site_builder.render.templates import available_themes


@dataclass(frozen=True)
class BuildOptions:
    """Choices from the command line."""

    drafts: bool = False
    base_url: str | None = None
    out_dir: Path | None = None
    cache: bool = True  # keep parsed files, rendered bodies and page keys in <site>/.cache between builds
    # Processes that render bodies and pages, this one included; None: one per core. 1 renders everything
    # here: the least memory, and what a profiler sees.
    jobs: int | None = None
    strict: bool = False  # warnings fail the build (config's `strict: true` does the same)
    future: bool = False  # include briefings whose embargo (`publish_at`) has not ended
    lint: bool = False  # report the estimative-language lint's findings as warnings (`check`); see tradecraft.lint


@dataclass(frozen=True)
class BuildPolicy:
    """How the caller uses its builds; the dev server sets its own (serve/dev_server.py)."""

    # Whether rebuild() may follow. Without, each briefing's markdown is let go once its body is
    # rendered, freeing much of a large build's memory, and a rebuild() builds everything.
    rebuilds: bool = True
    # Whether a build may stop early when its inputs and the output folder are exactly as the last
    # build left them. A builder that rebuilds next needs the state a full build leaves in memory.
    trust_output: bool = True
    fingerprint: bool | None = None  # content-hashed asset names; None: as config says
    index_search: bool = True  # run the search indexer after writing, when config turns search on
    # Take the output folder's lock for each build (core/output_lock.py); the dev server holds it itself
    # for as long as it runs.
    lock_output: bool = True


ONE_SHOT = BuildPolicy(rebuilds=False)  # `build`, `check`, `deploy`: one build, then the process ends


def load_site_config(root: Path, options: BuildOptions, policy: BuildPolicy = BuildPolicy()) -> Config:
    """The site's config with the command line's and the policy's overrides; raises ContentError."""
    config = load_config(root)
    if options.base_url:
        config = config.with_overrides(base_url=options.base_url)
    if policy.fingerprint is not None:
        config = config.with_overrides(fingerprint=policy.fingerprint)
    if config.theme not in available_themes():
        raise ContentError([Diagnostic(SourceLocation("config.yaml"), f"unknown theme {config.theme!r}",
                                       did_you_mean(config.theme, available_themes()))])
    return config
