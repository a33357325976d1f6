"""Rung 7: the Pagefind search index over written pages, made reproducible."""
