"""The dev server on a free port against real sites: serving, path safety, Host checks, rebuilds, overlay state."""

from __future__ import annotations

import json
import os
import random
import re
import signal
import socket
import subprocess
import sys
import threading
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from conftest import MINIMAL_CONFIG, SiteFactory, briefing, hanging_indexer, read_tree, started_pid

from bench.stop_latency import output_files, site_processes, staged
from site_builder.build.builder import Builder, BuildResult
from site_builder.build.options import BuildOptions
from site_builder.core.cancel import CancelToken
from site_builder.core.errors import SiteError
from site_builder.core.output_lock import LOCK_NAME, OutputLock
from site_builder.core.progress import Progress, Stage
from site_builder.serve.dev_server import PREVIEW, DevServer
from site_builder.serve.http_handler import host_allowed, resolve
from site_builder.serve.live_reload import STATE_ELEMENT_ID, BuildEvent, inject, script_safe_json

TIMEOUT = 30.0  # generous for a loaded two-core machine; conditions end the waits long before
REPO = Path(__file__).resolve().parents[2]
ALPHA = "content/briefings/2023-01-29-alpha.md"
ALPHA_PAGE = "briefings/alpha/index.html"
SITE = {
    ALPHA: briefing(title="Alpha", body="Alpha body text."),
    "content/briefings/2023-01-30-beta.md": briefing(title="Beta", date="2023-01-30", body="Beta body text."),
    "content/pages/about.md": "---\ntitle: About\n---\n\nAbout this desk.\n",
    "static/img/dot.svg": '<svg xmlns="http://www.w3.org/2000/svg"/>',
    "static/data.json": "{}",
    "secret.txt": "TOPSECRET-IN-SITE",
}


@dataclass
class Response:
    status: int
    headers: dict[str, str]
    body: bytes

    @property
    def text(self) -> str:
        return self.body.decode("utf-8", "replace")

    def state(self) -> dict[str, Any]:
        """The live-reload state injected into an HTML response."""
        match = re.search(rf'<script type="application/json" id="{STATE_ELEMENT_ID}">(.*?)</script>', self.text)
        assert match, self.text[-500:]
        loaded: dict[str, Any] = json.loads(match.group(1))
        return loaded


def raw(port: int, data: bytes, timeout: float = TIMEOUT) -> bytes:
    """Send bytes, read until the server closes the connection."""
    with socket.create_connection(("127.0.0.1", port), timeout=timeout) as sock:
        sock.sendall(data)
        chunks = []
        while chunk := sock.recv(65536):
            chunks.append(chunk)
    return b"".join(chunks)


def request(server: DevServer, target: str | bytes, host: str | None = "", method: str = "GET",
            headers: Iterable[str] = ()) -> Response:
    port = server.httpd.port
    target_bytes = target.encode() if isinstance(target, str) else target
    lines = [method.encode() + b" " + target_bytes + b" HTTP/1.1"]
    if host is not None:
        lines.append(f"Host: {host or f'127.0.0.1:{port}'}".encode())
    lines += [h.encode() for h in headers] + [b"Connection: close", b"", b""]
    reply = raw(port, b"\r\n".join(lines))
    head, _, body = reply.partition(b"\r\n\r\n")
    status_line, *header_lines = head.decode("latin-1").split("\r\n")
    fields = {k.lower(): v.strip() for k, _, v in (line.partition(":") for line in header_lines)}
    return Response(int(status_line.split()[1]), fields, body)


def wait_until(check: Callable[[], Any], timeout: float = TIMEOUT) -> Any:
    """Poll a condition until it holds; fails with the last value after the timeout."""
    done = threading.Event()
    deadline = timeout / 0.05
    value = None
    for _ in range(int(deadline)):
        value = check()
        if value:
            return value
        done.wait(0.05)
    raise AssertionError(f"condition not met within {timeout} s (last: {value!r})")


def edit(root: Path, rel: str, text: str) -> None:
    path = root / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")


def next_event(server: DevServer, version: int) -> BuildEvent:
    event = server.state.wait_for_version(version, TIMEOUT)
    assert event is not None, "no build happened"
    return event


def wait_for_event(server: DevServer, since: int, predicate: Callable[[BuildEvent], bool]) -> BuildEvent:
    """The first build after `since` that satisfies the predicate (one edit may give two builds)."""
    while True:
        event = next_event(server, since)
        if predicate(event):
            return event
        since = event.version


ServerFactory = Callable[..., DevServer]


@pytest.fixture
def serve(make_site: SiteFactory) -> Iterator[ServerFactory]:
    servers: list[DevServer] = []

    def factory(files: dict[str, str | bytes] | None = None, root: Path | None = None, **options: Any) -> DevServer:
        site = root or make_site(dict(SITE if files is None else files))
        server = DevServer(site, port=0, **options)
        servers.append(server)
        server.start()
        return server

    yield factory
    for server in servers:
        server.stop()


