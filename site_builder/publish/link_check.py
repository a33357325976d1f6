"""Check a built output folder: every internal link and anchor resolves, and on request every external one."""

from __future__ import annotations

import http.client
import os
import re
import urllib.error
import urllib.request
from collections.abc import Iterable, Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor, ThreadPoolExecutor
from dataclasses import dataclass
from http.client import HTTPMessage
from pathlib import Path
from typing import IO
from urllib.parse import quote, unquote, urldefrag, urljoin, urlsplit

from site_builder import __version__
from site_builder.publish.link_scan import Link, output_files, parse_file

_SKIPPED_SCHEMES = frozenset({"mailto", "tel", "data"})
_WEB_SCHEMES = frozenset({"http", "https"})
_SCHEME = re.compile(r"^([a-z][a-z0-9+.\-]*):")
_CONTROL = re.compile(r"[\x00-\x20\x7f]+")

NO_FILE = "no such file"
NO_ANCHOR = "no such anchor"
OUTSIDE = "outside the site"
JAVASCRIPT = "javascript: URL"
# Below this many files a pool costs more to start than it saves.
PARALLEL_FROM = 2000


@dataclass(frozen=True, order=True)
class Problem:
    """One broken link: the output file and line it is written on, the target as written, and why."""

    page: str
    line: int
    target: str
    reason: str

    def format(self) -> str:
        """`page:line: error: broken link to TARGET (reason)`, the form editors and CI can jump to."""
        if not self.target:  # a file that could not be read for links at all
            return f"{self.page}:{self.line}: error: {self.reason}"
        return f"{self.page}:{self.line}: error: broken link to {self.target} ({self.reason})"


@dataclass(frozen=True)
class LinkReport:
    """What a check found: problems sorted by page and line, and what was looked at."""

    problems: tuple[Problem, ...]
    pages: int  # HTML pages parsed
    links: int  # link occurrences checked (internal and, with external, external)
    external: int  # distinct external URLs requested


@dataclass(frozen=True)
class Here:
    """An output file as a base for its relative links: its path, its folder's segments and its URL."""

    rel: str
    folder: tuple[str, ...]
    url: str


class Resolver:
    """Maps a link written in an output file onto a file of the output, the web, or a reason it is broken.

    Plain relative and root-absolute paths, nearly every link of a site, are joined with string
    operations; anything else (schemes, `//host`, a climb above the site) goes through urljoin, which
    costs far more and would dominate a check of a big site.
    """

    def __init__(self, base_url: str, files: Iterable[str]) -> None:
        parts = urlsplit(base_url)
        self.base_url = base_url if base_url.endswith("/") else base_url + "/"
        self.host = parts.netloc.lower()
        self.base_path = parts.path.rstrip("/") + "/"
        self.files = frozenset(files)
        self.folders = frozenset(f.rsplit("/", 1)[0] for f in self.files if "/" in f)
        self._answers: dict[tuple[tuple[str, ...], str], tuple[str, str, str]] = {}

    def here(self, rel: str) -> Here:
        """The base of the links in output file `rel`, served at base_url + rel."""
        return Here(rel, tuple(rel.split("/")[:-1]), self.base_url + quote(rel))

    def resolve(self, here: Here, target: str) -> tuple[str, str, str]:
        """('skip'|'external'|'problem'|'file', value, fragment): value is a URL, a reason or an output file.

        Answers are remembered by what they depend on: the folder the link climbs to (`../../x/` from
        any page two folders deep is the same link) and the rest of it; root-absolute and absolute
        links depend on no folder. Most links of a site repeat, so most are looked up, not resolved.
        """
        written = target.strip()
        if written[:1] in ("", "#", "?"):  # this very page
            return self._resolve(here, written)
        ups = 0
        while written.startswith("../", 3 * ups):
            ups += 1
        depth = len(here.folder)
        if ups > depth:
            return self._resolve(here, written)
        independent = written[0] == "/" or ":" in written.split("/", 1)[0]
        key = ((), written) if independent else (here.folder[:depth - ups], written[3 * ups:])
        answer = self._answers.get(key)
        if answer is None:
            answer = self._answers[key] = self._resolve(here, written)
        return answer

    def _resolve(self, here: Here, written: str) -> tuple[str, str, str]:
        path, _, fragment = written.partition("#")
        path = path.partition("?")[0]
        head = path.split("/", 1)[0]
        if ":" in head or path.startswith("//") or "\\" in path:
            return self._resolve_url(here, written)
        if not path:  # "", "?q" or "#fragment": this very file
            return self._file(here.rel, fragment)
        if path.startswith("/"):
            path = path + "/" if path + "/" == self.base_path else path  # the site root without its slash
            if not path.startswith(self.base_path):
                return "problem", OUTSIDE, ""
            segments = path[len(self.base_path):].split("/")
            folder: list[str] = []
        else:
            segments = path.split("/")
            folder = list(here.folder)
        for segment in segments[:-1]:
            if segment == "..":
                if not folder:  # above the site root: urljoin's rules decide where that lands
                    return self._resolve_url(here, written)
                folder.pop()
            elif segment != ".":
                folder.append(segment)
        last = segments[-1]
        if last in (".", ".."):
            if last == ".." and not folder:
                return self._resolve_url(here, written)
            folder = folder[:-1] if last == ".." else folder
            last = ""
        rel = "/".join([*folder, last])
        return self._file(unquote(rel) if "%" in rel else rel, fragment)

    def _resolve_url(self, here: Here, written: str) -> tuple[str, str, str]:
        """The general case, by the URL standard's rules: schemes, network paths, climbs above the site."""
        scheme = _SCHEME.match(_CONTROL.sub("", written).lower())
        if scheme and scheme.group(1) == "javascript":
            return "problem", JAVASCRIPT, ""
        if scheme and scheme.group(1) in _SKIPPED_SCHEMES:
            return "skip", "", ""
        url = urljoin(here.url, written)
        parts = urlsplit(url)
        if parts.scheme not in _WEB_SCHEMES:
            return "skip", "", ""
        if not parts.path.startswith(self.base_path) or parts.netloc.lower() != self.host:
            if scheme is not None or written.startswith("//"):
                return "external", urldefrag(url)[0], ""
            return "problem", OUTSIDE, ""
        return self._file(unquote(parts.path[len(self.base_path):]), parts.fragment)

    def _file(self, rel: str, fragment: str) -> tuple[str, str, str]:
        """A site path onto its output file: a folder means its index.html, as web servers serve it."""
        if rel == "" or rel.endswith("/"):
            rel += "index.html"
        elif rel not in self.files and rel in self.folders:
            rel += "/index.html"
        if rel not in self.files:
            return "problem", NO_FILE, ""
        return "file", rel, unquote(fragment) if "%" in fragment else fragment


