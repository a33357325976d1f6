"""Publish an output folder as the whole tree of a git branch, without touching the working tree, index or HEAD."""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from site_builder.core.output_lock import LOCK_NAME
from site_builder.core.output_writer import MANIFEST, STAGED_PREFIX

# Location variables a git hook or wrapper may have set; they would point our commands at the wrong repository.
_LOCATION_VARIABLES = ("GIT_DIR", "GIT_WORK_TREE", "GIT_INDEX_FILE", "GIT_PREFIX", "GIT_COMMON_DIR")
# The tree must not depend on the user's line-ending or ignore settings: every output byte is published as built.
_CONTENT_SETTINGS = ("-c", "core.autocrlf=false", "-c", "core.safecrlf=false", "-c", "core.fsmonitor=false")
DEFAULT_MESSAGE = "Publish site"


class DeployError(Exception):
    """A deploy that cannot go on; carries a hint saying what to do about it (exit code 1)."""

    def __init__(self, message: str, hint: str = "") -> None:
        self.message = message
        self.hint = hint
        super().__init__(f"{message} ({hint})" if hint else message)


@dataclass(frozen=True)
class GitTarget:
    """Where and how to publish: the repository, branch, remote and commit message."""

    repo: Path
    branch: str
    remote: str = "origin"
    message: str = ""
    force: bool = False
    push: bool = True
    extra_files: Mapping[str, bytes] | None = None  # added to the tree beside the output (.nojekyll, CNAME)


@dataclass(frozen=True)
class GitResult:
    """What a deploy did: the branch tip afterwards, whether a commit was made and whether it was pushed."""

    branch: str
    remote: str
    commit: str
    parent: str | None
    committed: bool
    pushed: bool
    files: int


@dataclass(frozen=True)
class Repository:
    """A git repository found from a folder inside its working tree (or a bare repository)."""

    git_dir: Path
    env: Mapping[str, str]

    def run(self, *args: str, cwd: Path | None = None, stdin: str | None = None, env: Mapping[str, str] | None = None,
            check: bool = True) -> subprocess.CompletedProcess[str]:
        """Run one git command against this repository and return its captured output."""
        return run_git(["--git-dir", str(self.git_dir), *args], cwd=cwd, stdin=stdin, env={**self.env, **(env or {})},
                       check=check)

    def resolve(self, ref: str) -> str | None:
        """The commit a ref points at, or None when there is no such ref."""
        result = self.run("rev-parse", "--verify", "--quiet", f"{ref}^{{commit}}", check=False)
        if result.returncode != 0:
            return None
        return result.stdout.strip() or None


def git_env() -> dict[str, str]:
    """The caller's environment without variables that would redirect git to another repository or index."""
    return {k: v for k, v in os.environ.items() if k not in _LOCATION_VARIABLES}


def run_git(args: Sequence[str], cwd: Path | None = None, stdin: str | None = None,
            env: Mapping[str, str] | None = None, check: bool = True) -> subprocess.CompletedProcess[str]:
    """Run git; a failure becomes a DeployError quoting git's own message."""
    git = shutil.which("git")
    if git is None:
        raise DeployError("git is not installed or not on PATH",
                          "install git (e.g. apt-get install git), or deploy to a folder with --to DEST")
    result = subprocess.run([git, *args], cwd=cwd, input=stdin, env=dict(env) if env is not None else git_env(),
                            capture_output=True, text=True, check=False)
    if check and result.returncode != 0:
        raise DeployError(f"git {args_without_options(args)} failed: {last_line(result.stderr)}")
    return result


def args_without_options(args: Sequence[str]) -> str:
    """The git subcommand a failure came from, without the --git-dir and -c noise in front of it."""
    words = list(args)
    while words and words[0] in ("--git-dir", "--work-tree", "-c"):
        words = words[2:]
    return words[0] if words else "git"


def last_line(text: str) -> str:
    """Git's most telling line: the last non-empty one, without its 'fatal: ' or 'error: ' prefix."""
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    line = lines[-1] if lines else "no message"
    for prefix in ("fatal: ", "error: "):
        line = line.removeprefix(prefix)
    return line


def open_repository(folder: Path) -> Repository:
    """The repository holding a folder, or a clear error when there is none."""
    env = git_env()
    if not folder.is_dir():
        raise DeployError(f"repository folder {str(folder)!r} does not exist", "pass an existing folder with --repo")
    result = run_git(["rev-parse", "--absolute-git-dir"], cwd=folder, env=env, check=False)
    if result.returncode != 0:
        raise DeployError(f"{str(folder)!r} is not in a git repository",
                          "run 'git init' there, pass another repository with --repo, or deploy with --to DEST")
    return Repository(Path(result.stdout.strip()), env)


def check_target(repository: Repository, target: GitTarget) -> None:
    """Everything that can be checked before building: branch name, remote, and that the branch is not checked out."""
    name = repository.run("check-ref-format", "--branch", target.branch, check=False)
    if name.returncode != 0:
        raise DeployError(f"{target.branch!r} is not a valid branch name", "e.g. --branch gh-pages")
    ref = f"refs/heads/{target.branch}"
    worktrees = repository.run("worktree", "list", "--porcelain").stdout.splitlines()
    if f"branch {ref}" in worktrees:
        # Moving a checked-out branch under a working tree would make every file there look changed or deleted.
        raise DeployError(f"branch {target.branch!r} is checked out in a working tree of {repository.git_dir}",
                          "publish to a branch nobody works on, e.g. --branch gh-pages")
    if target.push:
        remotes = repository.run("remote").stdout.split()
        if target.remote not in remotes:
            known = f"known remotes: {', '.join(remotes)}" if remotes else "the repository has no remotes"
            raise DeployError(f"unknown git remote {target.remote!r} ({known})",
                              f"add it with 'git remote add {target.remote} URL', choose one with --remote, "
                              "or commit without pushing with --no-push")


