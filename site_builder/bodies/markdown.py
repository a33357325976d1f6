"""Markdown to HTML with markdown-it-py: safe links, heading anchors, and actor mentions woven into text."""

from __future__ import annotations

from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass, field
from typing import Any, NamedTuple

from markdown_it import MarkdownIt
from markdown_it.common.utils import escapeHtml
from markdown_it.rules_core import StateCore
from markdown_it.token import Token
from markdown_it.utils import EnvType, OptionsDict
from mdit_py_plugins.anchors import anchors_plugin
from mdit_py_plugins.footnote import footnote_plugin

from site_builder.actors.matcher import Matcher
from site_builder.actors.mentions import RenderedMention, TextBlock
from site_builder.actors.resolution import Resolver
from site_builder.core.config import MarkdownConfig
from site_builder.core.urls import is_safe_href, slugify

# Tokens whose text is never searched for mentions, and that end a run of searchable text.
_OPAQUE_INLINE = {"code_inline", "image", "html_inline", "math_inline"}


# The records below are named tuples: a big site keeps and caches a great many of them, and a tuple
# is made and unpickled in C, faster than a frozen dataclass.
class BodyParts(NamedTuple):
    """A body as HTML, with the plain text of its blocks and the mentions found in them."""

    html: str
    mentions: tuple[RenderedMention, ...]
    blocks: tuple[TextBlock, ...]


@dataclass
class _RenderState:
    """Per-document state passed through markdown-it's env; nothing is shared between documents."""

    matcher: Matcher | None
    link_mode: str
    actor_href: Callable[[str], str]
    line_offset: int
    resolver: Resolver
    linked: set[str] = field(default_factory=set)
    mentions: list[RenderedMention] = field(default_factory=list)
    blocks: list[TextBlock] = field(default_factory=list)


def create_markdown(options: MarkdownConfig) -> MarkdownIt:
    """A CommonMark parser with tables, strikethrough, footnotes and heading anchors.

    Raw HTML is off unless the config turns it on, since bodies come from scraped news, and
    link validation is ours so that javascript:, vbscript: and data: never become links.
    """
    md = MarkdownIt("commonmark", {"html": options.html, "typographer": options.typographer,
                                   "xhtmlOut": False})
    md.enable(["table", "strikethrough"])
    md.use(footnote_plugin)
    if options.anchors:
        md.use(anchors_plugin, min_level=1, max_level=4, slug_func=_anchor_slug)
    md.validateLink = is_safe_href  # type: ignore[method-assign]
    md.core.ruler.push("demote_headings", _demote_headings)
    md.core.ruler.push("actor_mentions", _weave_mentions)
    md.add_render_rule("mention", _render_mention)
    return md


def _anchor_slug(text: str) -> str:
    return slugify(text) or "section"


def render_body(md: MarkdownIt, body: str, *, matcher: Matcher | None, link_mode: str,
                actor_href: Callable[[str], str], line_offset: int = 1, listed: Collection[str] = ()) -> BodyParts:
    """Render one body; `actor_href` gives the link to a profile as seen from the page of this body.

    `listed` are the ids of the briefing's `actors:`, which an ambiguous alias falls back on.
    """
    names = matcher.registry.names if matcher is not None else {}
    state = _RenderState(matcher, link_mode, actor_href, line_offset, Resolver(names, listed))
    env: dict[str, Any] = {"site_builder": state}
    html = md.render(body, env)
    return BodyParts(html, tuple(state.mentions), tuple(state.blocks))


def _state(env: EnvType) -> _RenderState | None:
    value = env.get("site_builder") if isinstance(env, dict) else None
    return value if isinstance(value, _RenderState) else None


def _demote_headings(state: StateCore) -> None:
    """The page title is the only <h1>; a body that uses '#' gets every heading one level down."""
    tokens = state.tokens
    if not any(t.type == "heading_open" and t.tag == "h1" for t in tokens):
        return
    for token in tokens:
        if token.type in ("heading_open", "heading_close"):
            token.tag = f"h{min(int(token.tag[1]) + 1, 6)}"


