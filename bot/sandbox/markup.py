"""Telegram's HTML parse mode and its automatic entities, as the Bot API server applies them.

The parser follows tdlib's ``parse_html``: the same tags, the same four named character
references (anything else after ``&`` stays literal text, as on Telegram) and the same error
wording, with byte offsets counted in UTF-8. Entity offsets and lengths are UTF-16 code units.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

SUPPORTED_TAGS = frozenset(
    {"a", "b", "strong", "i", "em", "s", "strike", "del", "u", "ins", "tg-spoiler", "tg-emoji"}
    | {"span", "pre", "code", "blockquote"}
)
SIMPLE_TYPES = {
    "b": "bold",
    "strong": "bold",
    "i": "italic",
    "em": "italic",
    "u": "underline",
    "ins": "underline",
    "s": "strikethrough",
    "strike": "strikethrough",
    "del": "strikethrough",
    "tg-spoiler": "spoiler",
    "span": "spoiler",
}
NAMED_REFERENCES = {"lt": "<", "gt": ">", "amp": "&", "quot": '"'}
SPACES = " \t\n\r\f\v"
# Auto-detected entities never start inside these: Telegram leaves code and links alone.
OPAQUE_TYPES = frozenset({"code", "pre", "text_link"})

Entity = dict[str, Any]


class MarkupError(ValueError):
    """HTML that Telegram refuses; str() is the text after "can't parse entities: "."""


def utf16_len(text: str) -> int:
    """Return the length of ``text`` in UTF-16 code units, the unit of entity offsets."""
    return len(text) + sum(1 for char in text if ord(char) > 0xFFFF)


@dataclass
class _OpenTag:
    name: str
    offset: int
    start: int = 0  # index into the output pieces, for a link without href
    argument: str = ""
    expandable: bool = False


@dataclass
class _HtmlParser:
    source: str
    pos: int = 0
    out: list[str] = field(default_factory=list)
    utf16: int = 0
    stack: list[_OpenTag] = field(default_factory=list)
    entities: list[Entity] = field(default_factory=list)

    def run(self) -> tuple[str, list[Entity]]:
        while self.pos < len(self.source):
            char = self.source[self.pos]
            if char == "&" and self._reference():
                continue
            if char != "<":
                self._emit(char)
                self.pos += 1
            elif self.source.startswith("</", self.pos):
                self._end_tag()
            else:
                self._start_tag()
        if self.stack:
            name = self.stack[-1].name
            raise MarkupError(f'Can\'t find end tag corresponding to start tag "{name}"')
        return "".join(self.out), self.entities

    def _emit(self, text: str) -> None:
        self.out.append(text)
        self.utf16 += utf16_len(text)

    def _byte_offset(self, pos: int) -> int:
        return len(self.source[:pos].encode("utf-8"))

    def _reference(self) -> bool:
        decoded, end = decode_reference(self.source, self.pos)
        if decoded is None:
            return False
        if 0xD800 <= ord(decoded) <= 0xDFFF:
            raise MarkupError(
                "Text contains invalid Unicode characters after decoding HTML entities, "
                "check for unmatched surrogate code units"
            )
        self._emit(decoded)
        self.pos = end
        return True

    def _skip_spaces(self) -> None:
        while self.pos < len(self.source) and self.source[self.pos] in SPACES:
            self.pos += 1

    def _word(self, stops: str) -> str:
        start = self.pos
        while self.pos < len(self.source) and self.source[self.pos] not in stops:
            self.pos += 1
        return self.source[start : self.pos]

    def _at_end(self) -> bool:
        return self.pos >= len(self.source)

    def _start_tag(self) -> None:
        begin = self._byte_offset(self.pos)
        self.pos += 1
        name = self._word(SPACES + ">").lower()
        if self._at_end():
            raise MarkupError(f"Unclosed start tag at byte offset {begin}")
        if name not in SUPPORTED_TAGS:
            raise MarkupError(f'Unsupported start tag "{name}" at byte offset {begin}')
        tag = _OpenTag(name, self.utf16, len(self.out))
        while self.source[self.pos] != ">":
            self._attribute(tag, begin)
        self.pos += 1
        if name == "span" and tag.argument != "spoiler":
            raise MarkupError(f'Tag "span" must have class "tg-spoiler" at byte offset {begin}')
        self.stack.append(tag)

    def _attribute(self, tag: _OpenTag, begin: int) -> None:
        self._skip_spaces()
        if self._at_end():
            raise MarkupError(f"Unclosed start tag at byte offset {begin}")
        if self.source[self.pos] == ">":
            return
        name = self._word(SPACES + "=>")
        if not name:
            raise MarkupError(
                f'Empty attribute name in the tag "{tag.name}" at byte offset {begin}'
            )
        self._skip_spaces()
        if self._at_end() or self.source[self.pos] != "=":
            if tag.name == "blockquote" and name.lower() == "expandable":
                tag.expandable = True
                return
            raise MarkupError(
                "Expected equal sign in declaration of an attribute of the tag "
                f'"{tag.name}" at byte offset {begin}'
            )
        self.pos += 1
        self._skip_spaces()
        if self._at_end():
            raise MarkupError(f'Unclosed start tag "{tag.name}" at byte offset {begin}')
        value = self._attribute_value()
        if self._at_end():
            raise MarkupError(f"Unclosed start tag at byte offset {begin}")
        _apply_attribute(tag, name, value)

    def _attribute_value(self) -> str:
        quote = self.source[self.pos]
        if quote not in "'\"":
            start = self.pos
            while not self._at_end() and _is_token_char(self.source[self.pos]):
                self.pos += 1
            if not self._at_end() and self.source[self.pos] not in SPACES + ">":
                offset = self._byte_offset(start)
                raise MarkupError(f"Unexpected end of name token at byte offset {offset}")
            return self.source[start : self.pos].lower()
        self.pos += 1
        value: list[str] = []
        while not self._at_end() and self.source[self.pos] != quote:
            decoded, end = decode_reference(self.source, self.pos)
            if self.source[self.pos] == "&" and decoded is not None:
                value.append(decoded)
                self.pos = end
            else:
                value.append(self.source[self.pos])
                self.pos += 1
        if not self._at_end():
            self.pos += 1
        return "".join(value)

    def _end_tag(self) -> None:
        begin = self._byte_offset(self.pos)
        if not self.stack:
            raise MarkupError(f"Unexpected end tag at byte offset {begin}")
        self.pos += 2
        name = self._word(SPACES + ">").lower()
        self._skip_spaces()
        if self._at_end() or self.source[self.pos] != ">":
            raise MarkupError(f"Unclosed end tag at byte offset {begin}")
        self.pos += 1
        tag = self.stack[-1]
        if name and name != tag.name:
            raise MarkupError(
                f'Unmatched end tag at byte offset {begin}, expected "</{tag.name}>", '
                f'found "</{name}>"'
            )
        self.stack.pop()
        if self.utf16 > tag.offset:
            self._close(tag, self.utf16 - tag.offset)

    def _close(self, tag: _OpenTag, length: int) -> None:
        entity: Entity = {"type": "", "offset": tag.offset, "length": length}
        last = self.entities[-1] if self.entities else None
        same_span = last is not None and (last["offset"], last["length"]) == (tag.offset, length)
        if tag.name in SIMPLE_TYPES:
            entity["type"] = SIMPLE_TYPES[tag.name]
        elif tag.name == "blockquote":
            entity["type"] = "expandable_blockquote" if tag.expandable else "blockquote"
        elif tag.name == "tg-emoji":
            if not tag.argument.isdigit() or int(tag.argument) == 0:
                raise MarkupError("Invalid custom emoji identifier specified")
            entity.update(type="custom_emoji", custom_emoji_id=tag.argument)
        elif tag.name == "a":
            url = _checked_url(tag.argument or "".join(self.out[tag.start :]))
            if url is None:
                return
            entity.update(type="text_link", url=url)
        elif tag.name == "code" and same_span and last and last["type"] == "pre":
            if tag.argument:
                last["language"] = tag.argument
            return
        elif tag.name == "pre" and same_span and last and last["type"] == "code":
            # <pre><code class="language-x"> is one pre entity carrying the language.
            language = last.pop("language", "")
            last.update(type="pre", **({"language": language} if language else {}))
            return
        else:
            entity["type"] = tag.name
            if tag.name == "code" and tag.argument:
                entity["language"] = tag.argument
        self.entities.append(entity)


def _apply_attribute(tag: _OpenTag, name: str, value: str) -> None:
    if tag.name == "a" and name == "href":
        tag.argument = value
    elif tag.name == "code" and name == "class" and value.startswith("language-"):
        tag.argument = value[len("language-") :]
    elif tag.name == "span" and name == "class" and value.startswith("tg-"):
        tag.argument = value[len("tg-") :]
    elif tag.name == "tg-emoji" and name == "emoji-id":
        tag.argument = value


def _is_token_char(char: str) -> bool:
    return (char.isascii() and char.isalnum()) or char in ".-"


def _checked_url(url: str) -> str | None:
    url = url.strip()
    if not url or any(char in url for char in SPACES):
        return None
    if re.match(r"^[a-zA-Z][a-zA-Z0-9+.-]*:", url):
        return url
    return "http://" + url + ("" if "/" in url else "/")


def decode_reference(source: str, pos: int) -> tuple[str | None, int]:
    """Decode the character reference at ``source[pos] == '&'``: (char, end) or (None, pos)."""
    match = re.match(r"&(?:#x([0-9a-fA-F]*)|#([0-9]*)|([a-zA-Z]*))(;?)", source[pos:])
    if match is None:
        return None, pos
    hexa, decimal, name, _ = match.groups()
    if name is not None:
        char = NAMED_REFERENCES.get(name)
        return (char, pos + match.end()) if char else (None, pos)
    digits = hexa if hexa is not None else decimal
    if not digits or len(match.group(0).rstrip(";")) >= 10:
        return None, pos
    code = int(digits, 16 if hexa is not None else 10)
    if code == 0 or code >= 0x10FFFF:
        return None, pos
    return chr(code), pos + match.end()


def parse_html(source: str) -> tuple[str, list[Entity]]:
    """Return the plain text and entities of Telegram HTML; raises MarkupError like Telegram."""
    text, entities = _HtmlParser(source).run()
    for entity in entities:
        if entity["type"] == "code":
            entity.pop("language", None)
    return text, sort_entities(entities)


def sort_entities(entities: list[Entity]) -> list[Entity]:
    """Return entities in Telegram's order: by offset, then the longer first."""
    return sorted(entities, key=lambda e: (e["offset"], -e["length"]))


