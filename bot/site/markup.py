"""The site's HTML pieces: escaping, the page every file shares, links, nested lists.

Every person-written string is escaped here, once: the functions that take ``text`` escape
it; those that take ``html`` trust it was made by this package. No JavaScript anywhere.
"""

from __future__ import annotations

import html
from collections.abc import Iterable
from pathlib import Path

from bot.i18n import Translator

STYLESHEET = Path(__file__).with_name("style.css")


def esc(text: str) -> str:
    """Return text escaped for HTML, quotes included."""
    return html.escape(text, quote=True)


def link(href: str, html_text: str, *, cls: str = "", rel: str = "", title: str = "") -> str:
    """Return an anchor to ``href`` (escaped) around markup already made."""
    attrs = f' class="{cls}"' if cls else ""
    attrs += f' rel="{rel}"' if rel else ""
    attrs += f' title="{esc(title)}" aria-label="{esc(title)}"' if title else ""
    return f'<a href="{esc(href)}"{attrs}>{html_text}</a>'


def telegram_link(href: str | None, label: str) -> str:
    """Return a small '↗' link to the original message in Telegram, or nothing without one."""
    if href is None:
        return ""
    return link(href, "↗", cls="tg", rel="external noopener", title=label)


def paragraphs(text: str) -> str:
    """Return text as paragraphs (a blank line between them), its line breaks kept."""
    parts = [p.strip() for p in text.strip().split("\n\n") if p.strip()]
    return "".join(f"<p>{esc(p).replace(chr(10), '<br>')}</p>" for p in parts)


def nested_list(items: Iterable[tuple[str, int]], cls: str) -> str:
    """Return items (markup, depth from 0) as nested ordered lists, each reply inside the
    item it answers; depths come in reading order, each at most one deeper than the last."""
    parts: list[str] = []
    level = -1
    for body, depth in items:
        if depth > level:
            opening = f'<ol class="{cls}">' if level < 0 else '<ol class="replies">'
            parts.append(opening + '<ol class="replies">' * (depth - level - 1))
        else:
            parts.append("</li>" + "</ol></li>" * (level - depth))
        parts.append(f"<li>{body}")
        level = depth
    if level < 0:
        return ""
    return "".join(parts) + "</li>" + "</ol></li>" * level + "</ol>"


def page(
    t: Translator,
    *,
    title: str,
    site_title: str,
    body: str,
    root: str,
    nav: str = "",
) -> str:
    """Return a whole page: head, the site's name linking home, navigation, the body.

    ``root`` is the way from this page up to the site's folder ('' or '../').
    """
    home = link(f"{root}index.html", esc(site_title))
    return (
        "<!DOCTYPE html>\n"
        f'<html lang="{esc(t.language)}">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<title>{esc(title)}</title>\n"
        f'<link rel="stylesheet" href="{root}style.css">\n'
        f'<link rel="alternate" type="application/atom+xml" href="{root}feed.atom">\n'
        "</head>\n<body>\n"
        f'<header class="site"><p class="home">{home}</p>{nav}</header>\n'
        f"<main>\n{body}\n</main>\n"
        f'<footer class="site">{nav}<p>{esc(_footer(t))}</p></footer>\n'
        "</body>\n</html>\n"
    )


def _footer(t: Translator) -> str:
    return t._(
        "Kept by Commons Bot from the group's conversations. People who opted out or asked "
        "to be forgotten are not shown."
    )


def stylesheet() -> str:
    """Return the site's stylesheet."""
    return STYLESHEET.read_text(encoding="utf-8")
