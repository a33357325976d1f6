"""The single URL and output-path policy: site paths, slugs, relative links and absolute URLs."""

from __future__ import annotations

import html as html_lib
import re
import unicodedata
from collections.abc import Callable, Mapping
from pathlib import Path, PurePosixPath
from urllib.parse import urljoin, urlsplit

_DATE_PREFIX = re.compile(r"^\d{4}-\d{2}-\d{2}-")
_SLUG_OK = re.compile(r"^[^\W_](?:[\w-]*[^\W_])?$")
_SAFE_SCHEMES = ("http", "https", "mailto", "ftp", "ftps", "tel", "news", "irc", "ircs", "xmpp")


def slugify(text: str) -> str:
    """Lowercase words joined by hyphens; letters of any script are kept, everything else dropped.

    Non-Latin titles keep their letters so a Korean or Russian desk still gets readable slugs.
    """
    normal = unicodedata.normalize("NFKC", text).lower()
    normal = normal.replace("'", "").replace("’", "")
    words = re.findall(r"[^\W_]+", normal)
    return "-".join(words)


def is_valid_slug(slug: str) -> bool:
    """A slug is one path segment of word characters and inner hyphens, nothing that can climb out."""
    return bool(_SLUG_OK.match(slug)) and slug == slug.lower()


def slug_from_filename(path: str) -> str:
    """The slug a briefing gets from its file name: name without extension or leading date."""
    stem = PurePosixPath(path).stem
    return slugify(_DATE_PREFIX.sub("", stem)) or slugify(stem)


def briefing_path(slug: str) -> str:
    """Site path of a briefing page."""
    return f"briefings/{slug}/"


def actor_path(actor_id: str) -> str:
    """Site path of an actor profile."""
    return f"actors/{actor_id}/"


def topic_path(slug: str, page: int = 1) -> str:
    """Site path of a topic page (page 2 on lives under page/N/)."""
    return list_page_path(f"topics/{slug}/", page)


