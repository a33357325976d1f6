"""HTML articles: trafilatura finds the article, its title and date; the text rules do the rest."""

from __future__ import annotations

import logging
from datetime import date

from site_builder.core.ingest_rules import Rules
from site_builder.ingest.text import Article, Hints, clean_text


class ExtractionFailed(Exception):
    """trafilatura found no article text in a page."""


def clean_html(data: bytes, rules: Rules) -> Article:
    """Extract the main text with trafilatura, then apply the dateline and furniture rules.

    Precision over recall (favor_precision), no comments and no tables: a briefing should lose a
    sentence before it gains a comment thread. The extractor's text begins with the title line,
    which the text rules drop because the title is passed as a hint.
    """
    import trafilatura  # imported here: it is slow to load and plain-text runs never need it

    # trafilatura and htmldate log their guesses at INFO and WARNING; our diagnostics say what matters.
    for name in ("trafilatura", "htmldate"):
        logging.getLogger(name).setLevel(logging.ERROR)

    try:
        document = trafilatura.bare_extraction(
            data,
            favor_precision=True,
            include_comments=False,
            include_tables=False,
            with_metadata=True,
            deduplicate=False,
            date_extraction_params={"extensive_search": False, "original_date": True},
        )
    except Exception as exc:  # trafilatura raises lxml and parser errors of many kinds
        raise ExtractionFailed(f"trafilatura could not read the page: {exc}") from exc
    if document is None or isinstance(document, dict):
        raise ExtractionFailed("no article text found in the page")
    text = document.text or ""
    if not text.strip():
        raise ExtractionFailed("no article text found in the page")
    categories = document.categories or []
    hints = Hints(
        title=document.title or "",
        date=_iso_date(document.date),
        section=categories[0] if categories else "",
    )
    return clean_text(text, rules, hints, unwrap=False)


def _iso_date(value: str | None) -> date | None:
    if not value:
        return None
    try:
        return date.fromisoformat(value[:10])
    except ValueError:
        return None