# -- serving ---------------------------------------------------------------------------------------------------

def test_serves_the_output_folder_under_the_base_path(serve: ServerFactory) -> None:
    server = serve()
    assert server.url.endswith("/desk/")
    home = request(server, "/desk/")
    assert home.status == 200 and home.headers["content-type"] == "text/html; charset=utf-8"
    assert home.headers["cache-control"] == "no-store"
    assert "Alpha" in home.text
    page = request(server, f"/desk/{ALPHA_PAGE}")
    assert page.status == 200 and "Alpha body text." in page.text
    assert page.state()["pages"] == [ALPHA_PAGE] and page.state()["root"] == "/desk/"
    assert request(server, "/desk/briefings/alpha/").body == page.body
    moved = request(server, "/desk/briefings/alpha")
    assert moved.status == 301 and moved.headers["location"] == "/desk/briefings/alpha/"
    assert request(server, "/").headers["location"] == "/desk/"
    assert request(server, "/desk").headers["location"] == "/desk/"
    for target, kind in [("/desk/css/site.css", "text/css; charset=utf-8"), ("/desk/img/dot.svg", "image/svg+xml"),
                         ("/desk/feed.xml", "application/xml; charset=utf-8"), ("/desk/data.json", "application/json"),
                         ("/desk/robots.txt", "text/plain; charset=utf-8")]:
        response = request(server, target)
        assert (response.status, response.headers["content-type"]) == (200, kind), target
        assert b"__site-builder" not in response.body
    head = request(server, f"/desk/{ALPHA_PAGE}", method="HEAD")
    assert head.status == 200 and head.body == b"" and int(head.headers["content-length"]) == len(page.body)
    assert request(server, "/desk/", method="POST").status == 501


def test_script_is_injected_into_responses_only(serve: ServerFactory) -> None:
    server = serve()
    page = request(server, f"/desk/{ALPHA_PAGE}")
    assert page.text.count('<script src="/__site-builder/reload.js"></script>') == 1
    assert page.text.index("__site-builder-state") < page.text.rindex("</body>")
    on_disk = (server.state.snapshot().out_dir / ALPHA_PAGE).read_bytes()
    assert b"__site-builder" not in on_disk
    assert len(page.body) > len(on_disk)
    script = request(server, "/__site-builder/reload.js")
    assert script.status == 200 and script.headers["content-type"].startswith("text/javascript")
    assert b"EventSource" in script.body
    assert request(server, "/__site-builder/nothing").status == 404


def test_missing_page_serves_the_sites_404_with_status_404(serve: ServerFactory) -> None:
    server = serve()
    missing = request(server, "/desk/briefings/not-yet/")
    assert missing.status == 404
    assert "couldn’t find that page" in missing.text
    assert missing.state()["pages"] == ["briefings/not-yet/index.html", "404.html"]
    assert request(server, "/elsewhere/").status == 404


def test_injection_cannot_be_broken_out_of() -> None:
    state = {"errors": [{"message": "</script><script>alert(1)</script>\u2028"}]}
    html = inject(b"<html><body><p>x</p></BODY></html>", state)
    assert html.count(b"</script>") == 2 and b"<script>alert" not in html
    assert html.endswith(b"</BODY></html>")
    assert json.loads(script_safe_json(state)) == state
    assert inject(b"fragment", {}).startswith(b"fragment<script")


# -- path safety -------------------------------------------------------------------------------------------------

TRAVERSALS = [
    "/desk/../secret.txt", "/desk/../../etc/passwd", "/desk/%2e%2e/secret.txt", "/desk/%2E%2E/secret.txt",
    "/desk/..%2fsecret.txt", "/desk/%2e%2e%2fsecret.txt", "/desk/%252e%252e/secret.txt",
    "/desk/%252e%252e%252fsecret.txt", "/desk/..%5csecret.txt", "/desk/..\\secret.txt", "/desk/%5c..%5csecret.txt",
    "/desk/css/../../secret.txt", "/desk/./../secret.txt", "/desk/%00", "/desk/index.html%00.css",
    "/desk/%c0%ae%c0%ae/secret.txt", "/desk/%c0%af../secret.txt", "/desk/%ff", "//secret.txt",
    "/desk//../secret.txt", "/desk/.site-builder-manifest", "/desk/%2e/secret.txt", "/desk/....//secret.txt",
    "/desk/escape/secret.txt", "/desk/escape-file", "/desk/escape-up", "/secret.txt", "/desk/%0d%0aX: y",
]


