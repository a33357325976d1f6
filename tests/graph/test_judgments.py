"""Judgment histories: each assessment's change kind against the one before it, and judgments dropped on a topic."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from site_builder.core.models import Briefing, Judgment
from site_builder.core.tradecraft import ICD_203, PHIA
from site_builder.graph.judgments import compare, judgment_record

START = datetime(2023, 1, 1, tzinfo=UTC)


def b(slug: str, day: int, *judgments: tuple[str, str, str], topics: tuple[str, ...] = ("t",)) -> Briefing:
    """A briefing on day `day` carrying (id, likelihood, confidence) judgments."""
    return Briefing(path=f"content/briefings/{slug}.md", slug=slug, title=slug.title(), date=START + timedelta(days=day),
                    body="", body_line=1, topics=topics,
                    judgments=tuple(Judgment(i, f"Judgment {i}.", lk, cf) for i, lk, cf in judgments))


def test_change_kinds() -> None:
    j = Judgment("x", "", "likely", "moderate")
    assert compare(ICD_203, j, Judgment("x", "", "very-likely", "low")) == "raised"  # likelihood wins
    assert compare(ICD_203, j, Judgment("x", "", "unlikely", "high")) == "lowered"
    assert compare(ICD_203, j, Judgment("x", "", "likely", "high")) == "confidence-up"
    assert compare(ICD_203, j, Judgment("x", "", "likely", "low")) == "confidence-down"
    assert compare(ICD_203, j, Judgment("x", "", "likely", "moderate")) == "unchanged"
    assert compare(PHIA, Judgment("x", "", "realistic-possibility", "low"),
                   Judgment("x", "", "likely", "low")) == "raised"


def test_history_and_changes_follow_dates_not_input_order() -> None:
    briefings = [
        b("d", 40, ("x", "likely", "moderate")),
        b("a", 1, ("x", "likely", "low")),
        b("c", 30, ("x", "likely", "moderate"), ("y", "unlikely", "low")),
        b("b", 10, ("x", "very-likely", "low")),
        b("plain", 20),
    ]
    record = judgment_record(briefings, ICD_203)
    assert [a.slug for a in record.history["x"]] == ["a", "b", "c", "d"]
    kinds = {slug: record.change(slug, "x").kind for slug in "abcd"}
    assert kinds == {"a": "new", "b": "raised", "c": "lowered", "d": "unchanged"}
    assert record.change("c", "x").previous is not None and record.change("c", "x").previous.slug == "b"
    assert record.change("a", "x").previous is None
    assert record.change("c", "y").kind == "new"
    assert record.current("x").slug == "d"
    assert record.most_recent_first(["y", "x"]) == ("x", "y")


def test_same_day_assessments_are_ordered_by_slug() -> None:
    record = judgment_record([b("z", 5, ("x", "likely", "low")), b("m", 5, ("x", "likely", "high"))], ICD_203)
    assert [a.slug for a in record.history["x"]] == ["m", "z"]
    assert record.change("z", "x").kind == "confidence-down"


def test_a_judgment_left_out_on_the_same_main_topic_is_dropped_once() -> None:
    briefings = [
        b("a", 1, ("x", "likely", "low"), ("y", "likely", "low"), topics=("war",)),
        b("b", 2, ("x", "likely", "low"), topics=("war",)),  # drops y
        b("c", 3, ("x", "likely", "low"), topics=("war",)),  # y was dropped already
        b("other", 4, ("z", "likely", "low"), topics=("wagner", "war")),  # another main topic: drops nothing
        b("plain", 5, topics=("war",)),  # carries no judgments: drops nothing
    ]
    record = judgment_record(briefings, ICD_203)
    assert {slug: [a.judgment.id for a in gone] for slug, gone in record.dropped.items()} == {"b": ["y"]}
    (gone,) = record.dropped["b"]
    assert gone.slug == "a"  # its last assessment, linked from the "no longer assessed" list


def test_a_judgment_assessed_elsewhere_since_is_not_dropped_by_its_old_thread() -> None:
    briefings = [
        b("a", 1, ("x", "likely", "low"), ("y", "likely", "low"), topics=("nk",)),
        b("w", 2, ("y", "unlikely", "low"), topics=("wagner",)),
        b("c", 3, ("x", "likely", "low"), topics=("nk",)),  # y's latest word is w's, not a's
    ]
    assert judgment_record(briefings, ICD_203).dropped == {}
