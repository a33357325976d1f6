"""Rung 3: the alias registry and mention matcher, and what mentions give: quotes and sentence excerpts
(docs/architecture.md, Mention rules)."""
