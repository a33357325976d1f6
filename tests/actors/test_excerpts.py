"""Sentence bounds and excerpts around a mention."""

from __future__ import annotations

from site_builder.actors.excerpts import excerpt, sentence_bounds


def sentences(text: str) -> list[str]:
    return [text[s:e] for s, e in sentence_bounds(text)]


def test_splits_on_sentence_ends_only() -> None:
    text = ("Earlier, U.S. President Joe Biden pledged tanks. “Is it over?” he asked. Gen. Smith agreed! "
            "Then 2023 came. 북한은 발사했다. 미국은 비난했다.")
    assert sentences(text) == [
        "Earlier, U.S. President Joe Biden pledged tanks.",
        "“Is it over?” he asked.",
        "Gen. Smith agreed!",
        "Then 2023 came.",
        "북한은 발사했다.",
        "미국은 비난했다.",
    ]


def test_excerpt_is_the_sentence_around_the_match() -> None:
    text = "First one. Then Kim Yo-jong spoke at length. Last."
    start = text.index("Kim")
    found = excerpt(text, start, start + len("Kim Yo-jong"))
    assert (found.before, found.match, found.after) == ("Then ", "Kim Yo-jong", " spoke at length.")
    assert found.text == "Then Kim Yo-jong spoke at length."


def test_long_sentences_are_shortened_around_the_match() -> None:
    text = "word " * 200 + "Wagner " + "word " * 200
    start = text.index("Wagner")
    found = excerpt(text, start, start + 6)
    assert found.match == "Wagner"
    assert found.before.startswith("…") and found.after.endswith("…")
    assert len(found.text) < 400
