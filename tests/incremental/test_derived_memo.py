"""Derived values are reused only for an equal signature."""

from __future__ import annotations

from pathlib import Path

from site_builder.incremental.derived_memo import DerivedMemo
from site_builder.incremental.store import DiskStore


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


def test_updates_in_one_process_stay_in_memory(tmp_path: Path) -> None:
    """The disk cache gets values computed whole; a value updated from the last build's is not written."""
    store = DiskStore.open(tmp_path)
    first = DerivedMemo(store=store)
    assert first.get_equal("related", (1, 2), lambda: "whole", lambda sig, old: "updated") == "whole"
    second = DerivedMemo(first, store)
    assert second.get_equal("related", (1, 3), lambda: "whole", lambda sig, old: f"{old} from {sig}") == \
        "whole from (1, 2)"
    store.save()
    elsewhere = DerivedMemo(store=DiskStore.open(tmp_path))  # a new process
    assert elsewhere.get_equal("related", (1, 2), lambda: "again") == "whole"  # from the disk
    assert elsewhere.get_equal("related", (1, 3), lambda: "again") == "again"  # never written