@dataclass(frozen=True)
class Scanned:
    """One output file after its links were resolved; fragments wait until every page's anchors are known."""

    rel: str
    anchors: frozenset[str] | None  # None: not an HTML page
    problems: tuple[Problem, ...]
    fragments: tuple[tuple[Link, str, str], ...]  # (link, target file, fragment)
    remote: tuple[tuple[Link, str], ...]  # (link, external URL without its fragment)
    checked: int  # internal links resolved


def scan_files(out_dir: Path, base_url: str, files: Sequence[str], rels: Sequence[str]) -> list[Scanned]:
    """Parse the output files `rels` (of all `files`) and resolve their links; a pool worker runs this on a share."""
    resolver = Resolver(base_url, files)
    scanned = []
    for rel in rels:
        parsed = parse_file(out_dir / rel)
        if parsed is None:
            continue
        problems = [Problem(rel, parsed.error[0], "", parsed.error[1])] if parsed.error else []
        fragments = []
        remote = []
        checked = 0
        here = resolver.here(rel)
        for link in parsed.links:
            kind, value, fragment = resolver.resolve(here, link.target)
            if kind == "external":
                remote.append((link, value))
            elif kind == "problem":
                problems.append(Problem(rel, link.line, link.target, value))
            elif kind == "file" and fragment and fragment != "top":
                fragments.append((link, value, fragment))
            checked += kind in ("problem", "file")
        scanned.append(Scanned(rel, parsed.anchors, tuple(problems), tuple(fragments), tuple(remote), checked))
    return scanned


def _scan_share(args: tuple[Path, str, Sequence[str], Sequence[str]]) -> list[Scanned]:
    return scan_files(*args)


def _processes() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on every platform
        return os.cpu_count() or 1


