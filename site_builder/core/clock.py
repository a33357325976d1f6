"""The build's clock: what "now" means for embargoes, so builds stay reproducible.

`SOURCE_DATE_EPOCH` (seconds since 1970, the reproducible-builds convention) fixes the clock; without
it, the wall clock decides which embargoes have ended. Nothing else in a build reads the time of day.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from datetime import UTC, datetime


def build_clock(environ: Mapping[str, str] | None = None) -> datetime:
    """SOURCE_DATE_EPOCH when set to a whole number of seconds, else the wall clock; always in UTC."""
    value = (os.environ if environ is None else environ).get("SOURCE_DATE_EPOCH", "").strip()
    if value.isdigit():
        return datetime.fromtimestamp(int(value), tz=UTC)
    return datetime.now(tz=UTC)