def test_nothing_outside_the_output_folder_is_served(serve: ServerFactory, tmp_path: Path) -> None:
    server = serve()
    out = server.state.snapshot().out_dir
    outside = tmp_path / "outside"
    outside.mkdir(exist_ok=True)
    (outside / "secret.txt").write_text("TOPSECRET-OUTSIDE")
    (out / "escape").symlink_to(outside)
    (out / "escape-file").symlink_to(outside / "secret.txt")
    (out / "escape-up").symlink_to("../secret.txt")
    for target in TRAVERSALS:
        response = request(server, target)
        assert response.status in (301, 302, 400, 403, 404), (target, response.status)
        assert b"TOPSECRET" not in response.body, target
        if response.status in (301, 302):
            location = response.headers["location"]
            assert location.startswith("/") and not location.startswith("//"), target


def test_symlinks_inside_the_output_folder_are_followed(serve: ServerFactory) -> None:
    server = serve()
    out = server.state.snapshot().out_dir
    (out / "alias.html").symlink_to(out / ALPHA_PAGE)
    assert request(server, "/desk/alias.html").status == 200


def test_resolve_is_pure_and_decodes_once(tmp_path: Path) -> None:
    (tmp_path / "a%2e").mkdir()
    (tmp_path / "a%2e" / "index.html").write_text("x")
    found = resolve(tmp_path, "/", "/a%252e/")  # one decoding: the folder literally named 'a%2e'
    assert found.status == 200 and found.pages == ("a%2e/index.html",)
    assert resolve(tmp_path, "/", "/a%2e/").status == 404
    assert resolve(tmp_path, "/", "/../x").status == 403
    assert resolve(tmp_path, "/dé/", "/").location == "/d%C3%A9/"  # headers are ASCII
    assert resolve(tmp_path, "/dé/", "/d%C3%A9/a%252e").location == "/d%C3%A9/a%252e/"


# -- Host header (DNS rebinding) -------------------------------------------------------------------------------

def test_foreign_host_headers_are_refused(serve: ServerFactory) -> None:
    server = serve()
    port = server.httpd.port
    for good in (f"localhost:{port}", f"127.0.0.1:{port}", f"[::1]:{port}", f"LOCALHOST:{port}", None):
        assert request(server, "/desk/", host=good).status == 200, good
    for bad in (f"evil.example:{port}", "evil.example", f"localhost:{port + 1}", "localhost",
                f"127.0.0.1.evil.example:{port}", f"localhost:{port}@evil.example", ""):
        response = request(server, "/desk/", host=bad) if bad else request(server, "/desk/", host=" ")
        assert response.status == 403, bad
        assert b"Alpha" not in response.body
    twice = request(server, "/desk/", headers=["Host: evil.example"])
    assert twice.status in (400, 403)


def test_host_allowed_rules() -> None:
    assert host_allowed("localhost:8000", 8000) and host_allowed("127.0.0.1:8000", 8000)
    assert host_allowed("[::1]:8000", 8000) and host_allowed("localhost", 80) and host_allowed(None, 8000)
    assert not host_allowed("localhost", 8000) and not host_allowed("attacker.test:8000", 8000)


# -- robustness ------------------------------------------------------------------------------------------------

def malformed_requests(count: int) -> Iterator[bytes]:
    rng = random.Random(1)
    fixed = [
        b"", b"\r\n\r\n", b"GET\r\n\r\n", b"GET / HTTP/9.9\r\n\r\n", b"GET / FOO/1.1\r\n\r\n",
        b"GET /desk/ HTTP/1.1\r\nHost\r\n\r\n", b"\x00\x01\x02\xff\xfe\r\n\r\n", b"GET " + b"a" * 70000 + b" HTTP/1.1\r\n\r\n",
        b"GET /desk/ HTTP/1.1\r\nX: " + b"y" * 70000 + b"\r\n\r\n",
        b"GET /desk/ HTTP/1.1\r\n" + b"".join(b"H%d: v\r\n" % i for i in range(150)) + b"\r\n",
        b"POST /desk/ HTTP/1.1\r\nContent-Length: 5\r\n\r\nhello", b"BREW /pot HTCPCP/1.0\r\n\r\n",
        b"GET /desk/%zz%%% HTTP/1.1\r\n\r\n", b"GET /__site-builder/events?since=abc&boot=%ff HTTP/1.1\r\n\r\n",
        b"GET /__site-builder/events?" + b"&".join(b"k%d=v" % i for i in range(50)) + b" HTTP/1.1\r\n\r\n",
        b"GET /__site-builder/events HTTP/1.1\r\nLast-Event-ID: 99999999999999999999\r\n\r\n",
        b"GET http://evil.example/desk/ HTTP/1.1\r\n\r\n", b"GET * HTTP/1.1\r\n\r\n", b"GET /desk/ HTTP/1.1\n\n",
        "GET /desk/\u00e9\u2603 HTTP/1.1\r\n\r\n".encode(), b"GET /desk/ HTTP/1.1\r\nHost: \xff\xfe\r\n\r\n",
        b"GET /desk/ HTTP/1.1\r\n Folded: header\r\n\r\n", b"HEAD /__site-builder/events HTTP/1.0\r\n\r\n",
    ]
    for i in range(count):
        if i < len(fixed):
            yield fixed[i]
        elif i % 3 == 0:
            yield bytes(rng.randrange(256) for _ in range(rng.randrange(1, 300)))
        elif i % 3 == 1:
            junk = "".join(rng.choice("%./\\\x00?#&=:@ab\u00e9") for _ in range(rng.randrange(1, 40)))
            yield f"GET /desk/{junk} HTTP/1.1\r\n\r\n".encode("utf-8", "surrogateescape")
        else:
            method = rng.choice([b"GET", b"PUT", b"DELETE", b"OPTIONS", b"get", b"G\x00T"])
            yield method + b" /" + bytes(rng.randrange(33, 127) for _ in range(20)) + b" HTTP/1.0\r\n\r\n"