def trim(text: str, entities: list[Entity]) -> tuple[str, list[Entity]]:
    """Strip surrounding whitespace as Telegram does, moving or dropping entities to match."""
    stripped = text.lstrip()
    lead = utf16_len(text[: len(text) - len(stripped)])
    stripped = stripped.rstrip()
    size = utf16_len(stripped)
    kept = []
    for entity in entities:
        start = max(entity["offset"] - lead, 0)
        end = min(entity["offset"] + entity["length"] - lead, size)
        if end > start:
            kept.append({**entity, "offset": start, "length": end - start})
    return stripped, kept


_AUTO_PATTERNS = (
    (
        "bot_command",
        re.compile(r"(?<![\w/<>])/[a-zA-Z0-9_]{1,64}(?:@[a-zA-Z0-9_]{3,32})?(?![\w/<>])"),
    ),
    ("hashtag", re.compile(r"(?<![\w#])#\w*[^\W\d_]\w*(?![\w#])")),
    ("cashtag", re.compile(r"(?<![\w$])\$[A-Z]{1,8}(?![\w$])")),
    ("mention", re.compile(r"(?<!\w)@[a-zA-Z0-9_]{2,32}(?!\w)")),
    ("url", re.compile(r"(?<![\w@/])https?://[^\s<>\"]+[^\s<>\".,;:!?)\]]")),
)


def auto_entities(text: str, entities: list[Entity]) -> list[Entity]:
    """Return ``entities`` plus those Telegram detects by itself: commands, hashtags, links."""
    taken = [
        (e["offset"], e["offset"] + e["length"]) for e in entities if e["type"] in OPAQUE_TYPES
    ]
    found: list[Entity] = []
    for kind, pattern in _AUTO_PATTERNS:
        for match in pattern.finditer(text):
            offset = utf16_len(text[: match.start()])
            length = utf16_len(match.group(0))
            spans = [(e["offset"], e["offset"] + e["length"]) for e in found]
            if not _overlaps(offset, offset + length, taken + spans):
                found.append({"type": kind, "offset": offset, "length": length})
    return sort_entities(entities + found)


def _overlaps(start: int, end: int, spans: list[tuple[int, int]]) -> bool:
    return any(start < other_end and other_start < end for other_start, other_end in spans)


def entity_text(text: str, entity: Entity) -> str:
    """Return the part of ``text`` an entity covers (offsets are UTF-16 units)."""
    encoded = text.encode("utf-16-le")
    start = entity["offset"] * 2
    return encoded[start : start + entity["length"] * 2].decode("utf-16-le")
