"""HTTP for the dev server: map request paths safely into the output folder, serve files, stream build events."""

from __future__ import annotations

import ipaddress
import json
import logging
import socket
import socketserver
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path, PurePosixPath
from typing import Any
from urllib.parse import parse_qs, quote, unquote_to_bytes

from site_builder.serve.live_reload import (
    ENDPOINT_PREFIX,
    EVENTS_PATH,
    SCRIPT_PATH,
    LiveState,
    Snapshot,
    inject,
    page_state,
)

log = logging.getLogger(__name__)

# A fixed table, not the machine's mime.types, so every machine answers the same.
CONTENT_TYPES = {
    ".html": "text/html; charset=utf-8", ".htm": "text/html; charset=utf-8",
    ".css": "text/css; charset=utf-8", ".js": "text/javascript; charset=utf-8",
    ".mjs": "text/javascript; charset=utf-8", ".json": "application/json",
    ".xml": "application/xml; charset=utf-8", ".txt": "text/plain; charset=utf-8",
    ".md": "text/plain; charset=utf-8", ".svg": "image/svg+xml", ".png": "image/png", ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg", ".gif": "image/gif", ".webp": "image/webp", ".avif": "image/avif",
    ".ico": "image/vnd.microsoft.icon", ".woff": "font/woff", ".woff2": "font/woff2", ".ttf": "font/ttf",
    ".otf": "font/otf", ".pdf": "application/pdf", ".wasm": "application/wasm", ".webmanifest":
    "application/manifest+json", ".mp4": "video/mp4", ".webm": "video/webm", ".mp3": "audio/mpeg",
}
HTML = CONTENT_TYPES[".html"]
EVENT_STREAM_PING = 15.0  # default seconds between keep-alive comments, which also notice closed tabs
FALLBACK_404 = (b"<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>Not found</title></head>"
                b"<body><h1>Not found</h1><p>Nothing has been built at this address.</p></body></html>")
LOOPBACK_NAMES = ("localhost", "127.0.0.1", "[::1]")


def content_type(name: str) -> str:
    """The Content-Type for a file name; unknown kinds are served as bytes, never sniffed."""
    return CONTENT_TYPES.get(PurePosixPath(name).suffix.lower(), "application/octet-stream")


@dataclass(frozen=True)
class Resolution:
    """Where a request path leads: a file, a redirect, or a refusal; `pages` are its output paths."""

    status: int
    file: Path | None = None
    location: str = ""
    pages: tuple[str, ...] = ()


FORBIDDEN = Resolution(403)


def _not_found(names: list[str], directory: bool) -> Resolution:
    """A miss still names the output paths it would have been, so the tab reloads when one appears."""
    path = "/".join(names)
    if directory or not names:
        guesses: tuple[str, ...] = (f"{path}/index.html" if path else "index.html",)
    else:
        guesses = (path, f"{path}/index.html")
    return Resolution(404, pages=guesses)


def resolve(out_dir: Path, prefix: str, raw_path: str) -> Resolution:
    """Map a request path (before its query) to a file inside `out_dir`, or refuse.

    Percent-decoding happens exactly once, so `%252e%252e` stays a literal (missing) name; `..` and `.`
    segments, backslashes, NUL and control characters are refused outright instead of normalised; the
    final file's real path must lie inside the output folder, so a symlink cannot lead out of it.
    """
    try:
        decoded = unquote_to_bytes(raw_path).decode("utf-8")
    except UnicodeDecodeError:  # includes overlong encodings such as %c0%ae
        return FORBIDDEN
    if "\\" in decoded or any(ord(c) < 32 or ord(c) == 127 for c in decoded):
        return FORBIDDEN
    if not decoded.startswith(prefix):
        if decoded == "/" or decoded + "/" == prefix:
            return Resolution(302, location=quote(prefix))
        return Resolution(404)
    rel = decoded[len(prefix):]
    segments = rel.split("/")
    if any(s in (".", "..") for s in segments):
        return FORBIDDEN
    names = [s for s in segments if s]
    wants_dir = rel == "" or rel.endswith("/")
    if any(n.startswith(".") and n != ".well-known" for n in names):
        return _not_found(names, wants_dir)  # the manifest and the writer's temporary files
    root = out_dir.resolve()
    try:
        real = out_dir.joinpath(*names).resolve(strict=True)
        if not real.is_relative_to(root):
            return FORBIDDEN
        if real.is_dir():
            if not wants_dir:  # relative links on the page only work from the address with a slash
                return Resolution(301, location=quote(prefix) + "/".join(quote(n) for n in names) + "/")
            index = (real / "index.html").resolve(strict=True)
            if not index.is_relative_to(root):
                return FORBIDDEN
            real, names = index, [*names, "index.html"]
        if real.is_file():
            return Resolution(200, file=real, pages=("/".join(names),))
    except (OSError, RuntimeError):  # missing, name too long, or a symlink loop (RuntimeError before 3.13)
        pass
    return _not_found(names, wants_dir)


