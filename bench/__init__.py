"""Benchmarks for site_builder: a seeded synthetic corpus, a runner, and adapters for other generators."""
