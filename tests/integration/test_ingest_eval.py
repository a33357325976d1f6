"""The ingest evaluation set: mean body precision/recall over word 4-grams and metadata exact-match rates.

The figures are printed; see them with `pytest tests/integration/test_ingest_eval.py -rA` (or `-s`), or run
`python -m tests.ingest_eval.score` from the repository root.
"""

from __future__ import annotations

from ingest_eval.score import META_FIELDS, THRESHOLDS, evaluate, failures, report, summary


def test_evaluation_set_meets_thresholds() -> None:
    scores = evaluate()
    print(report(scores))
    assert len(scores) >= 20
    assert len({s.layout for s in scores}) >= 6
    assert {s.name.rsplit(".", 1)[1] for s in scores} == {"txt", "html"}
    assert failures(scores) == []
    means = summary(scores)
    assert means["precision"] >= THRESHOLDS["precision"] and means["recall"] >= THRESHOLDS["recall"]
    assert all(means[key] >= THRESHOLDS["metadata"] for key in META_FIELDS)