def host_allowed(host: str | None, port: int) -> bool:
    """Whether a Host header names this machine; others are a DNS-rebinding page reaching a loopback server.

    A request without Host (HTTP/1.0 tools) is allowed: browsers always send one.
    """
    if host is None:
        return True
    host = host.strip().lower()
    return any(host == f"{name}:{port}" or (port == 80 and host == name) for name in LOOPBACK_NAMES)


def is_loopback(address: str) -> bool:
    """True for 127.0.0.0/8 and ::1, the addresses only this machine can reach."""
    try:
        return ipaddress.ip_address(address.split("%")[0]).is_loopback
    except ValueError:
        return False


class PreviewHTTPServer(ThreadingHTTPServer):
    """A threading HTTP server that knows the live state; each request runs in its own daemon thread.

    An event stream holds its thread for as long as its tab is open. Sending to a closed connection is
    the only way to notice that the tab went, so an idle stream sends a comment every `ping` seconds;
    the write after the tab closed fails and the thread ends. `stream_threads()` lists the threads
    serving a stream now.
    """

    daemon_threads = True
    request_queue_size = 64

    def __init__(self, host: str, port: int, state: LiveState, script: bytes, *,
                 ping: float = EVENT_STREAM_PING) -> None:
        if ping <= 0:
            raise ValueError(f"the event stream ping must be a positive number of seconds, not {ping}")
        self.address_family = socket.AF_INET6 if ":" in host else socket.AF_INET
        self.state = state
        self.script = script
        self.ping = ping
        self._streams: set[threading.Thread] = set()
        self._streams_lock = threading.Lock()
        super().__init__((host, port), PreviewHandler)
        self.port: int = self.server_address[1]
        self.loopback = is_loopback(str(self.server_address[0]))

    def server_bind(self) -> None:
        """Bind without HTTPServer's reverse DNS lookup, which can stall start-up for seconds."""
        socketserver.TCPServer.server_bind(self)
        self.server_name = str(self.server_address[0])
        self.server_port = self.server_address[1]

    @contextmanager
    def streaming(self) -> Iterator[None]:
        """Count the calling thread among the event streams while the block runs."""
        thread = threading.current_thread()
        with self._streams_lock:
            self._streams.add(thread)
        try:
            yield
        finally:
            with self._streams_lock:
                self._streams.discard(thread)

    def stream_threads(self) -> tuple[threading.Thread, ...]:
        """The threads serving an event stream now."""
        with self._streams_lock:
            return tuple(self._streams)

    def handle_error(self, request: Any, client_address: Any) -> None:
        """Closed connections are normal for a dev server; anything else is a bug worth a traceback."""
        exc = sys.exc_info()[1]
        if isinstance(exc, ConnectionError | TimeoutError):
            log.debug("connection from %s closed: %s", client_address, exc)
        else:
            log.error("request from %s failed", client_address, exc_info=True)