def source_message(site: Path) -> str:
    """The default commit message: names the source commit when the site folder is under git."""
    env = git_env()
    head = run_git(["rev-parse", "--short", "HEAD"], cwd=site, env=env, check=False)
    if head.returncode != 0:
        return DEFAULT_MESSAGE
    status = run_git(["--no-optional-locks", "status", "--porcelain", "--", "."], cwd=site, env=env, check=False)
    dirty = " with uncommitted changes" if status.returncode == 0 and status.stdout.strip() else ""
    return f"{DEFAULT_MESSAGE} from {head.stdout.strip()}{dirty}"


def write_tree(repository: Repository, out_dir: Path, extra_files: Mapping[str, bytes]) -> tuple[str, int]:
    """Stage the output folder in a temporary index and write it as a tree object; returns (tree, file count).

    The index lives in a temporary folder, so the user's index is never read or changed; `--force`
    stages files the user's ignore rules would drop, because the site must be published whole.
    """
    with tempfile.TemporaryDirectory(prefix="site-builder-deploy-") as scratch:
        index = {"GIT_INDEX_FILE": str(Path(scratch) / "index")}
        repository.run(*_CONTENT_SETTINGS, "--work-tree", str(out_dir), "add", "--all", "--force", "--",
                       ".", f":(exclude){MANIFEST}", f":(exclude){LOCK_NAME}",
                       f":(exclude,glob)**/{STAGED_PREFIX}*", cwd=out_dir, env=index)
        for number, name in enumerate(sorted(extra_files)):
            # Written beside the index, never into the output folder, which belongs to the build.
            source = Path(scratch) / f"extra-{number}"
            source.write_bytes(extra_files[name])
            blob = repository.run("hash-object", "-w", "--no-filters", str(source)).stdout.strip()
            repository.run("update-index", "--add", "--cacheinfo", f"100644,{blob},{name}", env=index)
        count = len(repository.run("ls-files", "-z", env=index).stdout.split("\0")) - 1
        tree = repository.run("write-tree", env=index).stdout.strip()
    return tree, count


def deploy_to_branch(out_dir: Path, target: GitTarget) -> GitResult:
    """Commit the output as the branch's whole tree (a child of its tip) and push it.

    Only objects and the one branch ref are written: the working tree, the index and HEAD stay as
    they were. With `force` the commit has no parent and the push replaces the remote's history.
    """
    repository = open_repository(target.repo)
    check_target(repository, target)
    ref = f"refs/heads/{target.branch}"
    tree, count = write_tree(repository, out_dir.resolve(), target.extra_files or {})
    old = repository.resolve(ref)
    # A fresh clone has the remote's branch but no local one: its tip is still the parent to build on.
    parent = old or repository.resolve(f"refs/remotes/{target.remote}/{target.branch}")
    committed = False
    commit = parent or ""
    if parent is None or not _same_commit_shape(repository, parent, tree, target.force):
        commit = _commit(repository, tree, None if target.force else parent, target.message or DEFAULT_MESSAGE)
        repository.run("update-ref", "-m", f"site-builder deploy: {target.message or DEFAULT_MESSAGE}", ref, commit,
                       old or "")
        committed = True
    elif old is None:  # the remote's tip already holds this tree: start the local branch there
        repository.run("update-ref", "-m", "site-builder deploy", ref, commit, "")
    if target.push:
        _push(repository, target)
    return GitResult(target.branch, target.remote, commit, parent, committed, target.push, count)


def _same_commit_shape(repository: Repository, tip: str, tree: str, force: bool) -> bool:
    """True when the tip already is what this deploy would commit, so committing again would only add noise."""
    # Plumbing only: porcelain output such as `git show` follows user settings (signatures, formats).
    tip_tree = repository.run("rev-parse", f"{tip}^{{tree}}").stdout.strip()
    parents = repository.run("rev-list", "--parents", "-n", "1", tip).stdout.split()[1:]
    return tip_tree == tree and (not force or not parents)


def _commit(repository: Repository, tree: str, parent: str | None, message: str) -> str:
    parents = ["-p", parent] if parent else []
    result = repository.run("commit-tree", tree, *parents, "-F", "-", stdin=message + "\n", check=False)
    if result.returncode != 0:
        if "identity" in result.stderr or "Please tell me who you are" in result.stderr:
            raise DeployError("git does not know who you are, so it cannot make the commit",
                              "run git config --global user.name 'Your Name' and "
                              "git config --global user.email you@example.org")
        raise DeployError(f"git commit-tree failed: {last_line(result.stderr)}")
    return result.stdout.strip()


def _push(repository: Repository, target: GitTarget) -> None:
    spec = f"{'+' if target.force else ''}refs/heads/{target.branch}:refs/heads/{target.branch}"
    result = repository.run("push", "--porcelain", target.remote, spec, check=False)
    if result.returncode == 0:
        return
    text = result.stdout + result.stderr
    if "[rejected]" in text or "non-fast-forward" in text or "fetch first" in text:
        raise DeployError(f"{target.remote} refused the push: its {target.branch!r} has commits this repository "
                          "does not have (someone else deployed, or its history was replaced)",
                          f"take them with git fetch {target.remote} +{target.branch}:{target.branch} and deploy "
                          f"again, or replace the remote's history with --force")
    raise DeployError(f"git push to {target.remote!r} failed: {last_line(result.stderr)}",
                      f"the commit is on the local branch {target.branch!r}; push it yourself with "
                      f"git push {target.remote} {target.branch}")