def test_survives_a_thousand_malformed_requests(serve: ServerFactory) -> None:
    server = serve()
    port = server.httpd.port
    for data in malformed_requests(1000):
        with socket.create_connection(("127.0.0.1", port), timeout=TIMEOUT) as sock:
            try:
                sock.sendall(data)
                sock.shutdown(socket.SHUT_WR)  # so a request without its blank line still gets an answer now
                received = b""
                while b"retry:" not in received and (chunk := sock.recv(65536)):
                    received += chunk  # an event stream never ends by itself: stop at its first line
            except (ConnectionResetError, BrokenPipeError):
                pass  # the server may close on garbage before reading all of it
    good = request(server, f"/desk/{ALPHA_PAGE}")
    assert good.status == 200 and "Alpha body text." in good.text


# -- rebuilds, events and the overlay state -----------------------------------------------------------------------

class EventStream:
    """A Server-Sent Events client on a raw socket."""

    def __init__(self, server: DevServer, since: int, boot: str | None = None, page: str | None = None) -> None:
        self.sock = socket.create_connection(("127.0.0.1", server.httpd.port), timeout=TIMEOUT)
        boot = boot or server.state.snapshot().boot
        shown = f"&page={page}" if page else ""  # the output file of the tab's page, as the script sends it
        self.sock.sendall(f"GET /__site-builder/events?since={since}&boot={boot}{shown} HTTP/1.1\r\n"
                          f"Host: localhost:{server.httpd.port}\r\n\r\n".encode())
        self.file = self.sock.makefile("rb")
        status = self.file.readline()
        assert b" 200 " in status, status
        while self.file.readline() not in (b"\r\n", b"\n", b""):
            pass

    def next(self) -> dict[str, Any]:
        """The next data message (comments, ids and retry lines skipped)."""
        while True:
            line = self.file.readline()
            assert line, "stream closed"
            if line.startswith(b"data: "):
                loaded: dict[str, Any] = json.loads(line[6:])
                return loaded

    def close(self) -> None:
        self.file.close()
        self.sock.close()


def test_the_thread_of_an_event_stream_ends_when_its_tab_closes(serve: ServerFactory) -> None:
    server = serve(ping=0.05)
    stream = EventStream(server, server.state.snapshot().version)
    threads = wait_until(server.httpd.stream_threads)
    assert len(threads) == 1
    stream.close()  # the tab goes; nothing is sent from the server's side until the next ping
    threads[0].join(TIMEOUT)
    assert not threads[0].is_alive()
    assert server.httpd.stream_threads() == ()


def test_the_event_stream_ping_is_a_positive_interval(make_site: SiteFactory) -> None:
    with pytest.raises(ValueError, match="positive"):
        DevServer(make_site(dict(SITE)), port=0, ping=0)


def test_edit_rebuilds_and_events_name_the_changed_pages(serve: ServerFactory) -> None:
    server = serve()
    version = server.state.snapshot().version
    stream = EventStream(server, version)
    try:
        edit(server.root, ALPHA, briefing(title="Alpha", body="Alpha body, edited."))
        message = stream.next()
        while ALPHA_PAGE not in message["changed"]:
            message = stream.next()
        assert message["ok"] and message["errors"] == [] and "about/index.html" not in message["changed"]
    finally:
        stream.close()
    assert "Alpha body, edited." in request(server, f"/desk/{ALPHA_PAGE}").text


def test_css_only_change_names_only_the_stylesheet(serve: ServerFactory) -> None:
    server = serve()
    version = server.state.snapshot().version
    edit(server.root, "static/css/site.css", "body { color: rgb(1, 2, 3); }\n")
    event = wait_for_event(server, version, lambda e: "css/site.css" in e.changed)
    assert event.ok and event.changed == ("css/site.css",)


