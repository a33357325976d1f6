"""Read source files as text: strict UTF-8, BOM and CRLF tolerated, decode errors reported with the line."""

from __future__ import annotations

from pathlib import Path

from site_builder.core.errors import Diagnostics, SourceLocation

MIB = 2**20
MAX_YAML_BYTES = MIB  # a YAML file (actor, topic, config) or the front matter of a markdown file
MAX_BODY_BYTES = 10 * MIB  # the markdown body of a briefing or page
MAX_DOCUMENT_BYTES = MAX_YAML_BYTES + MAX_BODY_BYTES  # a markdown file, or a raw article to ingest


def too_big(size: int, limit: int, rel: str, line: int, what: str, diagnostics: Diagnostics) -> bool:
    """Whether `size` bytes exceed `limit`; if so an error saying both is recorded at `rel:line`."""
    if size <= limit:
        return False
    diagnostics.error(SourceLocation(rel, line),
                      f"{what} is {size / MIB:.1f} MiB, over the limit of {limit // MIB} MiB",
                      "split it, or move the data out of the site's sources")
    return True


def decode_text(data: bytes, rel: str, diagnostics: Diagnostics) -> str | None:
    """Bytes to text with normalised line ends; None (and an error recorded) when not UTF-8."""
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        column = exc.start - (data.rfind(b"\n", 0, exc.start) + 1) + 1
        diagnostics.error(
            SourceLocation(rel, line, column),
            f"file is not valid UTF-8 (byte 0x{data[exc.start]:02x})",
            "save the file as UTF-8",
        )
        return None
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    return text


def read_text(path: Path, rel: str, diagnostics: Diagnostics, limit: int = MAX_YAML_BYTES) -> str | None:
    """Read and decode one file of at most `limit` bytes, recording unreadable or oversized files as errors
    instead of raising."""
    try:
        with path.open("rb") as handle:
            data = handle.read(limit + 1)  # never more than the limit and one byte, whatever the file's size
            size = len(data) if len(data) <= limit else max(len(data), path.stat().st_size)
    except OSError as exc:
        diagnostics.error(SourceLocation(rel), f"cannot read file: {exc.strerror}")
        return None
    if too_big(size, limit, rel, 1, "the file", diagnostics):
        return None
    return decode_text(data, rel, diagnostics)
