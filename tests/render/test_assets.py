"""Fingerprinted assets: hashed names, stylesheet references that follow them, and whole builds that use them."""

from __future__ import annotations

import hashlib
import re
from pathlib import Path

import pytest
from conftest import SiteFactory, briefing, read_tree

from site_builder.build.builder import Builder
from site_builder.build.options import BuildOptions, BuildPolicy
from site_builder.core.errors import Diagnostics, SiteError
from site_builder.core.urls import url_function
from site_builder.render.assets import (
    css_references,
    fingerprint_assets,
    prepare_assets,
    resolve_reference,
    rewrite_css,
    with_digest,
)

HASHED = re.compile(r"\.[0-9a-f]{10}\.(?:css|js)$")


def fingerprint(static: dict[str, bytes]) -> tuple[dict[str, bytes], dict[str, str]]:
    diagnostics = Diagnostics()
    assets = fingerprint_assets(static, diagnostics)
    assert [d.format() for d in diagnostics] == []
    return dict(assets.files), dict(assets.names)


# Hashing


def test_css_and_js_get_a_short_digest_of_their_bytes() -> None:
    files, names = fingerprint({"css/site.css": b"body { margin: 0 }\n", "js/app.min.js": b"let a = 1;\n"})
    css_digest = hashlib.sha256(b"body { margin: 0 }\n").hexdigest()[:10]
    assert names["css/site.css"] == f"css/site.{css_digest}.css"
    assert HASHED.search(names["js/app.min.js"]) and names["js/app.min.js"].startswith("js/app.min.")
    assert files == {names["css/site.css"]: b"body { margin: 0 }\n", names["js/app.min.js"]: b"let a = 1;\n"}


def test_other_static_files_keep_their_names_and_bytes() -> None:
    static = {"favicon.svg": b"<svg/>", "img/a.png": b"PNG", "docs/report.pdf": b"%PDF", "css/a.css": b"a{}"}
    files, names = fingerprint(static)
    assert set(names) == {"css/a.css"}
    for rel in ("favicon.svg", "img/a.png", "docs/report.pdf"):
        assert files[rel] == static[rel]
    assert "css/a.css" not in files  # only the hashed name is written


def test_same_bytes_same_name_other_bytes_other_name() -> None:
    _, first = fingerprint({"css/a.css": b"a{}"})
    _, again = fingerprint({"css/a.css": b"a{}", "img/x.png": b"x"})
    _, other = fingerprint({"css/a.css": b"a{ }"})
    assert first == again
    assert first["css/a.css"] != other["css/a.css"]


def test_with_digest_goes_before_the_last_suffix() -> None:
    assert with_digest("css/site.css", "0123456789") == "css/site.0123456789.css"
    assert with_digest("js/x.min.js", "ab") == "js/x.min.ab.js"


# Stylesheet references


def test_references_resolve_relative_to_the_stylesheet() -> None:
    assert resolve_reference("css/site.css", "parts/a.css") == "css/parts/a.css"
    assert resolve_reference("css/parts/a.css", "../../img/x.png?v=2#top") == "img/x.png"
    assert resolve_reference("css/site.css", "./b%20c.css") == "css/b c.css"
    for left_alone in ("data:image/png;base64,AAAA", "https://cdn.example/x.css", "//cdn.example/x.css",
                       "/css/x.css", "#filter", "../../../outside.css", ""):
        assert resolve_reference("css/site.css", left_alone) is None, left_alone


def test_quoted_and_unquoted_urls_and_imports_are_rewritten() -> None:
    static = {
        "css/site.css": (b'@import "parts/a.css";\n'
                         b"@import url(parts/b.css) screen;\n"
                         b".x { background: url( 'parts/c.css?v=1#frag' ) }\n"
                         b".y { background: URL(./parts/a.css) }\n"),
        "css/parts/a.css": b"a{}", "css/parts/b.css": b"b{}", "css/parts/c.css": b"c{}",
    }
    files, names = fingerprint(static)
    a, b, c = (names[f"css/parts/{n}.css"].removeprefix("css/") for n in "abc")
    site = files[names["css/site.css"]].decode()
    assert site == (f'@import "{a}";\n'
                    f"@import url({b}) screen;\n"
                    f".x {{ background: url( '{c}?v=1#frag' ) }}\n"
                    f".y {{ background: URL(./{a}) }}\n")


