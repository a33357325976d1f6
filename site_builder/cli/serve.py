"""`site-builder serve`: build, serve with live reload, rebuild on change, until Ctrl-C."""

from __future__ import annotations

import argparse
import signal
import threading
import time
import webbrowser

from site_builder.build.options import BuildOptions
from site_builder.cli.common import EXIT_OK, log, site_folder
from site_builder.core.errors import Interrupted, UsageError
from site_builder.serve.dev_server import DevServer


def command(args: argparse.Namespace) -> int:
    """Entry point of `site-builder serve`: runs until Ctrl-C or SIGTERM, then stops cleanly (exit 0)."""
    root = site_folder(args.site)
    try:
        # The preview shows briefings under embargo too, each with a banner saying until when.
        server = DevServer(root, BuildOptions(drafts=args.drafts, future=True), host=args.host, port=args.port,
                           poll=args.poll)
    except OSError as exc:
        raise UsageError(f"cannot listen on {args.host}:{args.port}: {exc.strerror or exc}") from exc
    if not server.httpd.loopback:
        log.warning("warning: listening on %s, not this machine only: anyone who can reach port %d can read "
                    "the site, drafts included", args.host, server.httpd.port)
    print(f"Serving {root} at {server.url} (Ctrl-C to stop)", flush=True)
    stopping = running = False

    def interrupt(signum: int, frame: object) -> None:
        # Once the server runs, Ctrl-C only asks the main loop to stop. Raised anywhere, as Python
        # raises it by default, it could land between taking a lock and the block that releases it,
        # and the shutdown would then wait for that lock forever. (A flag, not an Event: setting an
        # Event takes a lock, which the interrupted code might hold.)
        nonlocal stopping
        if not running:
            raise KeyboardInterrupt  # the first build: stop at once
        stopping = True

    previous = {signum: signal.signal(signum, interrupt) for signum in (signal.SIGINT, signal.SIGTERM)}
    try:
        server.start()
        running = True
        if args.open:
            threading.Thread(target=webbrowser.open, args=(server.url,), daemon=True).start()
        while not stopping:
            time.sleep(0.1)
    except (KeyboardInterrupt, Interrupted):
        pass
    finally:
        log.info("stopping")
        started = time.perf_counter()
        server.stop()
        log.debug("stopped in %.2f s", time.perf_counter() - started)
        for signum, handler in previous.items():
            signal.signal(signum, handler)
    return EXIT_OK
