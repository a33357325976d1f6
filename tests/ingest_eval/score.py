"""Score `site-builder ingest` against hand-cleaned gold files.

Body: precision, recall and F1 over word 4-grams (the article-extraction benchmark method: a
dropped or an extra sentence costs about as many 4-grams as it has words). Metadata: exact-match
rates of title, date, agency and dateline. Run from the repository root:

    .venv/bin/python -m tests.ingest_eval.score          # or: .venv/bin/python tests/ingest_eval/score.py

It exits 1 when a mean falls below the thresholds the test suite enforces.
"""

from __future__ import annotations

import re
import sys
from collections import Counter
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import yaml

from site_builder.core.errors import Diagnostics
from site_builder.core.ingest_rules import default_rules
from site_builder.ingest.articles import read_article

HERE = Path(__file__).resolve().parent
RAW = HERE / "raw"
GOLD = HERE / "gold"
N = 4
META_FIELDS = ("title", "date", "agency", "dateline")
THRESHOLDS = {"precision": 0.95, "recall": 0.97, "metadata": 0.90}


@dataclass(frozen=True)
class DocScore:
    """One document's scores and what the rules did to it."""

    name: str
    layout: str
    precision: float
    recall: float
    f1: float
    meta: dict[str, bool]
    got: dict[str, str]
    want: dict[str, str]
    fired: Counter[str] = field(default_factory=Counter)


def ngrams(text: str, n: int = N) -> Counter[tuple[str, ...]]:
    """Word n-grams of a text, lowercased, punctuation ignored; a shorter text is one n-gram."""
    words = re.findall(r"\w+", text.lower())
    if len(words) < n:
        return Counter([tuple(words)]) if words else Counter()
    return Counter(tuple(words[i : i + n]) for i in range(len(words) - n + 1))


def prf(predicted: str, gold: str) -> tuple[float, float, float]:
    """Precision, recall and F1 of the predicted body's n-grams against the gold body's."""
    got, want = ngrams(predicted), ngrams(gold)
    common = sum((got & want).values())
    precision = common / sum(got.values()) if got else float(not want)
    recall = common / sum(want.values()) if want else 1.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return precision, recall, f1


def read_gold(path: Path) -> tuple[dict[str, str], str]:
    """A gold file: front matter (layout and expected metadata) and the hand-cleaned body."""
    text = path.read_text(encoding="utf-8")
    _, front, body = text.split("---\n", 2)
    data = yaml.safe_load(front) or {}
    meta = {k: _text(v) for k, v in data.items()}
    return meta, body.strip() + "\n"


def _text(value: object) -> str:
    if value is None:
        return ""
    return value.isoformat() if isinstance(value, date) else str(value)


def raw_files() -> list[Path]:
    """Every raw document that has a gold file, sorted by name."""
    return sorted(p for p in RAW.iterdir() if p.suffix in (".txt", ".html") and (GOLD / f"{p.stem}.md").exists())


def evaluate() -> list[DocScore]:
    """Clean every raw document with the shipped rules and compare it with its gold file."""
    rules = default_rules()
    scores = []
    for path in raw_files():
        want, gold_body = read_gold(GOLD / f"{path.stem}.md")
        article = read_article(path, rules, Diagnostics())
        body = article.body if article else ""
        got = {
            "title": article.title if article else "",
            "date": article.date.isoformat() if article and article.date else "",
            "agency": article.agency if article else "",
            "dateline": article.dateline if article else "",
        }
        precision, recall, f1 = prf(body, gold_body)
        scores.append(DocScore(
            name=path.name,
            layout=want.get("layout", "?"),
            precision=precision,
            recall=recall,
            f1=f1,
            meta={k: got[k] == want.get(k, "") for k in META_FIELDS},
            got=got,
            want={k: want.get(k, "") for k in META_FIELDS},
            fired=article.fired if article else Counter(),
        ))
    return scores


def summary(scores: list[DocScore]) -> dict[str, float]:
    """Mean body scores and per-field metadata rates over a set of documents."""
    count = len(scores) or 1
    out = {
        "precision": sum(s.precision for s in scores) / count,
        "recall": sum(s.recall for s in scores) / count,
        "f1": sum(s.f1 for s in scores) / count,
    }
    for key in META_FIELDS:
        out[key] = sum(s.meta[key] for s in scores) / count
    out["metadata"] = min(out[k] for k in META_FIELDS)
    return out


def failures(scores: list[DocScore]) -> list[str]:
    """Which thresholds the means miss (empty when the set passes)."""
    means = summary(scores)
    return [f"{key} {means[key]:.3f} < {limit}" for key, limit in THRESHOLDS.items() if means[key] < limit]


def report(scores: list[DocScore]) -> str:
    """The per-document, per-layout and mean figures, metadata misses and the rules that fired."""
    lines = [f"{'document':<24} {'layout':<18} {'P':>6} {'R':>6} {'F1':>6}  title date agency dateline"]
    for s in scores:
        marks = "  ".join(f"{'ok' if s.meta[k] else 'MISS':>{len(k)}}" for k in META_FIELDS)
        lines.append(f"{s.name:<24} {s.layout:<18} {s.precision:6.3f} {s.recall:6.3f} {s.f1:6.3f}  {marks}")
    lines.append("")
    lines.append(f"{'layout':<18} {'docs':>4} {'P':>6} {'R':>6} {'F1':>6} {'meta':>6}")
    for layout in sorted({s.layout for s in scores}):
        group = [s for s in scores if s.layout == layout]
        means = summary(group)
        meta = sum(sum(s.meta.values()) for s in group) / (len(group) * len(META_FIELDS))
        lines.append(f"{layout:<18} {len(group):>4} {means['precision']:6.3f} {means['recall']:6.3f} "
                     f"{means['f1']:6.3f} {meta:6.3f}")
    means = summary(scores)
    lines.append("")
    lines.append(f"mean over {len(scores)} documents: precision {means['precision']:.3f}, recall {means['recall']:.3f}, "
                 f"F1 {means['f1']:.3f}")
    lines.append("metadata exact match: " + ", ".join(f"{k} {means[k]:.3f}" for k in META_FIELDS))
    misses = [(s.name, k, s.got[k], s.want[k]) for s in scores for k in META_FIELDS if not s.meta[k]]
    for name, key, got, want in misses:
        lines.append(f"  {name}: {key} {got!r}, expected {want!r}")
    fired: Counter[str] = Counter()
    for s in scores:
        fired.update(s.fired)
    lines.append("rules that fired most: " + ", ".join(f"{k} {v}" for k, v in fired.most_common(12)))
    lines.append(f"thresholds: mean precision >= {THRESHOLDS['precision']}, recall >= {THRESHOLDS['recall']}, "
                 f"each metadata rate >= {THRESHOLDS['metadata']}")
    return "\n".join(lines)


def main() -> int:
    """Print the report; exit 1 below the thresholds."""
    scores = evaluate()
    print(report(scores))
    problems = failures(scores)
    for problem in problems:
        print(f"FAIL: {problem}", file=sys.stderr)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