def test_nested_folders_and_parent_references() -> None:
    static = {
        "css/themes/dark/theme.css": b'@import "../../base/reset.css";\n.logo { background: url("../../../img/l.svg") }',
        "css/base/reset.css": b"* { margin: 0 }",
        "js/deep/x.js": b"1",
        "css/main.css": b"@import 'themes/dark/theme.css'; .s { behavior: url(../js/deep/x.js) }",
        "img/l.svg": b"<svg/>",
    }
    files, names = fingerprint(static)
    theme = files[names["css/themes/dark/theme.css"]].decode()
    reset = names["css/base/reset.css"].removeprefix("css/base/")
    assert theme == f'@import "../../base/{reset}";\n.logo {{ background: url("../../../img/l.svg") }}'
    main = files[names["css/main.css"]].decode()
    hashed_theme = names["css/themes/dark/theme.css"].removeprefix("css/")
    hashed_js = names["js/deep/x.js"].removeprefix("js/deep/")
    assert main == f"@import '{hashed_theme}'; .s {{ behavior: url(../js/deep/{hashed_js}) }}"
    for target in (names["css/base/reset.css"], names["css/themes/dark/theme.css"], "img/l.svg"):
        assert target in files


def test_missing_absolute_data_comments_and_strings_stay_as_written() -> None:
    text = ('@import "missing.css";\n'
            ".a { background: url(https://cdn.example/a.css) }\n"
            ".b { background: url(data:image/svg+xml;base64,PHN2Zy8+) }\n"
            ".c { background: url(/css/a.css) }\n"
            "/* url(a.css) @import 'a.css'; */\n"
            '.d::after { content: "url(a.css)" }\n'
            ".e { background: url(../../../../a.css) }\n")
    files, names = fingerprint({"css/site.css": text.encode(), "css/a.css": b"a{}"})
    assert files[names["css/site.css"]].decode() == text


def test_css_references_lists_targets_in_order() -> None:
    text = "@import 'a.css'; x { y: url(\"b.png\") } /* url(c.css) */ z { w: url(d.js) }"
    assert [(r.written, r.path) for r in css_references("s/x.css", text)] == [
        ("a.css", "s/a.css"), ("b.png", "s/b.png"), ("d.js", "s/d.js")]


def test_rewrite_css_without_names_is_the_identity() -> None:
    text = "@import 'a.css'; x { y: url(b.css) }"
    assert rewrite_css("x.css", text, {}) == text


def test_rewrite_css_keeps_the_written_form_or_falls_back_to_a_relative_path() -> None:
    names = {"css/b.css": "css/b.0123456789.css", "css/my file.css": "css/my file.0123456789.css"}
    text = "x { y: url(./b.css?v#f) } z { w: url(b%2Ecss) } v { u: url(my%20file.css) }"
    assert rewrite_css("css/a.css", text, names) == ("x { y: url(./b.0123456789.css?v#f) } z { w: url(b.0123456789.css) }"
                                                     " v { u: url(my%20file.0123456789.css) }")


def test_referrer_is_hashed_after_rewriting() -> None:
    base = {"css/site.css": b'@import "parts/a.css";', "css/parts/a.css": b"a { color: red }",
            "css/other.css": b"o{}"}
    _, before = fingerprint(base)
    _, after = fingerprint({**base, "css/parts/a.css": b"a { color: blue }"})
    assert before["css/parts/a.css"] != after["css/parts/a.css"]
    assert before["css/site.css"] != after["css/site.css"]  # its bytes differ only in the imported name
    assert before["css/other.css"] == after["css/other.css"]


