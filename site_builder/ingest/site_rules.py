"""The rules one site ingests with: the shipped defaults extended by its config.yaml `ingest:` section."""

from __future__ import annotations

from pathlib import Path

from site_builder.core.config import Config, config_file, parse_config
from site_builder.core.errors import ContentError, Diagnostics
from site_builder.core.ingest_rules import Rules, compile_rules, default_spec, extend_spec
from site_builder.core.text_files import read_text
from site_builder.core.yaml_files import Node, YamlProblem, parse_yaml


def load_rules(root: Path | None) -> tuple[Rules, Config]:
    """The shipped rules extended by the site's config file, and the site's config without `ingest`.

    The `ingest` section is split off here and extended into the shipped rules, and the rest of the
    file goes through the normal config validation, so each problem of the section is reported once.
    """
    diagnostics = Diagnostics()
    spec = default_spec(diagnostics)
    config = Config(root=root or Path("."))
    name = config_file(root) if root is not None else None
    if root is not None and name is not None:
        node = _read_config(root, name, diagnostics)
        if node is not None and isinstance(node.value, dict):
            ingest = node.value.get("ingest")
            rest = Node({k: v for k, v in node.value.items() if k != "ingest"}, node.line, node.column, node.keys)
            config = parse_config(rest, root, diagnostics, name)
            if ingest is not None:
                extend_spec(spec, ingest, name, "ingest.", diagnostics, site=True)
        elif node is not None:
            parse_config(node, root, diagnostics, name)  # reports "config must be a mapping"
    rules = compile_rules(spec, diagnostics)
    diagnostics.raise_if_any()
    return rules, config


def _read_config(root: Path, name: str, diagnostics: Diagnostics) -> Node | None:
    text = read_text(root / name, name, diagnostics)
    if text is None:
        return None
    try:
        return parse_yaml(text, name)
    except YamlProblem as exc:
        raise ContentError([exc.diagnostic]) from exc
