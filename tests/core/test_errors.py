"""Diagnostics format, sort and suggest."""

from __future__ import annotations

import pytest

from site_builder.core.errors import ContentError, Diagnostics, SourceLocation, did_you_mean


def test_format_and_sorting() -> None:
    d = Diagnostics()
    d.error(SourceLocation("b.md", 3, 1), "second")
    d.error(SourceLocation("a.md", 10), "first", "do this")
    d.error(SourceLocation("a.md"), "whole file")
    assert [x.format() for x in d] == [
        "a.md: error: whole file",
        "a.md:10: error: first (do this)",
        "b.md:3:1: error: second",
    ]
    with pytest.raises(ContentError) as info:
        d.raise_if_any()
    assert len(info.value.diagnostics) == 3


def test_no_errors_no_raise() -> None:
    Diagnostics().raise_if_any()


def test_did_you_mean() -> None:
    assert did_you_mean("kim-jong-um", ["kim-jong-un", "kim-yo-jong", "russia"]).startswith("did you mean 'kim-jong-un'")
    assert did_you_mean("zzz", ["a", "b"]) == "known: a, b"
    assert did_you_mean("zzz", []) == ""