class PreviewHandler(BaseHTTPRequestHandler):
    """Serves the output folder and the live-reload endpoints; GET and HEAD only."""

    server: PreviewHTTPServer
    server_version = "site-builder"
    sys_version = ""  # no Python version in the Server header
    timeout = 60  # a client that sends nothing does not hold a thread forever

    def log_message(self, format: str, *args: Any) -> None:
        log.debug("%s %s", self.address_string(), format % args)

    def do_GET(self) -> None:
        self._respond(head=False)

    def do_HEAD(self) -> None:
        self._respond(head=True)

    def _respond(self, head: bool) -> None:
        hosts = self.headers.get_all("Host") or []
        if len(hosts) > 1:
            self._send(400, b"one Host header, please\n", "text/plain; charset=utf-8", head)
            return
        if self.server.loopback and not host_allowed(hosts[0] if hosts else None, self.server.port):
            self._send(403, b"this server only answers to localhost\n", "text/plain; charset=utf-8", head)
            return
        if not self.path.startswith("/"):  # absolute-form and '*' targets are for proxies, not us
            self._send(400, b"bad request target\n", "text/plain; charset=utf-8", head)
            return
        path, _, query = self.path.partition("?")
        if path == SCRIPT_PATH:
            self._send(200, self.server.script, CONTENT_TYPES[".js"], head)
        elif path == EVENTS_PATH:
            self._stream(query, head)
        elif path.startswith(ENDPOINT_PREFIX):
            self._send(404, b"not found\n", "text/plain; charset=utf-8", head)
        else:
            self._serve_site(path, head)

    def _serve_site(self, path: str, head: bool) -> None:
        def reads(snapshot: Snapshot) -> tuple[str, ...]:
            """The output files the response may read: the page, or its guesses and the 404 page."""
            found = resolve(snapshot.out_dir, snapshot.prefix, path)
            return found.pages if found.status != 404 else (*found.pages, "404.html")

        with self.server.state.reading(pages=reads) as snapshot:
            found = resolve(snapshot.out_dir, snapshot.prefix, path)
            body, kind = self._body(found, snapshot)
        if found.status in (301, 302):
            self._send(found.status, b"", "text/plain; charset=utf-8", head, {"Location": found.location})
            return
        if kind == HTML:
            pages = found.pages if found.status == 200 else (*found.pages, "404.html")
            body = inject(body, page_state(snapshot, pages))
        self._send(found.status, body, kind, head)

    def _body(self, found: Resolution, snapshot: Snapshot) -> tuple[bytes, str]:
        """The bytes to send, read while the build gate is held so they all come from one build."""
        if found.status == 403:
            return b"forbidden\n", "text/plain; charset=utf-8"
        if found.file is not None:
            try:
                return found.file.read_bytes(), content_type(found.file.name)
            except OSError:
                pass
        if found.status != 404:
            return b"", "text/plain; charset=utf-8"
        page = resolve(snapshot.out_dir, "/", "/404.html")
        if page.file is not None:
            try:
                return page.file.read_bytes(), HTML
            except OSError:
                pass
        return FALLBACK_404, HTML

    def _send(self, status: int, body: bytes, kind: str, head: bool, headers: dict[str, str] | None = None) -> None:
        self.send_response(status)
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Cache-Control", "no-store")  # every reload must show the newest build
        self.send_header("X-Content-Type-Options", "nosniff")
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        self.end_headers()
        if not head:
            self.wfile.write(body)

    def _stream(self, query: str, head: bool) -> None:
        """Server-Sent Events: one message per build after the version the page was served at."""
        state = self.server.state
        try:
            params = parse_qs(query, max_num_fields=8)
        except ValueError:
            params = {}
        snapshot = state.snapshot()
        since = _int(self.headers.get("Last-Event-ID"))  # set by the browser when it reconnects
        if since is None:
            since = _int((params.get("since") or [""])[0])
        boot = (params.get("boot") or [snapshot.boot])[0]
        self.send_response(200)
        self.send_header("Content-Type", "text/event-stream; charset=utf-8")
        self.send_header("Cache-Control", "no-store")
        self.end_headers()
        if head:
            return
        self.close_connection = True
        self.wfile.write(b"retry: 1000\n\n")
        if since is None:
            since = snapshot.version
        if boot != snapshot.boot or since > snapshot.version:  # the server restarted since the page loaded
            self._event({"reload": True})
            return
        with self.server.streaming(), state.watching(params.get("page", [])):
            while True:
                events = state.events_after(since, self.server.ping)
                if events is None:
                    if not state.closed:  # too far behind: a fresh page is the only consistent view
                        self._event({"reload": True})
                    return
                if not events:
                    self.wfile.write(b": ping\n\n")  # fails once the tab has gone, which ends this thread
                for event in events:
                    self._event(event.as_json(), event.version)
                    since = event.version

    def _event(self, payload: dict[str, Any], version: int | None = None) -> None:
        head = f"id: {version}\n" if version is not None else ""
        self.wfile.write(f"{head}data: {json.dumps(payload, separators=(',', ':'))}\n\n".encode())


def _int(text: str | None) -> int | None:
    """A non-negative integer from a query value or header, or None for anything else."""
    if text is None or not (text.isascii() and text.isdigit()) or len(text) > 18:
        return None
    return int(text)
