"""One checker for Telegram HTML in every test: the sandbox's own parser, which refuses what
Telegram refuses (unknown or unbalanced tags, bad attributes, a stray '<' or '&')."""

from __future__ import annotations

from bot.sandbox.markup import MarkupError, parse_html, utf16_len

MAX_UNITS = 4096
# Entity types by the tag that makes them, so a test can ask for "the text in <i>".
TAG_OF = {
    "bold": "b",
    "italic": "i",
    "underline": "u",
    "strikethrough": "s",
    "spoiler": "tg-spoiler",
    "code": "code",
    "pre": "pre",
    "text_link": "a",
    "blockquote": "blockquote",
    "expandable_blockquote": "blockquote",
}


def telegram_problems(html: str) -> list[str]:
    """Return why Telegram would refuse this message as HTML; [] if it would send it."""
    try:
        text, _ = parse_html(html)
    except MarkupError as error:
        return [f"can't parse entities: {error}"]
    if utf16_len(text.strip()) > MAX_UNITS:
        return [f"message is too long: {utf16_len(text.strip())} UTF-16 units"]
    return []


def text_by_tag(html: str) -> dict[str, str]:
    """Return the message's text grouped by the innermost tag around it ('' for none).

    Fails the test, with Telegram's own complaint, if Telegram would refuse the HTML.
    """
    problems = telegram_problems(html)
    assert problems == [], problems
    text, entities = parse_html(html)
    owner = [""] * utf16_len(text)
    # Longer entities first, so a shorter (inner) one paints over its part.
    for entity in sorted(entities, key=lambda e: -e["length"]):
        tag = TAG_OF.get(entity["type"], entity["type"])
        owner[entity["offset"] : entity["offset"] + entity["length"]] = [tag] * entity["length"]
    grouped: dict[str, str] = {}
    unit = 0
    for char in text:
        key = owner[unit] if unit < len(owner) else ""
        grouped[key] = grouped.get(key, "") + char
        unit += utf16_len(char)
    return grouped
