"""Read the links out of built files: URL attributes and anchors of HTML pages, Atom and sitemap URLs, CSS url()."""

from __future__ import annotations

import html
import os
import re
import xml.parsers.expat
from dataclasses import dataclass
from pathlib import Path

# Which attribute of which element holds a URL (srcset holds several).
URL_ATTRS: dict[str, tuple[str, ...]] = {
    "a": ("href",), "link": ("href",), "script": ("src",), "img": ("src", "srcset"), "source": ("src", "srcset"),
    "iframe": ("src",), "video": ("src", "poster"), "audio": ("src",), "track": ("src",), "form": ("action",),
}
META_URLS = frozenset({"og:url", "og:image", "twitter:image"})
# Hints to open a connection early name an origin, not a document: nothing to resolve.
NOT_DOCUMENTS = frozenset({"preconnect", "dns-prefetch"})
_CSS_URL = re.compile(r"""url\(\s*(?:"([^"]*)"|'([^']*)'|([^)\s"']*))\s*\)""", re.IGNORECASE)
_SRCSET = re.compile(r"[\s,]*(\S+)(?:(?<=,)|\s*[^,]*,?)")
_CSS_COMMENT = re.compile(r"/\*.*?\*/", re.DOTALL)
_XML_URL_TEXT = frozenset({"loc", "icon", "logo"})  # sitemap <loc>, Atom <icon>/<logo>


@dataclass(frozen=True)
class Link:
    """A URL as written in a file, with its 1-based line."""

    line: int
    target: str


@dataclass(frozen=True)
class Parsed:
    """The links of one output file and, for HTML, the anchors (`id`s and `a name`s) it offers."""

    links: tuple[Link, ...]
    anchors: frozenset[str] | None  # None: not a page, fragments into it are not checked
    error: tuple[int, str] | None = None  # (line, message) when the file itself is unreadable


# One pass over a page that stops only where there is something to read: comments (skipped), raw-text
# elements (their content is not markup), tags that hold URLs, and other tags with an id or a style.
# The rest is skipped inside the regex engine, which keeps a check of a big site fast.
# Possessive quantifiers keep a quoted '>' inside an attribute from ending the tag and never backtrack.
_ATTRS = r"""((?:[^>"']++|"[^"]*+"|'[^']*+')*+)>"""
# Case is ignored only around names (a global IGNORECASE would slow the whole scan down).
_TOKEN = re.compile(
    r"<(?:!--.*?(?:-->|\Z)"
    r"|((?i:script|style))(?=[\s/>])" + _ATTRS + r"(.*?)(?:</(?i:\1)\s*>|\Z)"
    r"|((?i:" + "|".join(sorted(URL_ATTRS.keys() | {"meta"}, key=lambda t: (-len(t), t))) + r"))(?=[\s/>])"
    + _ATTRS + r"""|[a-zA-Z][^\s/>]*+(?=(?:[^>"']|"[^"]*+"|'[^']*+')*?\s(?i:id|style)\s*=)""" + _ATTRS + ")",
    re.DOTALL)
_ATTR = re.compile(r"""([^\s"'>/=]+)(?:\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'=<>`]+)))?""")


def attributes(text: str) -> dict[str, str]:
    """Attribute name → value of a start tag's attribute text; the first of a repeated name wins, as in browsers."""
    values: dict[str, str] = {}
    for name, double, single, bare in _ATTR.findall(text):
        name = name.lower()
        if name not in values:
            value = double or single or bare
            values[name] = html.unescape(value) if "&" in value else value
    return values


