"""The dev server (live preview); until it lands, `serve` explains how to preview a build."""

from __future__ import annotations

import argparse
import sys


def command(args: argparse.Namespace) -> int:
    """Entry point of `site-builder serve`."""
    print("site-builder serve: live preview is not available yet; run 'site-builder build' and open "
          "public/index.html", file=sys.stderr)
    return 2