def test_new_and_deleted_briefings(serve: ServerFactory) -> None:
    server = serve()
    version = server.state.snapshot().version
    edit(server.root, "content/briefings/2023-02-01-gamma.md", briefing(title="Gamma", date="2023-02-01"))
    wait_for_event(server, version, lambda e: "briefings/gamma/index.html" in e.changed)
    assert "Gamma" in request(server, "/desk/").text
    version = server.state.snapshot().version
    (server.root / "content/briefings/2023-02-01-gamma.md").unlink()
    wait_for_event(server, version, lambda e: "briefings/gamma/index.html" in e.changed)
    assert request(server, "/desk/briefings/gamma/").status == 404
    assert "Gamma" not in request(server, "/desk/").text


def test_build_error_keeps_the_last_good_site_and_every_page_carries_it(serve: ServerFactory) -> None:
    server = serve()
    version = server.state.snapshot().version
    stream = EventStream(server, version)
    try:
        edit(server.root, ALPHA, "---\ntitle: Alpha\ndate: 2023-02-31\n---\n\nBroken.\n")
        message = stream.next()
        while message["ok"]:
            message = stream.next()
        error = message["errors"][0]
        assert error["path"] == ALPHA and error["line"] == 3 and "real date" in error["message"]
        for target in (f"/desk/{ALPHA_PAGE}", "/desk/about/", "/desk/missing/"):
            response = request(server, target)
            assert response.state()["errors"][0]["path"] == ALPHA, target
        assert "Alpha body text." in request(server, f"/desk/{ALPHA_PAGE}").text  # the last good build
        edit(server.root, ALPHA, briefing(title="Alpha", body="Alpha body, fixed."))
        message = stream.next()
        while not message["ok"]:
            message = stream.next()
        assert message["errors"] == [] and ALPHA_PAGE in message["changed"]
    finally:
        stream.close()
    page = request(server, f"/desk/{ALPHA_PAGE}")
    assert page.state()["errors"] == [] and "Alpha body, fixed." in page.text


def test_a_failing_first_build_still_serves_the_error(serve: ServerFactory) -> None:
    server = serve({ALPHA: "---\ntitle: Alpha\n---\n\nNo date.\n"})
    home = request(server, "/desk/")
    assert home.status == 404
    assert home.state()["errors"][0]["path"] == ALPHA
    version = server.state.snapshot().version
    edit(server.root, ALPHA, briefing(title="Alpha", body="Now it builds."))
    assert wait_for_event(server, version, lambda e: e.ok)
    assert "Now it builds." in request(server, f"/desk/{ALPHA_PAGE}").text


def test_events_catch_up_and_tell_stale_pages_to_reload(serve: ServerFactory) -> None:
    server = serve()
    first = server.state.snapshot().version
    edit(server.root, ALPHA, briefing(title="Alpha", body="Catch up."))
    wait_for_event(server, first, lambda e: ALPHA_PAGE in e.changed)
    stream = EventStream(server, first)  # connected after the build: still told about it
    try:
        assert ALPHA_PAGE in stream.next()["changed"]
    finally:
        stream.close()
    stale = EventStream(server, first, boot="an-earlier-server")
    try:
        assert stale.next() == {"reload": True}
    finally:
        stale.close()


class GatedBuilder:
    """A real builder whose rebuilds wait for the test, or fail the way a bug would."""

    def __init__(self, root: Path) -> None:
        self.inner = Builder(root)
        self.entered = threading.Event()
        self.release = threading.Event()
        self.crash = False

    def build(self) -> BuildResult:
        return self.inner.build()

    def rebuild(self, changed: Iterable[str]) -> BuildResult:
        self.entered.set()
        assert self.release.wait(TIMEOUT)
        if self.crash:
            raise RuntimeError("boom")
        return self.inner.rebuild(changed)


def test_requests_wait_while_a_build_runs(serve: ServerFactory, make_site: SiteFactory) -> None:
    root = make_site(dict(SITE))
    builder = GatedBuilder(root)
    server = serve(root=root, builder=builder)
    edit(root, ALPHA, briefing(title="Alpha", body="Written during the build."))
    assert builder.entered.wait(TIMEOUT)
    answers: list[Response] = []
    done = threading.Event()

    def fetch() -> None:
        answers.append(request(server, f"/desk/{ALPHA_PAGE}"))
        done.set()

    threading.Thread(target=fetch, daemon=True).start()
    assert not done.wait(0.5)  # held while the build runs
    assert request(server, "/__site-builder/reload.js").status == 200  # the server itself is not blocked
    builder.release.set()
    assert done.wait(TIMEOUT)
    assert "Written during the build." in answers[0].text


