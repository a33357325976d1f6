"""Rung 5: linking: resolved references, who is in which briefing, topics, related briefings, co-mentions,
and the names no actor claims."""
