"""External link checks: each distinct URL requested once, HEAD first, in a small thread pool."""

from __future__ import annotations

import http.client
import urllib.error
import urllib.request
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from http.client import HTTPMessage
from typing import IO

from site_builder import __version__

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
