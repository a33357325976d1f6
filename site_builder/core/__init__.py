"""Rung 1, the base every package stands on: errors, config, URLs, models, site files, text and YAML
sources, keys, output writing, progress, worker processes. Imports nothing else from site_builder."""
