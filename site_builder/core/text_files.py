"""Read source files as text: strict UTF-8, BOM and CRLF tolerated, decode errors reported with the line."""

from __future__ import annotations

from pathlib import Path

from site_builder.core.errors import Diagnostics, SourceLocation


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


def read_text(path: Path, rel: str, diagnostics: Diagnostics) -> str | None:
    """Read and decode one file, recording unreadable files as errors instead of raising."""
    try:
        data = path.read_bytes()
    except OSError as exc:
        diagnostics.error(SourceLocation(rel), f"cannot read file: {exc.strerror}")
        return None
    return decode_text(data, rel, diagnostics)
