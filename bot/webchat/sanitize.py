"""Turn the bot's Telegram HTML into HTML safe to put into the web chat page.

Only Telegram's own tags survive (``b``, ``i``, ``u``, ``s``, ``code``, ``pre``, ``a``,
``blockquote``, spoilers), with only the attributes the page needs; every other tag is shown as
text, so nothing the bot relays can run script or break the page's structure. A link to a
message the page holds becomes an in-page link (``data-chat``, ``data-message``), so it jumps
to the message instead of opening t.me.
"""

from __future__ import annotations

import html
import re
from collections.abc import Callable
from html.parser import HTMLParser

# Telegram tag -> the tag the page uses for it.
SIMPLE_TAGS = {
    "b": "b",
    "strong": "b",
    "i": "i",
    "em": "i",
    "u": "u",
    "ins": "u",
    "s": "s",
    "strike": "s",
    "del": "s",
    "code": "code",
    "pre": "pre",
}
LINK_SCHEMES = ("http://", "https://", "tg://")
LANGUAGE_CLASS = re.compile(r"^language-[\w+#.-]{1,40}$")
SPOILER = '<span class="tg-spoiler">'
# A custom emoji keeps its fallback character; the tag itself carries nothing to show.
TRANSPARENT_TAGS = frozenset({"tg-emoji"})
# Block tags: on the page they end their own line, so the newline after one is already shown.
BLOCK_TAGS = frozenset({"blockquote", "pre"})

Attrs = list[tuple[str, str | None]]
# A link's target -> (chat id, message id) when the page holds that message, else None.
LocalLinks = Callable[[str], tuple[int, int] | None]


def no_local_links(_: str) -> None:
    """Resolve no link locally: every link opens where it points."""
    return None


def sanitize_telegram_html(source: str, local: LocalLinks = no_local_links) -> str:
    """Return ``source`` with Telegram's tags kept (cleaned) and everything else escaped."""
    cleaner = _Cleaner(local)
    cleaner.feed(source)
    cleaner.close()
    return cleaner.result()


def safe_href(href: str | None) -> str | None:
    """Return the link target if it is http(s) or tg://, else None."""
    target = (href or "").strip()
    return target if target.lower().startswith(LINK_SCHEMES) else None


def opening_tag(
    name: str, attrs: Attrs, local: LocalLinks = no_local_links
) -> tuple[str, str] | None:
    """Return (page tag to close with, opening markup) for a Telegram tag, or None if refused."""
    values = {key.lower(): value for key, value in attrs}
    if name in SIMPLE_TAGS:
        tag = SIMPLE_TAGS[name]
        language = values.get("class") or ""
        if tag == "code" and LANGUAGE_CLASS.match(language):
            return tag, f'<code class="{html.escape(language)}">'
        return tag, f"<{tag}>"
    if name == "tg-spoiler" or (name == "span" and values.get("class") == "tg-spoiler"):
        return "span", SPOILER
    if name == "blockquote":
        expandable = "expandable" in values
        return "blockquote", '<blockquote class="expandable">' if expandable else "<blockquote>"
    if name == "a":
        href = safe_href(values.get("href"))
        if href is None:
            return "a", "<a>"
        if (found := local(href)) is not None:
            return "a", local_link(*found)
        return "a", f'<a href="{html.escape(href)}" target="_blank" rel="noopener noreferrer">'
    return None


def local_link(chat_id: int, message_id: int) -> str:
    """Return the opening tag of a link to a message on the page."""
    return (
        f'<a href="#m{chat_id}_{message_id}" class="msg-link" '
        f'data-chat="{chat_id}" data-message="{message_id}">'
    )


class _Cleaner(HTMLParser):
    """Rebuilds the markup from parser events, keeping a stack so the output is balanced."""

    def __init__(self, local: LocalLinks) -> None:
        super().__init__(convert_charrefs=True)
        self.local = local
        self.out: list[str] = []
        self.stack: list[tuple[str, str]] = []  # (source tag name, page tag to close)
        self.after_block = False

    def handle_starttag(self, tag: str, attrs: Attrs) -> None:
        if tag in TRANSPARENT_TAGS:
            return
        opened = opening_tag(tag, attrs, self.local)
        if opened is None:
            self.out.append(html.escape(self.get_starttag_text() or f"<{tag}>"))
            return
        self.stack.append((tag, opened[0]))
        self.out.append(opened[1])

    def handle_startendtag(self, tag: str, attrs: Attrs) -> None:
        if tag in TRANSPARENT_TAGS:
            return
        opened = opening_tag(tag, attrs, self.local)
        if opened is None:
            self.out.append(html.escape(self.get_starttag_text() or f"<{tag}/>"))
            return
        self.out.append(f"{opened[1]}</{opened[0]}>")

    def handle_endtag(self, tag: str) -> None:
        if tag in TRANSPARENT_TAGS:
            return
        names = [name for name, _ in self.stack]
        if tag not in names:
            self.out.append(html.escape(f"</{tag}>"))
            return
        # Close everything opened inside it too, so a stray end tag cannot unbalance the page.
        while self.stack:
            name, page_tag = self.stack.pop()
            self.out.append(f"</{page_tag}>")
            if name == tag:
                break
        self.after_block = tag in BLOCK_TAGS

    def handle_data(self, data: str) -> None:
        if self.after_block and data.startswith("\n"):
            data = data[1:]
        self.after_block = False
        self.out.append(html.escape(data, quote=False))

    def handle_comment(self, data: str) -> None:
        self.out.append(html.escape(f"<!--{data}-->", quote=False))

    def handle_decl(self, decl: str) -> None:
        self.out.append(html.escape(f"<!{decl}>", quote=False))

    def handle_pi(self, data: str) -> None:
        self.out.append(html.escape(f"<?{data}>", quote=False))

    def unknown_decl(self, data: str) -> None:
        self.out.append(html.escape(f"<![{data}]>", quote=False))

    def result(self) -> str:
        """Return the cleaned markup with every still-open tag closed."""
        closing = [f"</{page_tag}>" for _, page_tag in reversed(self.stack)]
        self.stack.clear()
        return "".join(self.out + closing)