def test_non_utf8_bytes_survive_rewriting() -> None:
    files, names = fingerprint({"css/a.css": b"/* \xff\xfe */ @import 'b.css';", "css/b.css": b"b{}"})
    hashed_b = names["css/b.css"].removeprefix("css/")
    assert files[names["css/a.css"]] == b"/* \xff\xfe */ @import '" + hashed_b.encode() + b"';"


def test_output_is_deterministic_whatever_the_input_order() -> None:
    static = {"css/site.css": b'@import "a.css"; @import "b.css";', "css/a.css": b"a{}", "css/b.css": b"@import 'a.css';",
              "js/x.js": b"1", "img/i.png": b"i"}
    forward = fingerprint_assets(static, Diagnostics())
    backward = fingerprint_assets(dict(reversed(static.items())), Diagnostics())
    assert list(forward.files.items()) == list(backward.files.items())
    assert list(forward.names.items()) == list(backward.names.items())


def test_cycles_are_reported_at_the_reference() -> None:
    diagnostics = Diagnostics()
    fingerprint_assets({"css/a.css": b'\n  @import "b.css";', "css/b.css": b"x { y: url(a.css) }",
                        "css/after.css": b"@import 'a.css';", "css/self.css": b"s { y: url(self.css) }"},
                       diagnostics)
    messages = [d.format() for d in diagnostics]
    assert len(messages) == 3  # after.css only depends on the cycle: not reported
    assert messages[0].startswith("static/css/a.css:2:12: error: stylesheets reference each other in a cycle "
                                  "through css/b.css (")
    assert messages[1].startswith("static/css/b.css:1:12: error: stylesheets reference each other")
    assert messages[2].startswith("static/css/self.css:1:12: error: the stylesheet references itself")


def test_without_fingerprinting_files_pass_through() -> None:
    static = {"css/site.css": b"@import 'a.css';", "css/a.css": b"a{}"}
    assets = prepare_assets(static, False, Diagnostics())
    assert dict(assets.files) == static and dict(assets.names) == {} and assets.key == ()


# The url() of templates


def test_url_maps_assets_to_hashed_names() -> None:
    names = {"css/site.css": "css/site.0123456789.css"}
    url = url_function("briefings/a/", "https://example.org/desk/", False, names)
    assert url("css/site.css") == "../../css/site.0123456789.css"
    assert url("/css/site.css?v=1") == "../../css/site.0123456789.css?v=1"
    assert url("img/site.css.png") == "../../img/site.css.png"
    assert url("actors/") == "../../actors/"
    not_found = url_function("404.html", "https://example.org/desk/", True, names)
    assert not_found("css/site.css") == "/desk/css/site.0123456789.css"


# Whole builds

SITE: dict[str, str | bytes] = {
    "content/briefings/2023-01-29-alpha.md": briefing(title="Alpha", body="Alpha body."),
    "content/pages/about.md": "---\ntitle: About\n---\n\nAbout.\n",
    "static/css/site.css": "@import 'parts/extra.css';\nbody { background: url(../img/bg.svg) }\n",
    "static/css/parts/extra.css": ".extra { background: url('../../img/bg.svg') }\n",
    "static/img/bg.svg": "<svg xmlns='http://www.w3.org/2000/svg'/>\n",
    "static/docs/report.pdf": b"%PDF-1.4\n",
}
RELATIVE = "title: Desk\nbase_url: https://example.org/desk/\nrelative_urls: true\n"


def asset_links(out: Path) -> list[tuple[Path, str]]:
    """Every (page, href or src) of the built HTML that names a stylesheet or script."""
    links = []
    for page in sorted(out.rglob("*.html")):
        for target in re.findall(r'(?:href|src)="([^"?#]+\.(?:css|js))"', page.read_text()):
            links.append((page, target))
    return links


def resolve(out: Path, page: Path, target: str) -> Path:
    return out / target.removeprefix("/desk/") if target.startswith("/") else (page.parent / target).resolve()


