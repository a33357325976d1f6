"""Rung 2: content files to validated models (front matter, schema checks with file:line)."""
