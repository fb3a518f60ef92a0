"""Digests as Telegram HTML chunks, a standalone HTML document, or plain text.

A digest is a title and a sequence of blocks; a block is lines, some of them inside a quote.
Person-written text stays raw until a line is rendered, where it is escaped exactly once, so
a line can still be shortened safely when a chunk needs room. Pure: no I/O.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from html.parser import HTMLParser
from itertools import islice

from bot.core.records import Delivery
from bot.core.text import ELLIPSIS, MAX_MESSAGE_UNITS, escape, escaped_prefix_length, units
from bot.i18n import N_, Translator

MAX_CHUNK = MAX_MESSAGE_UNITS  # counted in UTF-16 units of the raw HTML
MAX_MESSAGES = 3  # more chunks than this would flood the chat: send a document instead
BLOCK_GAP = "\n\n"
ATTACHED_NOTE = N_("<i>The full digest is long, so it is attached below as a file.</i>")
QUOTE_MARK = "│ "  # how a quoted line starts in the plain preview
CHUNK_RULE = "\n\n" + "─" * 24 + "\n\n"  # between messages in the plain preview


class Markup(str):
    """HTML written by this code: rendered as is, never escaped."""

    __slots__ = ()


# A line is a sequence of parts: Markup parts are ours, any other str is person-written.
Line = tuple[str, ...]


@dataclass(frozen=True)
class Block:
    """A unit the digest never splits across messages unless it alone is too long."""

    head: tuple[Line, ...] = ()
    body: tuple[Line, ...] = ()
    quote: str = ""  # "", "blockquote" or "blockquote expandable"; wraps the body


@dataclass(frozen=True)
class Digest:
    """A rendered-to-be digest: a plain-text title, a document filename, and its blocks."""

    title: str
    filename: str
    blocks: tuple[Block, ...]
    language: str = "en"  # the language it is written in, for the document's <html lang>


def render_line(line: Sequence[str]) -> str:
    """Return one line as HTML, escaping every person-written part."""
    return "".join([part if isinstance(part, Markup) else escape(part) for part in line])


def render_block(block: Block, *, document: bool = False) -> str:
    """Return a block as HTML; in a document an expandable quote becomes a plain one."""
    head = "\n".join(map(render_line, block.head))
    if not block.body:
        return head
    body = "\n".join(map(render_line, block.body))
    if block.quote:
        # A page lays a quote out as its own block, so a newline before it would add a gap.
        gap = "" if document or not head else "\n"
        return head + gap + _quoted(body, block.quote, document)
    return f"{head}\n{body}" if head else body


def _quoted(body: str, quote: str, document: bool) -> str:
    if document:
        kind = ' class="expandable"' if quote.endswith("expandable") else ""
        return f"<blockquote{kind}>{body}</blockquote>"
    return f"<{quote}>{body}</blockquote>"


def render_chunks(digest: Digest, *, limit: int = MAX_CHUNK) -> list[str]:
    """Return Telegram HTML messages of at most limit UTF-16 units, split between blocks."""
    return list(_chunks(digest, limit))


def _chunks(digest: Digest, limit: int) -> Iterator[str]:
    """Yield chunks lazily, so a caller wanting only the first renders only what it needs."""
    gap = units(BLOCK_GAP)
    current: list[str] = []
    size = 0
    for block in digest.blocks:
        for piece in _fit_block(block, limit):
            length = units(piece)
            if current and size + gap + length > limit:
                yield BLOCK_GAP.join(current)
                current, size = [], 0
            size += (gap if current else 0) + length
            current.append(piece)
    if current:
        yield BLOCK_GAP.join(current)


def _fit_block(block: Block, limit: int) -> list[str]:
    """Return the block as one piece, or as several whole-line pieces if it is too long."""
    whole = render_block(block)
    if units(whole) <= limit:
        return [whole]
    overhead = units(_quoted("", block.quote, False)) if block.quote else 0
    items = [(render_line(fit_line(line, limit)), False) for line in block.head]
    items += [(render_line(fit_line(line, limit - overhead)), True) for line in block.body]
    return _pack_lines(items, block.quote, limit)


def _pack_lines(items: list[tuple[str, bool]], quote: str, limit: int) -> list[str]:
    """Return lines packed greedily into pieces, each piece's quoted lines in their own quote."""
    pieces: list[str] = []
    head: list[str] = []
    body: list[str] = []
    size = 0
    for text, quoted in items:
        extra = units(text) + (1 if head or body else 0)
        if quoted and quote and not body:
            extra += units(_quoted("", quote, False))
        if (head or body) and size + extra > limit:
            pieces.append(_join_piece(head, body, quote))
            head, body, size = [], [], 0
            extra = units(text) + (units(_quoted("", quote, False)) if quoted and quote else 0)
        (body if quoted else head).append(text)
        size += extra
    if head or body:
        pieces.append(_join_piece(head, body, quote))
    return pieces