def test_an_unexpected_builder_exception_is_shown_not_fatal(serve: ServerFactory, make_site: SiteFactory) -> None:
    root = make_site(dict(SITE))
    builder = GatedBuilder(root)
    builder.crash = True
    builder.release.set()
    server = serve(root=root, builder=builder)
    version = server.state.snapshot().version
    edit(root, ALPHA, briefing(title="Alpha", body="Crash."))
    event = wait_for_event(server, version, lambda e: not e.ok)
    assert "RuntimeError: boom" in event.errors[0].message
    assert request(server, "/desk/").state()["errors"][0]["message"].endswith("boom")
    builder.crash = False
    version = event.version
    edit(root, ALPHA, briefing(title="Alpha", body="Recovered."))
    wait_for_event(server, version, lambda e: e.ok)
    assert "Recovered." in request(server, f"/desk/{ALPHA_PAGE}").text


# -- the command line ------------------------------------------------------------------------------------------

@pytest.mark.parametrize(("signum", "code"), [(signal.SIGINT, 130), (signal.SIGTERM, 143)])
def test_serve_command_prints_the_url_and_stops_on_a_signal_with_one_line(make_site: SiteFactory, signum: int,
                                                                           code: int) -> None:
    root = make_site(dict(SITE))
    process = subprocess.Popen([sys.executable, "-m", "site_builder", "serve", str(root), "--port", "0"],
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=root,
                               env={**os.environ, "PYTHONUNBUFFERED": "1", "PYTHONPATH": str(REPO)})
    try:
        assert process.stdout is not None
        line = process.stdout.readline()
        match = re.search(r"http://127\.0\.0\.1:(\d+)/desk/", line)
        assert match, line
        port = int(match.group(1))
        reply = raw(port, f"GET /desk/ HTTP/1.1\r\nHost: localhost:{port}\r\n\r\n".encode())
        assert reply.startswith(b"HTTP/1.0 200") and b"Alpha" in reply
        process.send_signal(signum)
        _, stderr = process.communicate(timeout=TIMEOUT)  # a hang guard; bench/stop_latency.py measures the time
        assert process.returncode == code, stderr
        lines = stderr.strip().splitlines()
        assert "Traceback" not in stderr and "built in" in lines[0]
        assert lines[-1] == "interrupted; public/ is as the last build left it"
        assert sum(line.startswith("interrupted") for line in lines) == 1
        out = root / "public"
        assert not (out / LOCK_NAME).exists() and staged(out) == 0
        wait_until(lambda: not site_processes(root))  # the search indexer, if it still ran, went with the server
    finally:
        if process.poll() is None:
            process.kill()
            process.communicate()


class PausingProgress(Progress):
    """Holds a build halfway through its pages stage until the build's token is cancelled."""

    def __init__(self) -> None:
        super().__init__(None)
        self.armed = False
        self.paused = threading.Event()

    def stage(self, name: str, total: int, cancel: CancelToken | None = None) -> Stage:
        if name != "pages" or not self.armed or cancel is None:
            return super().stage(name, total, cancel)
        paused, token = self.paused, cancel

        class Pausing(Stage):
            def advance(self, n: int) -> None:
                if self.count >= total // 2 and not paused.is_set():
                    paused.set()
                    token.wait(TIMEOUT)
                super().advance(n)

        return Pausing(None, name, total, cancel)


def test_stopping_the_server_mid_rebuild_keeps_the_last_build_and_lets_the_lock_go(make_site: SiteFactory) -> None:
    root = make_site(dict(SITE))
    server = DevServer(root, port=0)
    assert isinstance(server.builder, Builder)
    progress = server.builder.progress = PausingProgress()
    server.start()
    try:
        assert server.indexer.wait_idle(TIMEOUT)
        out = server.state.snapshot().out_dir
        before = output_files(out)
        progress.armed = True
        edit(root, "config.yaml", MINIMAL_CONFIG.replace("Test Desk", "Another Desk"))  # every page changes
        assert progress.paused.wait(TIMEOUT)
        assert staged(out) > 0  # the rebuild is writing
    finally:
        server.stop(signal.SIGINT)
    assert server.cancel.signum == signal.SIGINT
    assert output_files(out) == before and staged(out) == 0
    assert not (out / LOCK_NAME).exists()
    with OutputLock(out):  # free for the next writer
        pass
    assert "Another Desk" not in (out / "index.html").read_text(encoding="utf-8")


def test_a_first_build_stopped_midway_leaves_no_output_folder(make_site: SiteFactory) -> None:
    root = make_site(dict(SITE))
    server = DevServer(root, port=0)
    assert isinstance(server.builder, Builder)
    progress = server.builder.progress = PausingProgress()
    progress.armed = True

    def stop_when_paused() -> None:
        if progress.paused.wait(TIMEOUT):
            server.cancel.cancel(signal.SIGTERM)  # as the signal handler of `serve` does

    threading.Thread(target=stop_when_paused, daemon=True).start()
    try:
        event = server.start()
    finally:
        server.stop()
    assert progress.paused.is_set() and not event.ok and event.errors == ()
    assert not (root / "public").exists()  # made to hold the lock, let go with it


