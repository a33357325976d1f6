"""The rules one site ingests with: the shipped defaults extended by its config.yaml `ingest:` section."""

from __future__ import annotations

from pathlib import Path

from site_builder.core.config import CONFIG_NAME, Config, parse_config
from site_builder.core.errors import ContentError, Diagnostics
from site_builder.core.ingest_rules import Rules, compile_rules, default_spec, extend_spec
from site_builder.core.text_files import read_text
from site_builder.core.yaml_files import Node, YamlProblem, parse_yaml


def load_rules(root: Path | None) -> tuple[Rules, Config]:
    """The shipped rules extended by the site's config.yaml, and the site's config without `ingest`.

    The `ingest` section is split off here and extended into the shipped rules, and the rest of the
    file goes through the normal config validation, so each problem of the section is reported once.
    """
    diagnostics = Diagnostics()
    spec = default_spec(diagnostics)
    config = Config(root=root or Path("."))
    if root is not None and (root / CONFIG_NAME).exists():
        node = _read_config(root, diagnostics)
        if node is not None and isinstance(node.value, dict):
            ingest = node.value.get("ingest")
            rest = Node({k: v for k, v in node.value.items() if k != "ingest"}, node.line, node.column, node.keys)
            config = parse_config(rest, root, diagnostics)
            if ingest is not None:
                extend_spec(spec, ingest, CONFIG_NAME, "ingest.", diagnostics, site=True)
        elif node is not None:
            parse_config(node, root, diagnostics)  # reports "config must be a mapping"
    rules = compile_rules(spec, diagnostics)
    diagnostics.raise_if_any()
    return rules, config


def _read_config(root: Path, diagnostics: Diagnostics) -> Node | None:
    text = read_text(root / CONFIG_NAME, CONFIG_NAME, diagnostics)
    if text is None:
        return None
    try:
        return parse_yaml(text, CONFIG_NAME)
    except YamlProblem as exc:
        raise ContentError([exc.diagnostic]) from exc