def _join_piece(head: list[str], body: list[str], quote: str) -> str:
    lines = list(head)
    if body:
        text = "\n".join(body)
        lines.append(_quoted(text, quote, False) if quote else text)
    return "\n".join(lines)


def fit_line(line: Line, room: int) -> Line:
    """Return line with its longest person-written parts shortened until it fits room."""
    parts = list(line)
    while (excess := units(render_line(parts)) - room) > 0:
        raw = [i for i, part in enumerate(parts) if not isinstance(part, Markup) and len(part) > 1]
        if not raw:
            return (Markup(ELLIPSIS),)  # our own markup alone is too long: never expected
        index = max(raw, key=lambda i: units(escape(parts[i])))
        parts[index] = _shorten(parts[index], units(escape(parts[index])) - excess)
    return tuple(parts)


def _shorten(text: str, room: int) -> str:
    """Return a prefix of text plus an ellipsis whose escaped length fits room units."""
    cut = escaped_prefix_length(text, room - units(ELLIPSIS))
    return text if cut == len(text) else text[:cut].rstrip() + ELLIPSIS


def render_document(digest: Digest) -> str:
    """Return the whole digest as a standalone HTML page, for sending as a file."""
    return "".join(_document_parts(digest))


def document_bytes(digest: Digest) -> bytes:
    """Return render_document(digest) encoded as UTF-8.

    Encoded a section at a time: a busy day's page is tens of megabytes, and as one string
    (four bytes a character once an emoji is in it) it would be copied whole again and again.
    """
    return b"".join(part.encode("utf-8") for part in _document_parts(digest))


def _document_parts(digest: Digest) -> Iterator[str]:
    """Yield the standalone HTML page in pieces: its head, each section, its end."""
    title = escape(digest.title)
    yield (
        f'<!doctype html>\n<html lang="{digest.language}">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<title>{title}</title>\n<style>{_DOCUMENT_STYLE}</style>\n</head>\n<body>\n"
        f"<main>\n<h1>{title}</h1>\n"
    )
    for index, block in enumerate(digest.blocks):
        gap = "\n" if index else ""
        yield f"{gap}<section>{render_block(block, document=True)}</section>"
    yield "\n</main>\n</body>\n</html>\n"


_DOCUMENT_STYLE = (
    "body{font:16px/1.5 system-ui,sans-serif;margin:0;background:#fafaf7;color:#222}"
    "main{max-width:46em;margin:0 auto;padding:1em}"
    "section{white-space:pre-wrap;margin:0 0 1.2em}"
    "blockquote{margin:.3em 0;padding:.2em .8em;border-left:3px solid #9ab;background:#f0f3f5}"
    "a{color:#2a6;text-decoration:none}"
)


def plan_delivery(t: Translator, digest: Digest, *, max_messages: int = MAX_MESSAGES) -> Delivery:
    """Return the messages to send, plus the full digest as a file if it needs too many."""
    # One chunk past the most that may be sent tells a file is needed: a busy day's digest
    # is not cut into hundreds of messages only to be counted.
    chunks = list(islice(_chunks(digest, MAX_CHUNK), max_messages + 1))
    if len(chunks) <= max_messages:
        return Delivery(messages=tuple(chunks))
    note = t._(ATTACHED_NOTE)
    room = MAX_CHUNK - units(BLOCK_GAP + note)
    first = next(_chunks(digest, room)) + BLOCK_GAP + note
    document = document_bytes(digest)
    return Delivery(messages=(first,), document=(digest.filename, document))


def render_plain(digest: Digest | Sequence[str]) -> str:
    """Return the digest (or its chunks) as readable plain text, for a terminal preview."""
    if isinstance(digest, Digest):
        return _plain(BLOCK_GAP.join(render_block(block) for block in digest.blocks))
    return CHUNK_RULE.join(_plain(chunk) for chunk in digest)


def _plain(markup: str) -> str:
    parser = _PlainText()
    parser.feed(markup)
    parser.close()
    return "".join(parser.out)


class _PlainText(HTMLParser):
    """Collects the text of Telegram HTML, marking quoted lines so the tree stays readable."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.out: list[str] = []
        self.quotes = 0

    def handle_starttag(self, tag: str, _: list[tuple[str, str | None]]) -> None:
        if tag == "blockquote":
            self.quotes += 1
            self.out.append(QUOTE_MARK)

    def handle_endtag(self, tag: str) -> None:
        if tag == "blockquote":
            self.quotes -= 1

    def handle_data(self, data: str) -> None:
        self.out.append(data.replace("\n", "\n" + QUOTE_MARK) if self.quotes else data)