# -- open pages first, the rest in the background ------------------------------------------------------------------

class HeldRest(Progress):
    """Holds the pages stage of the next rebuild, the part after the open pages, at its first page until the
    test releases it or its token is cancelled (a newer edit)."""

    def __init__(self) -> None:
        super().__init__(None)
        self.armed = False
        self.paused = threading.Event()
        self.release = threading.Event()

    def stage(self, name: str, total: int, cancel: CancelToken | None = None) -> Stage:
        if name != "pages" or not self.armed or cancel is None:
            return super().stage(name, total, cancel)
        self.armed = False
        paused, release, token = self.paused, self.release, cancel

        class Held(Stage):
            def advance(self, n: int) -> None:
                if not paused.is_set():
                    paused.set()
                    hang_guard = threading.Event()
                    for _ in range(int(TIMEOUT / 0.01)):
                        if release.is_set() or token.cancelled:
                            break
                        hang_guard.wait(0.01)
                super().advance(n)

        return Held(None, name, total, cancel)


def without_search(tree: dict[str, bytes]) -> dict[str, bytes]:
    """The output but the search index, which the dev server makes in the background, and the server's lock."""
    return {rel: data for rel, data in tree.items() if "pagefind" not in rel.split("/", 1)[0] and rel != LOCK_NAME}


@contextmanager
def alpha_renamed_with_rest_held(make_site: SiteFactory) -> Iterator[tuple[DevServer, HeldRest, EventStream]]:
    """A server with a tab open on Alpha's page, right after Alpha's title was edited: Alpha's page is out,
    the rest of the rebuild (the home page, the neighbours) is held until `release` is set."""
    server = DevServer(make_site(dict(SITE)), port=0)
    assert isinstance(server.builder, Builder)
    progress = server.builder.progress = HeldRest()
    server.start()
    stream = EventStream(server, server.state.snapshot().version, page=ALPHA_PAGE)
    try:
        wait_until(lambda: ALPHA_PAGE in server.state.open_pages())
        progress.armed = True
        edit(server.root, ALPHA, briefing(title="Alpha renamed", body="Alpha body text."))
        assert progress.paused.wait(TIMEOUT)
        yield server, progress, stream
    finally:
        progress.release.set()
        stream.close()
        server.stop()


def fetch_in_background(server: DevServer, target: str) -> tuple[list[Response], threading.Event]:
    answers: list[Response] = []
    done = threading.Event()

    def fetch() -> None:
        answers.append(request(server, target))
        done.set()

    threading.Thread(target=fetch, daemon=True).start()
    return answers, done


def test_open_pages_are_written_and_reloaded_before_the_rest(make_site: SiteFactory) -> None:
    with alpha_renamed_with_rest_held(make_site) as (server, progress, stream):
        out = server.state.snapshot().out_dir
        first = stream.next()  # the open page, while the rest is held
        assert first["ok"] and ALPHA_PAGE in first["changed"] and "index.html" not in first["changed"]
        assert "Alpha renamed" in (out / ALPHA_PAGE).read_text(encoding="utf-8")
        assert "Alpha renamed" not in (out / "index.html").read_text(encoding="utf-8")  # the home page follows
        assert "Alpha renamed" in request(server, f"/desk/{ALPHA_PAGE}").text  # served while the rest is held
        assert "index.html" in server.state.stale()
        progress.release.set()
        rest = stream.next()
        assert rest["ok"] and "index.html" in rest["changed"] and ALPHA_PAGE not in rest["changed"]
        assert server.state.stale() == frozenset()


def test_a_stale_page_is_never_served_it_waits_for_its_render(make_site: SiteFactory) -> None:
    with alpha_renamed_with_rest_held(make_site) as (server, progress, _):
        answers, done = fetch_in_background(server, "/desk/")  # the home page's render is queued
        wait_until(lambda: server.state.waiting() == 1)  # the home page is stale: its request waits
        assert not done.is_set()
        progress.release.set()
        assert done.wait(TIMEOUT)
        assert answers[0].status == 200 and "Alpha renamed" in answers[0].text


def test_a_newer_edit_supersedes_the_rest_and_nothing_is_lost(make_site: SiteFactory, tmp_path: Path) -> None:
    with alpha_renamed_with_rest_held(make_site) as (server, _, _):
        out = server.state.snapshot().out_dir
        answers, done = fetch_in_background(server, "/desk/")
        wait_until(lambda: server.state.waiting() == 1)
        version = server.state.snapshot().version
        edit(server.root, "content/briefings/2023-01-30-beta.md",
             briefing(title="Beta renamed", date="2023-01-30", body="Beta body text."))  # stops the held rest
        assert done.wait(TIMEOUT)
        home = answers[0].text
        assert "Alpha renamed" in home and "Beta renamed" in home  # waited through the superseded rest
        wait_for_event(server, version, lambda e: server.state.stale() == frozenset() and e.ok)
        assert server.indexer.wait_idle(TIMEOUT)
        Builder(server.root, BuildOptions(out_dir=tmp_path / "clean"), policy=PREVIEW).build()
        assert without_search(read_tree(out)) == without_search(read_tree(tmp_path / "clean"))


