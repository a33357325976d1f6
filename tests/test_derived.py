"""Derived values are reused only for an equal signature."""

from __future__ import annotations

from site_builder.derived import DerivedMemo


def test_reuse_by_identity_and_by_signature() -> None:
    calls: list[str] = []

    def compute(name: str) -> str:
        calls.append(name)
        return name.upper()

    first = DerivedMemo()
    assert first.get_equal("related", (1, 2), lambda: compute("r")) == "R"
    second = DerivedMemo(first)
    assert second.get_equal("related", (1, 2), lambda: compute("s")) == "R"  # equal signature: reused
    assert second.get_equal("related", (1, 3), lambda: compute("t")) == "T"
    assert calls == ["r", "t"]
    # Only what the last build used is carried forward.
    third = DerivedMemo(DerivedMemo(second))
    assert third.get_equal("related", (1, 3), lambda: compute("u")) == "U"
