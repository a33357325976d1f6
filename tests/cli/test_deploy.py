"""`site-builder deploy`: a git branch through a temporary index, a mirrored folder, config and exit codes."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest
from conftest import SiteFactory, briefing, read_tree

from site_builder.cli.main import main
from site_builder.core.config import load_config
from site_builder.core.errors import ContentError
from site_builder.core.output_writer import MANIFEST
from site_builder.publish.folder_mirror import MARKER

CONFIG = """\
title: Test Desk
base_url: https://example.org/desk/
timezone: UTC
"""

SITE = {
    "content/briefings/2023-01-27-first.md": briefing("First", "2023-01-27", "One."),
    "content/briefings/2023-01-29-second.md": briefing("Second", "2023-01-29", "Two."),
    "content/briefings/2023-02-01-secret.md": briefing("Secret plans", "2023-02-01", "Not yet.", draft="true"),
    "static/_data/info.txt": "a folder starting with an underscore\n",
    ".gitignore": "public/\n.cache/\n",
}


@pytest.fixture(autouse=True)
def git_identity(monkeypatch: pytest.MonkeyPatch) -> None:
    """Like CI: no global or system git config, identity only from the environment."""
    monkeypatch.setenv("GIT_CONFIG_GLOBAL", os.devnull)
    monkeypatch.setenv("GIT_CONFIG_NOSYSTEM", "1")
    for role in ("AUTHOR", "COMMITTER"):
        monkeypatch.setenv(f"GIT_{role}_NAME", "Desk Editor")
        monkeypatch.setenv(f"GIT_{role}_EMAIL", "editor@example.org")


def git(cwd: Path, *args: str) -> str:
    return subprocess.run(["git", *args], cwd=cwd, capture_output=True, text=True, check=True).stdout.strip()


def git_site(make_site: SiteFactory, config: str = CONFIG) -> Path:
    """A site in a repository with one commit on main."""
    site = make_site(SITE, config)
    git(site, "init", "-q", "-b", "main")
    git(site, "add", "-A")
    git(site, "commit", "-q", "-m", "Sources")
    return site


def with_remote(site: Path) -> Path:
    remote = site.parent / f"{site.name}-remote.git"
    git(site.parent, "init", "-q", "--bare", str(remote))
    git(site, "remote", "add", "origin", str(remote))
    return remote


def branch_files(repo: Path, ref: str = "gh-pages") -> dict[str, bytes]:
    names = git(repo, "ls-tree", "-r", "--name-only", ref).splitlines()
    return {name: subprocess.run(["git", "show", f"{ref}:{name}"], cwd=repo, capture_output=True, check=True).stdout
            for name in names}


def user_state(site: Path) -> tuple[str, str, str, bytes, dict[str, bytes]]:
    """Everything a deploy must leave alone: HEAD, its branch, status, the index and the sources (the build
    writes only public/ and its cache)."""
    work = {k: v for k, v in read_tree(site).items() if not k.startswith((".git/", "public/", ".cache/"))}
    return (git(site, "rev-parse", "HEAD"), git(site, "symbolic-ref", "HEAD"), git(site, "status", "--porcelain"),
            (site / ".git/index").read_bytes(), work)


# --- git branch ---------------------------------------------------------------------------------------------------


def test_branch_deploy_commits_the_output_and_pushes(make_site: SiteFactory, capsys: pytest.CaptureFixture[str]
                                                     ) -> None:
    site = git_site(make_site, CONFIG + "deploy:\n  cname: desk.example.org\n")
    remote = with_remote(site)
    (site / "notes.txt").write_text("untracked\n")
    (site / "content/briefings/2023-01-27-first.md").write_text(briefing("First", "2023-01-27", "One, staged."))
    git(site, "add", "content/briefings/2023-01-27-first.md")
    before = user_state(site)
    source = git(site, "rev-parse", "--short", "HEAD")

    assert main(["deploy", str(site), "--branch", "gh-pages"]) == 0

    assert user_state(site) == before
    published = branch_files(site)
    output = {k: v for k, v in read_tree(site / "public").items() if k != MANIFEST}
    assert published == {**output, ".nojekyll": b"", "CNAME": b"desk.example.org\n"}
    assert "_data/info.txt" in published and "briefings/second/index.html" in published
    assert not any("secret" in name for name in published)
    assert b"Secret plans" not in b"".join(published.values())
    tip = git(site, "rev-parse", "gh-pages")
    assert git(remote, "rev-parse", "gh-pages") == tip
    assert git(site, "log", "-1", "--format=%s|%an|%ae|%P", "gh-pages") == (
        f"Publish site from {source} with uncommitted changes|Desk Editor|editor@example.org|")
    err = capsys.readouterr().err
    assert f"committed {tip[:12]} on gh-pages" in err and "pushed gh-pages to origin" in err


def test_unchanged_output_makes_no_commit_and_a_change_makes_a_child(make_site: SiteFactory,
                                                                   capsys: pytest.CaptureFixture[str]) -> None:
    site = git_site(make_site)
    assert main(["deploy", str(site), "--branch", "gh-pages", "--no-push", "--message", "First publication"]) == 0
    first = git(site, "rev-parse", "gh-pages")
    capsys.readouterr()

    assert main(["deploy", str(site), "--branch", "gh-pages", "--no-push"]) == 0
    assert git(site, "rev-parse", "gh-pages") == first
    assert f"gh-pages already holds this output ({first[:12]}): no commit made" in capsys.readouterr().err

    (site / "content/briefings/2023-01-29-second.md").write_text(briefing("Second", "2023-01-29", "Two, revised."))
    git(site, "commit", "-q", "-am", "Revise")
    assert main(["deploy", str(site), "--branch", "gh-pages", "--no-push"]) == 0
    second = git(site, "rev-parse", "gh-pages")
    assert second != first
    assert git(site, "log", "-1", "--format=%P|%s", "gh-pages") == (
        f"{first}|Publish site from {git(site, 'rev-parse', '--short', 'HEAD')}")
    assert b"Two, revised." in branch_files(site)["briefings/second/index.html"]
    assert git(site, "rev-list", "--count", "gh-pages") == "2"
    assert git(site, "symbolic-ref", "HEAD") == "refs/heads/main"


def test_rejected_push_explains_and_force_replaces_history(make_site: SiteFactory, tmp_path: Path,
                                                           capsys: pytest.CaptureFixture[str]) -> None:
    site = git_site(make_site)
    remote = with_remote(site)
    assert main(["deploy", str(site), "--branch", "gh-pages"]) == 0
    other = tmp_path / "other-clone"
    git(tmp_path, "clone", "-q", "--branch", "gh-pages", str(remote), str(other))
    (other / "extra.html").write_text("<p>from elsewhere</p>\n")
    git(other, "add", "extra.html")
    git(other, "commit", "-q", "-m", "Someone else publishes")
    git(other, "push", "-q", "origin", "gh-pages")
    elsewhere = git(other, "rev-parse", "HEAD")
    (site / "content/briefings/2023-01-29-second.md").write_text(briefing("Second", "2023-01-29", "Changed."))
    capsys.readouterr()

    assert main(["deploy", str(site), "--branch", "gh-pages"]) == 1
    err = capsys.readouterr().err
    assert "origin refused the push" in err
    assert "git fetch origin +gh-pages:gh-pages" in err and "--force" in err
    assert git(remote, "rev-parse", "gh-pages") == elsewhere

    assert main(["deploy", str(site), "--branch", "gh-pages", "--force"]) == 0
    tip = git(site, "rev-parse", "gh-pages")
    assert git(remote, "rev-parse", "gh-pages") == tip
    assert git(site, "log", "-1", "--format=%P", "gh-pages") == ""  # parentless: the old history is replaced
    assert "extra.html" not in branch_files(site)
    assert b"Changed." in branch_files(site)["briefings/second/index.html"]

    assert main(["deploy", str(site), "--branch", "gh-pages", "--force"]) == 0
    assert git(site, "rev-parse", "gh-pages") == tip  # forcing again with the same output commits nothing


def test_fresh_clone_builds_on_the_remote_branch(make_site: SiteFactory, tmp_path: Path) -> None:
    site = git_site(make_site)
    remote = with_remote(site)
    git(site, "push", "-q", "origin", "main")
    assert main(["deploy", str(site), "--branch", "gh-pages"]) == 0
    published = git(remote, "rev-parse", "gh-pages")
    clone = tmp_path / "clone"
    git(tmp_path, "clone", "-q", "--branch", "main", str(remote), str(clone))
    (clone / "content/briefings/2023-01-27-first.md").write_text(briefing("First", "2023-01-27", "Edited in a clone."))

    assert main(["deploy", str(clone), "--branch", "gh-pages"]) == 0
    assert git(remote, "log", "-1", "--format=%P", "gh-pages") == published
    assert git(clone, "rev-parse", "gh-pages") == git(remote, "rev-parse", "gh-pages")


def test_deploy_with_repo_and_config_settings(make_site: SiteFactory, tmp_path: Path) -> None:
    site = make_site({**SITE, "static/notes.txt": b"written\r\non Windows\r\n"},
                     CONFIG + "deploy:\n  branch: pages\n  remote: mirror\n  message: Desk update\n")
    repo = tmp_path / "pages-repo"
    git(tmp_path, "init", "-q", "-b", "main", str(repo))
    remote = tmp_path / "mirror.git"
    git(tmp_path, "init", "-q", "--bare", str(remote))
    git(repo, "remote", "add", "mirror", str(remote))
    # Settings that would change what `git add` stores must not change what is published.
    git(repo, "config", "core.autocrlf", "true")
    (repo / ".git/info/exclude").write_text("*.html\n*.txt\n")

    assert main(["deploy", str(site), "--repo", str(repo)]) == 0
    assert git(remote, "log", "-1", "--format=%s", "pages") == "Desk update"
    published = branch_files(repo, "pages")
    assert published == {**site_output(site), ".nojekyll": b""}
    assert published["notes.txt"] == b"written\r\non Windows\r\n"
    assert main(["deploy", str(site), "--repo", str(repo), "--branch", "other", "--no-push", "--message", "M"]) == 0
    assert git(repo, "log", "-1", "--format=%s", "other") == "M"


def test_git_errors_exit_1_with_a_hint(make_site: SiteFactory, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                       capsys: pytest.CaptureFixture[str]) -> None:
    plain = make_site(SITE)
    assert main(["deploy", str(plain), "--branch", "gh-pages"]) == 1
    assert "is not in a git repository (run 'git init' there" in capsys.readouterr().err
    assert not (plain / "public").exists()  # checked before building

    site = git_site(make_site)
    assert main(["deploy", str(site), "--branch", "gh-pages", "--remote", "upstream"]) == 1
    err = capsys.readouterr().err
    assert "unknown git remote 'upstream' (the repository has no remotes)" in err
    assert "git remote add upstream URL" in err and "--no-push" in err

    assert main(["deploy", str(site), "--branch", "main", "--no-push"]) == 1
    assert "branch 'main' is checked out" in capsys.readouterr().err
    assert main(["deploy", str(site), "--branch", "bad..name", "--no-push"]) == 1
    assert "'bad..name' is not a valid branch name" in capsys.readouterr().err

    empty = tmp_path / "empty-path"
    empty.mkdir()
    monkeypatch.setenv("PATH", str(empty))
    assert main(["deploy", str(site), "--branch", "gh-pages", "--no-push"]) == 1
    assert "git is not installed or not on PATH" in capsys.readouterr().err


def test_missing_identity_is_explained(make_site: SiteFactory, monkeypatch: pytest.MonkeyPatch,
                                       capsys: pytest.CaptureFixture[str]) -> None:
    site = git_site(make_site)
    git(site, "config", "user.useConfigOnly", "true")
    for role in ("AUTHOR", "COMMITTER"):
        monkeypatch.delenv(f"GIT_{role}_NAME")
        monkeypatch.delenv(f"GIT_{role}_EMAIL")
    monkeypatch.delenv("EMAIL", raising=False)
    assert main(["deploy", str(site), "--branch", "gh-pages", "--no-push"]) == 1
    assert "git does not know who you are" in capsys.readouterr().err
    assert git(site, "branch", "--list", "gh-pages") == ""


def test_failed_build_deploys_nothing(make_site: SiteFactory, tmp_path: Path, capsys: pytest.CaptureFixture[str]
                                      ) -> None:
    site = git_site(make_site)
    (site / "content/briefings/broken.md").write_text("---\ndate: 2023-01-01\n---\n")
    assert main(["deploy", str(site), "--branch", "gh-pages", "--no-push"]) == 1
    assert "missing required field 'title'" in capsys.readouterr().err
    assert git(site, "branch", "--list", "gh-pages") == ""
    assert main(["deploy", str(site), "--to", str(tmp_path / "www")]) == 1
    assert not (tmp_path / "www").exists()


# --- folder -------------------------------------------------------------------------------------------------------


def published_tree(dest: Path) -> dict[str, bytes]:
    return {k: v for k, v in read_tree(dest).items() if k != MARKER}


def site_output(site: Path) -> dict[str, bytes]:
    return {k: v for k, v in read_tree(site / "public").items() if k != MANIFEST}


def test_folder_copy_update_and_stale_deletion(make_site: SiteFactory, tmp_path: Path,
                                               capsys: pytest.CaptureFixture[str]) -> None:
    # Search off: the index's own files would blur the counts of stale files asserted below.
    site = make_site(SITE, CONFIG + "search:\n  enabled: false\n")
    dest = tmp_path / "www/desk"
    assert main(["deploy", str(site), "--to", str(dest)]) == 0
    assert published_tree(dest) == site_output(site)
    assert not any("secret" in name for name in published_tree(dest))
    assert (dest / MARKER).read_text().splitlines()[2:] == sorted(site_output(site))
    count = len(site_output(site))
    assert f"{dest}: {count} files copied, 0 unchanged, 0 stale files and 0 empty folders deleted" in \
        capsys.readouterr().err

    untouched = (dest / "briefings/first/index.html").stat()
    (site / "content/briefings/2023-01-29-second.md").unlink()
    (site / "content/briefings/2023-01-27-first.md").write_text(briefing("First", "2023-01-27", "One, updated."))
    assert main(["deploy", str(site), "--to", str(dest)]) == 0
    assert published_tree(dest) == site_output(site)
    assert not (dest / "briefings/second").exists()  # its file is deleted, then the emptied folder
    assert (dest / "briefings/first/index.html").stat().st_ino != untouched.st_ino  # replaced by rename
    err = capsys.readouterr().err
    assert "1 stale file and 1 empty folder deleted" in err

    css_file = next((dest / "css").glob("site.*.css"))
    css = css_file.stat()
    assert main(["deploy", str(site), "--to", str(dest), "--no-build"]) == 0
    assert css_file.stat().st_mtime_ns == css.st_mtime_ns  # equal bytes are never rewritten
    assert f"0 files copied, {len(site_output(site))} unchanged" in capsys.readouterr().err


def test_folder_dry_run_changes_nothing(make_site: SiteFactory, tmp_path: Path,
                                        capsys: pytest.CaptureFixture[str]) -> None:
    site = make_site(SITE)
    dest = tmp_path / "www"
    assert main(["deploy", str(site), "--to", str(dest)]) == 0
    (dest / "old/deep").mkdir(parents=True)
    (dest / "old/deep/page.html").write_text("old")
    (dest / "robots.txt").write_text("edited on the server")
    before = read_tree(dest)
    capsys.readouterr()

    assert main(["deploy", str(site), "--to", str(dest), "--dry-run"]) == 0
    assert read_tree(dest) == before and (dest / "old/deep").is_dir()
    captured = capsys.readouterr()
    assert captured.out.splitlines() == ["copy   robots.txt", "delete old/deep/page.html", "remove old/deep/",
                                         "remove old/"]
    assert "1 file would be copied" in captured.err and "1 stale file and 2 empty folders would be deleted" in \
        captured.err

    fresh = tmp_path / "fresh"
    assert main(["deploy", str(site), "--to", str(fresh), "--dry-run", "--no-build"]) == 0
    assert not fresh.exists()


def test_folder_never_follows_links_out_of_dest(make_site: SiteFactory, tmp_path: Path) -> None:
    site = make_site(SITE)
    dest = tmp_path / "www"
    assert main(["deploy", str(site), "--to", str(dest)]) == 0
    outside = tmp_path / "outside"
    (outside / "assets").mkdir(parents=True)
    (outside / "keep.txt").write_text("precious\n")
    (outside / "assets/site.css").write_text("not the site's\n")
    outside_before = read_tree(outside)
    for rel in ("css", "briefings/first"):  # folders the site writes into, now links that lead out
        target = dest / rel
        for child in sorted(target.rglob("*"), reverse=True):
            child.unlink()
        target.rmdir()
    (dest / "css").symlink_to(outside / "assets")
    (dest / "briefings/first").symlink_to(outside)
    (dest / "index.html").unlink()
    (dest / "index.html").symlink_to(outside / "keep.txt")  # a file the site has, as a link out
    (dest / "stale-link").symlink_to(outside)  # a link the site does not have

    assert main(["deploy", str(site), "--to", str(dest), "--no-build"]) == 0
    assert read_tree(outside) == outside_before
    assert published_tree(dest) == site_output(site)
    for rel in ("css", "briefings/first", "index.html"):
        assert not (dest / rel).is_symlink()
    assert not (dest / "stale-link").exists() and not (dest / "stale-link").is_symlink()


def test_folder_replaces_files_and_folders_of_the_wrong_kind(make_site: SiteFactory, tmp_path: Path) -> None:
    site = make_site(SITE)
    dest = tmp_path / "www"
    assert main(["deploy", str(site), "--to", str(dest)]) == 0
    (dest / "robots.txt").unlink()
    (dest / "robots.txt/inner").mkdir(parents=True)  # a folder where the site has a file
    (dest / "robots.txt/inner/x.txt").write_text("x")
    for child in sorted((dest / "js").rglob("*"), reverse=True):
        child.unlink()
    (dest / "js").rmdir()
    (dest / "js").write_text("a file where the site has a folder")
    assert main(["deploy", str(site), "--to", str(dest), "--no-build"]) == 0
    assert published_tree(dest) == site_output(site)


def test_folder_refusals(make_site: SiteFactory, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                         capsys: pytest.CaptureFixture[str]) -> None:
    site = make_site(SITE)
    assert main(["build", str(site)]) == 0
    home = tmp_path / "home"
    home.mkdir()
    monkeypatch.setenv("HOME", str(home))
    cases = {
        str(site): "it is or holds the site folder",
        str(site / "public"): "it is or holds the output folder",
        str(site.parent): "it is or holds the site folder",
        str(site / "public/copy"): "it is inside the output folder",
        str(home): "refusing to deploy into your home folder",
        "/": "refusing to deploy into the file-system root",
    }
    for dest, message in cases.items():
        capsys.readouterr()
        assert main(["deploy", str(site), "--to", dest, "--force", "--no-build"]) == 1, dest
        assert message in capsys.readouterr().err, dest
    assert not (site / "public/copy").exists()

    (tmp_path / "a-file").write_text("x")
    assert main(["deploy", str(site), "--to", str(tmp_path / "a-file"), "--no-build"]) == 1
    assert "exists and is not a folder" in capsys.readouterr().err


def test_folder_refuses_an_unmarked_non_empty_dest_unless_forced(make_site: SiteFactory, tmp_path: Path,
                                                                 capsys: pytest.CaptureFixture[str]) -> None:
    site = make_site(SITE)
    dest = tmp_path / "www"
    dest.mkdir()
    (dest / "someone-elses.html").write_text("keep me?")
    assert main(["deploy", str(site), "--to", str(dest)]) == 1
    err = capsys.readouterr().err
    assert f"{dest.resolve()} is not empty and was not made by site-builder deploy (it has no {MARKER})" in err
    assert "--dry-run" in err and "--force" in err
    assert sorted(p.name for p in dest.iterdir()) == ["someone-elses.html"]
    assert not (site / "public").exists()  # refused before building

    assert main(["deploy", str(site), "--to", str(dest), "--force"]) == 0
    assert published_tree(dest) == site_output(site)  # a forced takeover mirrors: the foreign file is gone
    assert main(["deploy", str(site), "--to", str(dest), "--no-build"]) == 0  # marked now: no --force needed


def test_folder_through_a_linked_dest_and_config(make_site: SiteFactory, tmp_path: Path) -> None:
    site = make_site(SITE, CONFIG + "deploy:\n  folder: ../served\n")
    (tmp_path / "real").mkdir()
    (tmp_path / "served").symlink_to(tmp_path / "real")  # e.g. /var/www/desk linked to a release folder
    assert main(["deploy", str(site), "--base-url", "https://mirror.example.net/news/"]) == 0
    assert published_tree(tmp_path / "real") == site_output(site)
    assert (tmp_path / "served").is_symlink()
    assert b"https://mirror.example.net/news/briefings/first/" in (tmp_path / "real/sitemap.xml").read_bytes()


def test_no_build_needs_a_build_without_drafts(make_site: SiteFactory, tmp_path: Path,
                                               capsys: pytest.CaptureFixture[str]) -> None:
    site = make_site(SITE)
    dest = tmp_path / "www"
    assert main(["deploy", str(site), "--to", str(dest), "--no-build"]) == 1
    assert "holds no finished build (deploy without --no-build" in capsys.readouterr().err
    assert main(["build", str(site), "--drafts"]) == 0
    assert main(["deploy", str(site), "--to", str(dest), "--no-build"]) == 1
    assert "holds drafts or briefings under embargo (briefings/secret/index.html)" in capsys.readouterr().err
    assert not dest.exists()
    assert main(["deploy", str(site), "--to", str(dest)]) == 0  # a deploy's own build drops the draft
    assert not any("secret" in name for name in published_tree(dest))


# --- command line and config --------------------------------------------------------------------------------------


@pytest.mark.parametrize(("argv", "message"), [
    (["--branch", "gh-pages", "--to", "x"], "choose one target: --branch or --to, not both"),
    ([], "nowhere to deploy: pass --branch BRANCH or --to DEST"),
    (["--branch", "gh-pages", "--dry-run"], "--dry-run only applies to a folder deploy"),
    (["--to", "x", "--no-build", "--base-url", "https://x.org/"], "--base-url needs a build"),
    (["--to", "x", "--remote", "r", "--no-push"], "--remote, --no-push only applies to a git branch deploy"),
])
def test_usage_errors_exit_2(make_site: SiteFactory, capsys: pytest.CaptureFixture[str], argv: list[str],
                             message: str) -> None:
    site = make_site(SITE)
    assert main(["deploy", str(site), *argv]) == 2
    assert message in capsys.readouterr().err
    assert not (site / "public").exists()


def test_both_targets_in_config_need_a_flag(make_site: SiteFactory, capsys: pytest.CaptureFixture[str]) -> None:
    site = make_site(SITE, CONFIG + "deploy:\n  branch: gh-pages\n  folder: /srv/desk\n")
    assert main(["deploy", str(site)]) == 2
    assert "sets both deploy.branch and deploy.folder" in capsys.readouterr().err


def test_deploy_config(tmp_path: Path) -> None:
    (tmp_path / "config.yaml").write_text(CONFIG + "deploy:\n  branch: gh-pages\n  cname: desk.example.org\n")
    deploy = load_config(tmp_path).deploy
    assert (deploy.branch, deploy.remote, deploy.folder, deploy.cname) == ("gh-pages", "origin", "", "desk.example.org")
    (tmp_path / "config.yaml").write_text(CONFIG + "deploy:\n  brnach: gh-pages\n  cname: https://desk.example.org/\n")
    with pytest.raises(ContentError) as info:
        load_config(tmp_path)
    assert [d.format() for d in info.value.diagnostics] == [
        "config.yaml:5:3: error: unknown key 'deploy.brnach' (did you mean 'branch'?)",
        "config.yaml:6:10: error: 'deploy.cname' must be a host name, not 'https://desk.example.org/' "
        "(write the bare domain, e.g. desk.example.org)",
    ]
