"""`site-builder serve`: build, serve with live reload, rebuild on change, until Ctrl-C or SIGTERM."""

from __future__ import annotations

import argparse
import math
import signal
import threading
import time
import webbrowser

from site_builder.build.options import BuildOptions
from site_builder.cli.common import log, site_folder
from site_builder.core.cancel import CancelToken
from site_builder.core.errors import Interrupted, UsageError
from site_builder.core.output_writer import output_kept
from site_builder.serve.dev_server import DevServer


def command(args: argparse.Namespace) -> int:
    """Entry point of `site-builder serve`: serves until Ctrl-C or SIGTERM, which stop it as they stop a build.

    A signal cancels the server's token and nothing else: a rebuild under way stops at its next check,
    before any file of it is renamed into place; then the server stops and the run ends with
    Interrupted, which the command line reports with its one line and exit code 130 or 143. The
    signal never raises inside the server's threads, so it cannot land between taking a lock and the
    block that releases it.
    """
    root = site_folder(args.site)
    stop = CancelToken()

    def interrupt(signum: int, frame: object) -> None:
        stop.cancel(signum)  # takes no lock: the code this handler interrupted may hold any

    previous = {signum: signal.signal(signum, interrupt) for signum in (signal.SIGINT, signal.SIGTERM)}
    try:
        try:
            # The preview shows briefings under embargo too, each with a banner saying until when.
            server = DevServer(root, BuildOptions(drafts=args.drafts, future=True), host=args.host, port=args.port,
                               poll=args.poll, cancel=stop)
        except OSError as exc:
            raise UsageError(f"cannot listen on {args.host}:{args.port}: {exc.strerror or exc}") from exc
        if not server.httpd.loopback:
            log.warning("warning: listening on %s, not this machine only: anyone who can reach port %d can read "
                        "the site, drafts included", args.host, server.httpd.port)
        print(f"Serving {root} at {server.url} (Ctrl-C to stop)", flush=True)
        try:
            server.start()
            if args.open and not stop.cancelled:
                threading.Thread(target=webbrowser.open, args=(server.url,), daemon=True).start()
            stop.wait(math.inf)  # until a signal
        finally:
            started = time.perf_counter()
            server.stop()
            log.debug("stopped in %.2f s", time.perf_counter() - started)
    finally:
        for signum, handler in previous.items():
            signal.signal(signum, handler)
    raise Interrupted(stop.signum, output_kept(server.state.snapshot().out_dir))