def test_templates_folder_created_later_is_watched(serve: ServerFactory) -> None:
    server = serve()
    assert not (server.root / "templates").exists()
    version = server.state.snapshot().version
    footer = (REPO / "site_builder/themes/briefing/templates/partials/footer.html").read_text(encoding="utf-8")
    edit(server.root, "templates/partials/footer.html", footer.replace("</footer>", "<p>Local footer</p></footer>"))
    wait_for_event(server, version, lambda e: "index.html" in e.changed)
    assert "Local footer" in request(server, "/desk/about/").text


def test_config_change_moves_the_site_and_reloads_every_page(serve: ServerFactory) -> None:
    server = serve()
    version = server.state.snapshot().version
    edit(server.root, "config.yaml", "title: Renamed Desk\nbase_url: https://example.org/other/\n")
    event = wait_for_event(server, version, lambda e: e.ok and e.everything)
    assert event.changed == ()
    assert server.url.endswith("/other/")
    assert "Renamed Desk" in request(server, "/other/").text
    assert request(server, "/desk/").status == 404


# -- search index ------------------------------------------------------------------------------------------------

def indexed_text(server: DevServer) -> str:
    """The text of every page in the served search index."""
    import gzip

    folder = server.state.snapshot().out_dir / "pagefind" / "fragment"
    return "\n".join(gzip.decompress(p.read_bytes()).decode("utf-8") for p in sorted(folder.glob("*.pf_fragment")))


def test_search_index_follows_page_edits_but_not_css(serve: ServerFactory) -> None:
    server = serve()
    assert server.indexer.wait_idle(TIMEOUT)
    assert request(server, "/desk/pagefind/pagefind-entry.json").status == 200
    assert "Alpha body text." in indexed_text(server)
    runs = server.indexer.runs
    version = server.state.snapshot().version
    edit(server.root, ALPHA, briefing(title="Alpha", body="Alpha mentions a quokka now."))
    wait_for_event(server, version, lambda e: ALPHA_PAGE in e.changed)
    wait_until(lambda: server.indexer.runs > runs and server.indexer.wait_idle(TIMEOUT))
    assert "quokka" in indexed_text(server) and "Alpha body text." not in indexed_text(server)
    runs = server.indexer.runs
    version = server.state.snapshot().version
    edit(server.root, "static/css/extra.css", "body { margin: 0 }")
    wait_for_event(server, version, lambda e: "css/extra.css" in e.changed)
    assert server.indexer.wait_idle(TIMEOUT) and server.indexer.runs == runs  # no page changed: no re-index


def test_slow_indexing_does_not_hold_the_reload(serve: ServerFactory, monkeypatch: pytest.MonkeyPatch) -> None:
    release = threading.Event()
    started = threading.Event()

    def slow_index(out_dir: Path, **options: Any) -> Any:
        started.set()
        release.wait(TIMEOUT)
        raise SiteError([])

    monkeypatch.setattr("site_builder.serve.dev_server.index_site", slow_index)
    server = serve()
    try:
        assert started.wait(TIMEOUT)  # the first build's index run is under way and stuck
        version = server.state.snapshot().version
        edit(server.root, ALPHA, briefing(title="Alpha", body="Served while the index is busy."))
        wait_for_event(server, version, lambda e: ALPHA_PAGE in e.changed)
        assert "Served while the index is busy." in request(server, f"/desk/{ALPHA_PAGE}").text
        assert not release.is_set()
    finally:
        release.set()


def test_stopping_the_server_kills_a_search_index_run_under_way(serve: ServerFactory, tmp_path: Path,
                                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    pid_file = tmp_path / "indexer.pid"
    monkeypatch.setattr("site_builder.search.pagefind.pagefind_command", lambda: hanging_indexer(pid_file))
    server = serve()
    pid = started_pid(pid_file)
    server.stop()
    assert server.indexer.runs == 1  # the run ended, and not by timing out
    with pytest.raises(ProcessLookupError):
        os.kill(pid, 0)


def test_search_off_in_config_means_no_indexing(serve: ServerFactory) -> None:
    server = serve({**SITE, "config.yaml": "title: T\nbase_url: https://example.org/desk/\nsearch: {enabled: false}\n"})
    assert server.indexer.wait_idle(TIMEOUT) and server.indexer.runs == 0
    assert request(server, "/desk/pagefind/pagefind-entry.json").status == 404