def _weave_mentions(state: StateCore) -> None:
    """Wrap mentions in every inline block except headings; links, code, images and HTML stay untouched.

    Headings get no mentions, but the actors they name count as named for the mentions after them.
    """
    rs = _state(state.env)
    if rs is None or rs.matcher is None:
        return
    tokens = state.tokens
    for index, token in enumerate(tokens):
        if token.type != "inline" or not token.children:
            continue
        if index and tokens[index - 1].type == "heading_open":
            _note_heading(token.children, rs)
            continue
        line = (token.map[0] if token.map else 0) + rs.line_offset
        token.children = _weave_inline(token.children, rs, line)


def _note_heading(children: list[Token], rs: _RenderState) -> None:
    """Record the actors a heading names, for the resolution of later mentions: resolving a mention records
    what it names (a plain name form, or someone outside the registry) and nothing else."""
    assert rs.matcher is not None
    for child in children:
        if child.type == "text":
            for mention in rs.matcher.find(child.content):
                rs.resolver.resolve(mention, "a heading")


def _plain_piece(token: Token) -> str:
    """What a token adds to its block's plain text; one character per soft break keeps offsets aligned."""
    if token.type in ("text", "code_inline"):
        return token.content
    if token.type in ("softbreak", "hardbreak"):
        return " "
    return ""


def _weave_inline(children: list[Token], rs: _RenderState, line: int) -> list[Token]:
    out: list[Token] = []
    run: list[Token] = []
    plain: list[str] = []
    offset = 0
    run_offset = 0
    link_depth = 0
    block = len(rs.blocks)

    def flush() -> None:
        if run:
            out.extend(_mention_tokens(run, rs, line, block, run_offset))
            run.clear()

    for child in children:
        if child.type == "link_open":
            link_depth += 1
        elif child.type == "link_close":
            link_depth = max(0, link_depth - 1)
        piece = _plain_piece(child)
        if link_depth == 0 and child.type in ("text", "softbreak"):
            if not run:
                run_offset = offset
            run.append(child)
        else:
            flush()
            out.append(child)
        plain.append(piece)
        offset += len(piece)
    flush()
    rs.blocks.append(TextBlock("".join(plain), line))
    return out


def _mention_tokens(run: list[Token], rs: _RenderState, line: int, block: int, run_offset: int) -> list[Token]:
    """A run of text and soft breaks as one token of finished HTML, with mentions wrapped around exactly the
    matched text; a run without mentions stays as it is.

    One token per run, not text, mention and break tokens: a body has many mentions, and making and
    rendering each piece as its own token would cost more than finding the mentions.
    """
    text = "".join("\n" if t.type == "softbreak" else t.content for t in run)
    assert rs.matcher is not None
    where = f"paragraph {block + 1}"
    found = [(m, r) for m in rs.matcher.find(text) if (r := rs.resolver.resolve(m, where)).actor_id is not None]
    if not found:
        return run
    html: list[str] = []
    cursor = 0
    for mention, resolution in found:
        html.append(escapeHtml(text[cursor:mention.start]))
        actor_id = resolution.actor_id
        assert actor_id is not None
        as_link = rs.link_mode == "all" or (rs.link_mode == "first" and actor_id not in rs.linked)
        data = escapeHtml(actor_id)
        title = f' title="{escapeHtml(resolution.how)}"' if resolution.how else ""
        if as_link:
            rs.linked.add(actor_id)
            html.append(f'<a class="mention" data-actor="{data}"{title} href="{escapeHtml(rs.actor_href(actor_id))}">'
                        f"{escapeHtml(mention.text)}</a>")
        else:
            html.append(f'<span class="mention" data-actor="{data}"{title}>{escapeHtml(mention.text)}</span>')
        rs.mentions.append(RenderedMention(actor_id, mention.text, line, block, run_offset + mention.start,
                                           run_offset + mention.end))
        cursor = mention.end
    html.append(escapeHtml(text[cursor:]))
    woven = Token("mention", "", 0)
    woven.content = "".join(html)  # a soft break renders as "\n" (no `breaks` option), as it is in `text`
    return [woven]


def _render_mention(self: Any, tokens: Sequence[Token], idx: int, options: OptionsDict, env: EnvType) -> str:
    return tokens[idx].content  # built and escaped by _mention_tokens