def check_output(out_dir: Path, base_url: str, external: bool = False, timeout: float = 10.0,
                 workers: int = 8, processes: int | None = None) -> LinkReport:
    """Check every link of the site built in `out_dir`, served at `base_url`.

    Files are parsed and resolved first (in `processes` worker processes, by default one per core
    for large sites), then fragments are looked up in their target pages, then, with `external`,
    every distinct http(s) URL outside the site is requested by `workers` threads.
    """
    files = output_files(out_dir)
    count = processes if processes is not None else (_processes() if len(files) >= PARALLEL_FROM else 1)
    if count > 1:
        size = -(-len(files) // (count * 4))  # a few shares each, so one slow share does not hold the rest
        shares = [(out_dir, base_url, files, files[i:i + size]) for i in range(0, len(files), size)]
        with ProcessPoolExecutor(max_workers=count) as pool:
            scanned = [s for share in pool.map(_scan_share, shares) for s in share]
    else:
        scanned = scan_files(out_dir, base_url, files, files)
    anchors = {s.rel: s.anchors for s in scanned}
    problems = [p for s in scanned for p in s.problems]
    checked = sum(s.checked for s in scanned)
    for s in scanned:
        for link, target, fragment in s.fragments:
            page_anchors = anchors.get(target)
            if page_anchors is not None and fragment not in page_anchors:
                problems.append(Problem(s.rel, link.line, link.target, NO_ANCHOR))
    remote: dict[str, list[tuple[str, Link]]] = {}
    if external:
        for s in scanned:
            for link, url in s.remote:
                remote.setdefault(url, []).append((s.rel, link))
        for url, reason in check_urls(sorted(remote), timeout=timeout, workers=workers).items():
            checked += len(remote[url])
            if reason is not None:
                problems.extend(Problem(rel, link.line, link.target, reason) for rel, link in remote[url])
    pages = sum(1 for s in scanned if s.anchors is not None)
    return LinkReport(tuple(sorted(problems)), pages, checked, len(remote))


def plural(count: int, word: str) -> str:
    """`1 page`, `2 pages`."""
    return f"{count} {word}{'' if count == 1 else 's'}"


def report_lines(report: LinkReport) -> Iterator[str]:
    """What `check` prints on stderr for a report with problems: one line each, then the count."""
    for problem in report.problems:
        yield problem.format()
    yield f"{plural(len(report.problems), 'broken link')} in {plural(report.pages, 'page')}"


# External links: each distinct URL requested once, HEAD first, in a small thread pool.

USER_AGENT = f"Mozilla/5.0 (compatible; site-builder/{__version__} link checker)"
# Servers that do not implement HEAD answer these; the same URL is then fetched with GET.
_HEAD_REFUSED = frozenset({405, 501})


class _SameMethodRedirects(urllib.request.HTTPRedirectHandler):
    """Follow redirects with the method asked for: urllib turns a redirected HEAD into a GET of the whole page."""

    def redirect_request(self, req: urllib.request.Request, fp: IO[bytes], code: int, msg: str,
                         headers: HTTPMessage, newurl: str) -> urllib.request.Request | None:
        new = super().redirect_request(req, fp, code, msg, headers, newurl)
        if new is not None:
            new.method = req.get_method()
        return new


def opener() -> urllib.request.OpenerDirector:
    """An opener for link checks (the environment's proxy settings apply, as for any client)."""
    return urllib.request.build_opener(_SameMethodRedirects)


def fetch_status(client: urllib.request.OpenerDirector, url: str, method: str, timeout: float) -> int:
    """The final HTTP status of a request (redirects followed); HTTP errors are returned, not raised."""
    request = urllib.request.Request(url, method=method, headers={"User-Agent": USER_AGENT, "Accept": "*/*"})
    try:
        with client.open(request, timeout=timeout) as response:
            status: int = response.status
            return status
    except urllib.error.HTTPError as exc:
        exc.close()
        return exc.code


def check_url(client: urllib.request.OpenerDirector, url: str, timeout: float) -> str | None:
    """None when the URL answers with a success or redirect to one; else why not (`HTTP 404`, `timed out`)."""
    try:
        status = fetch_status(client, url, "HEAD", timeout)
        if status in _HEAD_REFUSED:
            status = fetch_status(client, url, "GET", timeout)
    except urllib.error.URLError as exc:
        reason = exc.reason
        if isinstance(reason, TimeoutError):
            return "timed out"
        return str(reason.strerror if isinstance(reason, OSError) and reason.strerror else reason)
    except TimeoutError:  # a read that stalls after the connection was made
        return "timed out"
    except (OSError, http.client.HTTPException, ValueError) as exc:
        return f"{type(exc).__name__}: {exc}" if str(exc) else type(exc).__name__
    if status >= 400:
        return f"HTTP {status}"
    return None


def check_urls(urls: Sequence[str], timeout: float = 10.0, workers: int = 8) -> dict[str, str | None]:
    """URL → None (fine) or the reason it is broken; each URL once, several at a time (they wait on the network)."""
    if not urls:
        return {}
    client = opener()
    with ThreadPoolExecutor(max_workers=max(1, min(workers, len(urls)))) as pool:
        results = list(pool.map(lambda url: check_url(client, url, timeout), urls))
    return dict(zip(urls, results, strict=True))