@pytest.mark.parametrize("config", [None, RELATIVE])
def test_built_site_links_only_hashed_names_that_exist(make_site: SiteFactory, config: str | None) -> None:
    site = make_site(dict(SITE), **({"config": config} if config else {}))
    out = site / "public"
    Builder(site).build()
    links = asset_links(out)
    assert {t.rsplit("/", 1)[-1].split(".")[0] for _, t in links} >= {"site", "search", "filter"}
    for page, target in links:
        assert HASHED.search(target), (page, target)
        assert resolve(out, page, target).is_file(), (page, target)
    written = read_tree(out)
    assert not {"css/site.css", "css/parts/extra.css", "js/search.js", "js/filter.js"} & set(written)
    assert {"img/bg.svg", "docs/report.pdf", "favicon.svg"} <= set(written)  # linked by name: unchanged
    (sheet,) = [rel for rel in written if rel.startswith("css/site.")]
    (extra,) = [rel for rel in written if rel.startswith("css/parts/extra.")]
    assert written[sheet].decode().startswith(f"@import '{extra.removeprefix('css/')}';")


def test_404_page_reaches_its_stylesheet_from_any_depth(make_site: SiteFactory) -> None:
    out = make_site(dict(SITE)) / "public"
    Builder(out.parent).build()
    (target,) = re.findall(r'<link rel="stylesheet" href="([^"]+)"', (out / "404.html").read_text())
    assert target.startswith("/desk/css/site.") and HASHED.search(target)
    assert (out / target.removeprefix("/desk/")).is_file()


def test_editing_a_stylesheet_renames_it_and_prunes_the_old_file(make_site: SiteFactory) -> None:
    site = make_site(dict(SITE))
    out = site / "public"
    builder = Builder(site)
    builder.build()
    before = {rel for rel in read_tree(out) if rel.startswith("css/")}
    (site / "static/css/parts/extra.css").write_text(".extra { color: teal }\n")
    result = builder.rebuild(["static/css/parts/extra.css"])
    after = {rel for rel in read_tree(out) if rel.startswith("css/")}
    assert len(before) == len(after) == 2 and not before & after  # the importing sheet was renamed too
    assert set(result.report.removed) >= before
    assert "index.html" in result.report.written and "briefings/alpha/index.html" in result.report.written
    for page, target in asset_links(out):
        assert resolve(out, page, target).is_file(), (page, target)
    clean = make_site({**SITE, "static/css/parts/extra.css": ".extra { color: teal }\n"})
    Builder(clean).build()
    assert read_tree(clean / "public") == read_tree(out)


def test_fingerprint_false_keeps_plain_names(make_site: SiteFactory) -> None:
    site = make_site(dict(SITE), config="title: Desk\nbase_url: https://example.org/desk/\nfingerprint: false\n")
    out = site / "public"
    Builder(site).build()
    assert (out / "css/site.css").read_bytes() == (site / "static/css/site.css").read_bytes()
    assert 'href="../../css/site.css"' in (out / "briefings/alpha/index.html").read_text()
    assert not any(HASHED.search(rel) for rel in read_tree(out))


def test_switching_fingerprinting_on_prunes_plain_names(make_site: SiteFactory) -> None:
    site = make_site(dict(SITE))
    out = site / "public"
    Builder(site, BuildOptions(), policy=BuildPolicy(fingerprint=False)).build()
    assert (out / "css/site.css").is_file()
    result = Builder(site).build()
    assert "css/site.css" in result.report.removed and not (out / "css/site.css").exists()


def test_fingerprint_must_be_a_boolean(make_site: SiteFactory) -> None:
    site = make_site(dict(SITE), config="title: Desk\nbase_url: https://example.org/\nfingerprint: sometimes\n")
    with pytest.raises(SiteError) as info:
        Builder(site).build()
    assert any(d.location.path == "config.yaml" and "fingerprint" in d.message for d in info.value.diagnostics)


def test_stylesheet_cycle_fails_the_build_and_writes_nothing(make_site: SiteFactory) -> None:
    site = make_site({**SITE, "static/css/parts/extra.css": "@import '../site.css';\n"})
    with pytest.raises(SiteError) as info:
        Builder(site).build()
    assert {d.location.path for d in info.value.diagnostics} == {"static/css/site.css", "static/css/parts/extra.css"}
    assert not (site / "public").exists()
