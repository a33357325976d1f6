"""`site-builder deploy`: build without drafts, then publish the output to a git branch or mirror it into a folder.

The publishing itself is `site_builder.publish`: a branch written without touching the work tree, or a
folder mirrored file by file.
"""

from __future__ import annotations

import argparse
import sys
from dataclasses import dataclass
from pathlib import Path

from site_builder.build.builder import Builder
from site_builder.build.options import BuildOptions, load_site_config
from site_builder.cli.common import log, site_folder
from site_builder.content.loader import is_embargoed, load_content
from site_builder.core.clock import build_clock
from site_builder.core.config import Config
from site_builder.core.errors import Diagnostics, UsageError
from site_builder.core.models import Briefing, Page
from site_builder.core.output_writer import MANIFEST
from site_builder.core.site_files import discover
from site_builder.core.urls import briefing_path, output_file, page_path
from site_builder.publish.folder_mirror import apply_sync, check_destination, format_plan, plan_sync
from site_builder.publish.git_branch import (
    DeployError,
    GitResult,
    GitTarget,
    check_target,
    deploy_to_branch,
    open_repository,
    source_message,
)

# Flags that only mean something for one kind of target, to reject a mix that would be silently ignored.
_GIT_ONLY = {"remote": "--remote", "repo": "--repo", "message": "--message", "no_push": "--no-push"}
_FOLDER_ONLY = {"dry_run": "--dry-run"}


@dataclass(frozen=True)
class Plan:
    """A deploy decided from flags and config: exactly one of `branch` and `folder` is set."""

    site: Path
    out_dir: Path
    branch: str = ""
    folder: Path | None = None


def command(args: argparse.Namespace) -> int:
    """Run `site-builder deploy`; a failed build raises before anything is published."""
    site = site_folder(args.site)
    config = load_site_config(site, BuildOptions(base_url=args.base_url))
    plan = choose_target(args, config)
    try:
        if plan.branch:
            target = git_target(args, config, plan)
            check_target(open_repository(target.repo), target)  # fail on a bad target before spending a build on it
            prepare_output(args, plan)
            _report_git(deploy_to_branch(plan.out_dir, target))
        else:
            assert plan.folder is not None
            dest = check_destination(plan.folder, site, plan.out_dir, args.force)
            prepare_output(args, plan)
            _sync(plan.out_dir, dest, args.dry_run)
    except DeployError as exc:
        print(f"site-builder: error: {exc}", file=sys.stderr)
        return 1
    return 0


def choose_target(args: argparse.Namespace, config: Config) -> Plan:
    """Branch or folder: a flag beats config; both at once, or neither anywhere, is a usage error."""
    site = Path(args.site)
    out_dir = site / config.output_dir
    if args.branch and args.to:
        raise UsageError("choose one target: --branch or --to, not both")
    if args.no_build and args.base_url:
        raise UsageError("--base-url needs a build: drop --no-build, or build with --base-url first")
    branch, folder = args.branch or "", Path(args.to) if args.to else None
    if not branch and folder is None:
        if config.deploy.branch and config.deploy.folder:
            raise UsageError("config.yaml sets both deploy.branch and deploy.folder; choose with --branch or --to")
        branch = config.deploy.branch
        # A folder in config is relative to the site, like output_dir; one on the command line to where you are.
        folder = site / Path(config.deploy.folder).expanduser() if config.deploy.folder else None
    if not branch and folder is None:
        raise UsageError("nowhere to deploy: pass --branch BRANCH or --to DEST, or set deploy.branch or deploy.folder "
                         "in config.yaml")
    wrong = _FOLDER_ONLY if branch else _GIT_ONLY
    used = [flag for name, flag in wrong.items() if getattr(args, name)]
    if used:
        raise UsageError(f"{', '.join(used)} only applies to a {'folder' if branch else 'git branch'} deploy")
    return Plan(site, out_dir, branch, folder)


def git_target(args: argparse.Namespace, config: Config, plan: Plan) -> GitTarget:
    """Flags over config over defaults; .nojekyll always, CNAME when configured."""
    extra = {".nojekyll": b""}  # GitHub Pages would otherwise run Jekyll, which hides folders starting with _
    if config.deploy.cname:
        extra["CNAME"] = (config.deploy.cname + "\n").encode("ascii")
    return GitTarget(
        repo=Path(args.repo) if args.repo else plan.site,
        branch=plan.branch,
        remote=args.remote or config.deploy.remote,
        message=args.message or config.deploy.message or source_message(plan.site),
        force=args.force,
        push=not args.no_push,
        extra_files=extra,
    )


def prepare_output(args: argparse.Namespace, plan: Plan) -> None:
    """Build without drafts; with --no-build make sure there is a finished build and no draft in it."""
    if not args.no_build:
        result = Builder(plan.site, BuildOptions(drafts=False, base_url=args.base_url)).build()
        log.info("built %d pages (%d files) into %s: %d written, %d unchanged, %d removed in %.2f s", result.pages,
                 result.files, result.out_dir, len(result.report.written), result.report.unchanged,
                 len(result.report.removed), result.seconds)
        return
    if not (plan.out_dir / MANIFEST).is_file():
        raise DeployError(f"{plan.out_dir} holds no finished build", "deploy without --no-build to build first")
    drafts = unpublished_files(plan.site, plan.out_dir)
    if drafts:
        raise DeployError(f"{plan.out_dir} holds drafts or briefings under embargo "
                          f"({', '.join(drafts[:3])}{', ...' if len(drafts) > 3 else ''})",
                          "it was built with --drafts or --future, or by serve; deploy without --no-build")


def unpublished_files(site: Path, out_dir: Path) -> list[str]:
    """Output files of briefings and pages marked draft, and of briefings under embargo now, found by reading
    front matter only (no rendering)."""
    config = load_site_config(site, BuildOptions())
    _, models = load_content(site, discover(site, config.output_dir), config, Diagnostics(), drafts=True)
    found, now = [], build_clock()
    for model in models.values():
        if isinstance(model, Briefing | Page) and (model.draft or is_embargoed(model, now)):
            here = output_file(briefing_path(model.slug) if isinstance(model, Briefing) else page_path(model.slug))
            if (out_dir / here).is_file():
                found.append(here)
    return sorted(found)


def _report_git(result: GitResult) -> None:
    short = result.commit[:12]
    if result.committed:
        log.info("committed %s on %s: %s", short, result.branch, _count(result.files, "file"))
    else:
        log.info("%s already holds this output (%s): no commit made", result.branch, short)
    if result.pushed:
        log.info("pushed %s to %s", result.branch, result.remote)
    else:
        log.info("not pushed (--no-push); publish it with: git push %s %s", result.remote, result.branch)


def _sync(out_dir: Path, dest: Path, dry_run: bool) -> None:
    plan = plan_sync(out_dir, dest)
    if dry_run:
        for line in format_plan(plan):
            print(line)
    else:
        apply_sync(out_dir, dest, plan)
    would = "would be " if dry_run else ""
    log.info("%s: %s %scopied, %d unchanged, %s and %s %sdeleted", dest, _count(len(plan.copy), "file"), would,
             plan.unchanged, _count(len(plan.delete), "stale file"), _count(len(plan.folders), "empty folder"), would)


def _count(number: int, noun: str) -> str:
    return f"{number} {noun}{'' if number == 1 else 's'}"