def page_count(items: int, per_page: int) -> int:
    """How many pages a paginated list of `items` takes; an empty list still has its first page."""
    return max(1, -(-items // per_page))


def list_page_path(base: str, page: int) -> str:
    """Site path of page `page` of a paginated list whose first page is `base`."""
    return base if page == 1 else f"{base}page/{page}/"


def archive_year_path(year: int) -> str:
    """Site path of one archive year."""
    return f"archive/{year}/"


def judgment_path(judgment_id: str) -> str:
    """Site path of a judgment's history page."""
    return f"judgments/{judgment_id}/"


def page_path(slug: str) -> str:
    """Site path of a standalone page."""
    return f"{slug}/"


def output_file(site_path: str) -> str:
    """The file a site path is written to: folders get index.html (pretty URLs)."""
    if site_path == "" or site_path.endswith("/"):
        return site_path + "index.html"
    return site_path


def destination(out_dir: Path, site_path: str) -> Path:
    """The absolute output file of a site path, refusing anything that would leave the output folder."""
    rel = output_file(site_path)
    parts = PurePosixPath(rel).parts
    if PurePosixPath(rel).is_absolute() or any(p in ("..", ".") for p in parts) or "\\" in rel:
        raise ValueError(f"unsafe output path {rel!r}")
    return out_dir.joinpath(*parts)


def relative_url(from_path: str, to_path: str, index_files: bool = False) -> str:
    """A link from one site path to another that works under any base path.

    `index_files` appends index.html to folder links so the output can be browsed from disk.
    Site paths are already normal (no '.' or '..' segments), so this is a walk up to the common
    folder and down again; it runs for every link of every page, so it avoids os.path.
    """
    return _relative(_folders(from_path), to_path, index_files)


def _folders(from_path: str) -> list[str]:
    """The folders a page's file sits in, the starting point of its relative links."""
    return output_file(from_path).split("/")[:-1]


def _relative(here: list[str], to_path: str, index_files: bool) -> str:
    fragment = ""
    if "#" in to_path:
        to_path, frag = to_path.split("#", 1)
        fragment = "#" + frag
    is_folder = to_path == "" or to_path.endswith("/")
    target = output_file(to_path) if index_files else to_path
    there = target.split("/")
    common = 0
    while common < len(here) and common < len(there) - 1 and here[common] == there[common]:
        common += 1
    rel = "../" * (len(here) - common) + "/".join(there[common:])
    if not rel:
        rel = "./"
    elif rel.endswith("../") or (is_folder and not index_files and not rel.endswith("/")):
        rel = rel if rel.endswith("/") else rel + "/"
    return rel + fragment


def absolute_url(base_url: str, site_path: str) -> str:
    """An absolute URL under base_url, for feeds, sitemaps and canonical links."""
    return base_url + site_path.lstrip("/")


def is_safe_href(url: str) -> bool:
    """Whether a link target may be emitted: relative links and a short list of harmless schemes.

    Browsers ignore control characters and white space inside schemes ("java\\tscript:"), so
    those are stripped before the scheme is read.
    """
    cleaned = re.sub(r"[\x00-\x20\x7f]+", "", unicodedata.normalize("NFKC", url)).lower()
    match = re.match(r"^([a-z][a-z0-9+.\-]*):", cleaned)
    if not match:
        return True
    return match.group(1) in _SAFE_SCHEMES


_SCHEME = re.compile(r"^[a-z][a-z0-9+.\-]*:", re.IGNORECASE)
_QUERY_OR_FRAGMENT = re.compile(r"[?#]")


def url_function(page_url: str, base_url: str, index_files: bool,
                 assets: Mapping[str, str] | None = None) -> Callable[[str], str]:
    """The `url()` of one page's templates: relative links, except from 404.html, which hosts serve at any depth.

    Absolute URLs and fragments pass through unchanged; a leading slash means the site root, so
    `image: /img/a.jpg` in an actor file works from every page. `assets` maps a static file to its
    content-hashed name, so templates keep writing `url('css/site.css')`.
    """
    root = urlsplit(base_url).path or "/"
    here = _folders(page_url)
    known: dict[str, str] = {}  # a page links the same profiles and topics many times

    def link(target: str) -> str:
        if _SCHEME.match(target) or target.startswith("#"):
            return target
        target = target.lstrip("/")
        if assets:
            cut = _QUERY_OR_FRAGMENT.search(target)
            path = target[:cut.start()] if cut else target
            if path in assets:
                target = assets[path] + target[len(path):]
        if page_url == "404.html":
            return root + (output_file(target) if index_files else target)
        return _relative(here, target, index_files)

    # The common case, a site path into another section than this page's, is a walk up to the root and
    # down again; it needs no folder-by-folder comparison. A page makes many of these links.
    up = "../" * len(here)
    section = here[0] + "/" if here else ""
    plain = not index_files and page_url != "404.html"

    def url(target: str) -> str:
        found = known.get(target)
        if found is None:
            if (plain and target and not (section and target.startswith(section)) and target[0] != "/"
                    and ":" not in target and "#" not in target and "?" not in target
                    and not (assets and target in assets)):
                found = up + target
            else:
                found = link(target)
            known[target] = found
        return found

    return url


def absolute_links(html: str, page_url: str) -> str:
    """Make a body's links absolute for feeds: many readers ignore xml:base.

    Our renderer writes every attribute as ` name="value"` with the value escaped, so splitting at
    ` href="` and ` src="` finds each link exactly (a split runs in C; a regular expression here
    would try every space of the text). Raw HTML, when a site allows it, may write links otherwise:
    those stay as written, and xml:base on the entry still resolves them. A body repeats a few
    profile links many times, so each distinct value is joined once.
    """
    folders = page_url[: page_url.rindex("/") + 1].split("/")  # ["https:", "", "host", ..., ""]
    joined: dict[str, str] = {}
    for attribute in (' href="', ' src="'):
        parts = html.split(attribute)
        for index in range(1, len(parts)):
            piece = parts[index]
            end = piece.find('"')
            if end < 0:
                continue
            value = piece[:end]
            found = joined.get(value)
            if found is None:
                found = joined[value] = html_lib.escape(_join(page_url, folders, html_lib.unescape(value)), quote=True)
            parts[index] = found + piece[end:]
        html = attribute.join(parts)
    return html


def _join(page_url: str, folders: list[str], target: str) -> str:
    """`urljoin(page_url, target)`, without its general parsing for the links a body holds most.

    A fragment, a URL with a scheme, and a path that only climbs ("../../actors/x/") are joined here;
    anything else (dot segments further in, queries, network paths) goes to urljoin.
    """
    if target.startswith("#"):
        return page_url + target
    if _SCHEME.match(target):
        return target
    path = target
    up = 0
    while path.startswith("../"):
        path = path[3:]
        up += 1
    if (not target or path in (".", "..") or path.startswith(("/", "./", "?")) or "/." in path
            or up > len(folders) - 4):
        return urljoin(page_url, target)  # keeps the scheme, host and a folder below them
    return "/".join(folders[: len(folders) - 1 - up]) + "/" + path
