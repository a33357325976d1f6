"""YAML parsing keeps line marks, rejects duplicate keys and never builds Python objects."""

from __future__ import annotations

import pytest

from site_builder.core.yaml_files import YamlProblem, parse_yaml


def test_values_and_lines_with_offset() -> None:
    node = parse_yaml("title: Hello\ntopics:\n  - a\n  - b\n", "f.md", line_offset=1)
    assert node.plain() == {"title": "Hello", "topics": ["a", "b"]}
    assert node.value["title"].line == 2
    assert [n.line for n in node.value["topics"].value] == [4, 5]
    assert node.key_location("topics").line == 3


def test_duplicate_key_names_both_lines() -> None:
    with pytest.raises(YamlProblem) as info:
        parse_yaml("a: 1\nb: 2\na: 3\n", "x.yaml")
    assert info.value.diagnostic.format() == "x.yaml:3:1: error: duplicate key 'a' (first at line 1) (remove one of them)"


def test_python_tags_never_execute() -> None:
    with pytest.raises(YamlProblem) as info:
        parse_yaml("a: !!python/object/apply:os.system ['echo pwned']\n", "x.yaml")
    assert "not allowed" in info.value.diagnostic.format()


def test_syntax_error_has_line_and_column() -> None:
    with pytest.raises(YamlProblem) as info:
        parse_yaml("a: [1, 2\nb: 3\n", "x.yaml", line_offset=1)
    assert info.value.diagnostic.location.path == "x.yaml"
    assert info.value.diagnostic.location.line >= 2
    assert "YAML syntax error" in info.value.diagnostic.message


def test_impossible_date_is_kept_as_text_for_the_field_check() -> None:
    assert parse_yaml("date: 2023-02-31\n", "x").plain() == {"date": "2023-02-31"}


def test_empty_document_is_empty_mapping() -> None:
    assert parse_yaml("", "x").plain() == {}


def alias_bomb(levels: int = 9, width: int = 9) -> str:
    """Each anchor repeats the one before `width` times: a few hundred bytes that expand to width ** levels."""
    lines = [f"l0: &l0 [{', '.join(['x'] * width)}]"]
    lines += [f"l{n}: &l{n} [{', '.join([f'*l{n - 1}'] * width)}]" for n in range(1, levels)]
    return "\n".join(lines) + "\n"


def test_an_alias_bomb_is_refused_at_once() -> None:
    assert len(alias_bomb()) < 500
    with pytest.raises(YamlProblem) as info:
        parse_yaml(alias_bomb(), "content/actors/bomb.yaml")
    assert info.value.diagnostic.format().startswith(
        "content/actors/bomb.yaml:") and "aliases expand to too many values" in info.value.diagnostic.format()


def test_aliases_that_repeat_a_little_are_fine() -> None:
    text = "base: &b {title: Envoy, of: north-korea}\nroles: [*b, *b, *b]\n" + alias_bomb(levels=3, width=4)
    assert parse_yaml(text, "x.yaml").plain()["roles"] == [{"title": "Envoy", "of": "north-korea"}] * 3


@pytest.mark.parametrize(("depth", "refused"), [(64, False), (65, True)])
def test_nesting_is_bounded(depth: int, refused: bool) -> None:
    text = "".join("  " * level + "a:\n" for level in range(depth)) + "  " * depth + "end\n"
    if not refused:
        assert "a" in parse_yaml(text, "deep.yaml").plain()
        return
    with pytest.raises(YamlProblem) as info:
        parse_yaml(text, "deep.yaml")
    assert info.value.diagnostic.format() == (
        "deep.yaml:65:129: error: YAML nested more than 64 levels deep "
        "(flatten the data: lists and mappings inside each other)")


def test_deep_flow_nesting_is_a_syntax_error_not_a_crash() -> None:
    with pytest.raises(YamlProblem) as info:
        parse_yaml("a: " + "[" * 100_000 + "]" * 100_000 + "\n", "flow.yaml")
    assert info.value.diagnostic.format().startswith("flow.yaml:1:")