def parse_html(text: str) -> Parsed:
    """Links and anchors of one HTML page.

    A tokenizer of start tags rather than html.parser: the same answers on our output (a test
    compares them) much faster, which matters on a site with many pages of timelines.
    """
    links: list[Link] = []
    anchors: set[str] = set()
    line, last = 1, 0
    for match in _TOKEN.finditer(text):
        raw, raw_attrs, content, tag, attr_text, other_attrs = match.groups()
        if tag is not None:
            tag = tag.lower()
        elif raw is not None:
            tag, attr_text = raw.lower(), raw_attrs
        elif other_attrs is not None:
            tag, attr_text = "", other_attrs
        else:  # a comment
            continue
        values = attributes(attr_text) if attr_text else {}
        if "id" in values:
            anchors.add(values["id"])
        line += text.count("\n", last, match.start())
        last = match.start()
        names = URL_ATTRS.get(tag)
        if names is not None:
            if tag == "a" and "name" in values:
                anchors.add(values["name"])
            if tag == "link" and NOT_DOCUMENTS & set(values.get("rel", "").lower().split()):
                names = ()
            for name in names:
                value = values.get(name)
                if value is None:
                    continue
                if name == "srcset":
                    links.extend(Link(line, url) for url in srcset_urls(value))
                else:
                    links.append(Link(line, value))
        elif tag == "meta":
            kind = (values.get("property") or values.get("name") or "").lower()
            if kind in META_URLS and "content" in values:
                links.append(Link(line, values["content"]))
        if "url(" in values.get("style", ""):
            links.extend(css_links(values["style"], line))
        if tag == "style" and content:
            links.extend(css_links(content, line + attr_text.count("\n")))
    return Parsed(tuple(links), frozenset(anchors))


def srcset_urls(value: str) -> list[str]:
    """The URLs of a srcset, read as the HTML standard does.

    A URL runs to white space, so it may hold commas (`data:` URLs do); trailing commas end a
    candidate, else its descriptors run to the next comma.
    """
    return [m.group(1).rstrip(",") for m in _SRCSET.finditer(value) if m.group(1).rstrip(",")]


def css_links(css: str, first_line: int = 1) -> list[Link]:
    """Every `url(...)` of a style sheet, with its line; comments are blanked first so their URLs do not count."""
    css = _CSS_COMMENT.sub(lambda m: "\n" * m.group().count("\n"), css)
    return [Link(first_line + css.count("\n", 0, m.start()), m.group(1) or m.group(2) or m.group(3) or "")
            for m in _CSS_URL.finditer(css)]


def parse_xml(data: bytes) -> Parsed:
    """Atom `link href` (feeds) and `<loc>` (sitemaps); a file that is not well-formed is itself a problem."""
    links: list[Link] = []
    text: list[str] = []
    start = [0]
    parser = xml.parsers.expat.ParserCreate()

    def start_element(name: str, attrs: dict[str, str]) -> None:
        local = name.rsplit(":", 1)[-1]
        if local == "link" and "href" in attrs:
            links.append(Link(parser.CurrentLineNumber, attrs["href"]))
        elif local in _XML_URL_TEXT:
            text.clear()
            start[0] = parser.CurrentLineNumber

    def end_element(name: str) -> None:
        if name.rsplit(":", 1)[-1] in _XML_URL_TEXT:
            links.append(Link(start[0], "".join(text).strip()))
        text.clear()

    parser.StartElementHandler = start_element
    parser.EndElementHandler = end_element
    parser.CharacterDataHandler = text.append
    try:
        parser.Parse(data, True)
    except xml.parsers.expat.ExpatError as exc:
        reason = f"not well-formed XML: {xml.parsers.expat.ErrorString(exc.code)}"
        return Parsed(tuple(links), None, (exc.lineno, reason))
    return Parsed(tuple(links), None)


def parse_file(path: Path) -> Parsed | None:
    """The links of one output file, or None for a file that holds none we read (images, scripts, JSON)."""
    suffix = path.suffix.lower()
    if suffix in (".html", ".htm"):
        return parse_html(path.read_text(encoding="utf-8", errors="replace"))
    if suffix == ".xml":
        return parse_xml(path.read_bytes())
    if suffix == ".css":
        return Parsed(tuple(css_links(path.read_text(encoding="utf-8", errors="replace"))), None)
    return None


def output_files(out_dir: Path) -> list[str]:
    """Every file below the output folder as a sorted POSIX path relative to it."""
    found: list[str] = []
    for folder, dirs, files in os.walk(out_dir):
        dirs.sort()
        prefix = Path(folder).relative_to(out_dir).as_posix()
        prefix = "" if prefix == "." else prefix + "/"
        found.extend(prefix + name for name in files)
    return sorted(found)
