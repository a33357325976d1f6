"""Rung 10: raw scraped articles (text or HTML) cleaned into briefing files by readable rules."""
