"""The morning post: a passage, its counterpoint and an invitation, as Telegram HTML.

Pure: an Entry in, a string out. Every corpus string is escaped here, exactly once. When the
chat has talked about the passage before, the post recalls that day: a link to its thread and
the first names of those who spoke, in alphabetical order (nobody ranked, nothing counted).
"""

from __future__ import annotations

from datetime import date

from bot.core.corpus import Entry
from bot.core.records import Recall
from bot.core.text import (
    MAX_MESSAGE_UNITS,
    escape,
    escaped_prefix_length,
    plain_text,
    units,
    visible_units,
)
from bot.i18n import N_, Translator

# Passages longer than this fold into an expandable quote, so the counterpoint stays in view.
EXPANDABLE_FROM = 700
MAX_CHAPTER_UNITS = 200
REMINDER_UNITS = 300
ELLIPSIS = " …"  # spaced: a cut passage reads as trailing off, not as a cut word
# How every morning post begins, once Telegram has parsed it, in every language: the bot
# recognises its own posts by it.
HEADER_PREFIX = "Commons, "
COUNTERPOINT_LABEL = N_("<b>Counterpoint</b>, written in the margin by a reader:")
MAX_RECALL_UNITS = 500
SUGGESTED_BY = N_("suggested by {name}")
# The day's poll (/setpoll on): where a member stands between the passage and its counterpoint.
POLL_QUESTION = N_("Where do you stand today?")
POLL_ANSWERS = (
    N_("With the passage"),
    N_("With the counterpoint"),
    N_("Somewhere between"),
    N_("Not sure yet"),
)
INVITATION = N_(
    "Reply to this message to join the conversation. "
    "Curious about something today? Send /curious and what you wonder about."
)


def poll_of_the_day(t: Translator) -> tuple[str, list[str]]:
    """Return the day's poll: its question and its answers, in the chat's language."""
    return t._(POLL_QUESTION), [t._(answer) for answer in POLL_ANSWERS]


def render_passage_post(
    t: Translator, entry: Entry, *, local_date: date, recall: Recall | None = None
) -> str:
    """Return the day's post as Telegram HTML, never longer than 4096 characters."""
    header = render_header(t, entry, local_date)
    recalled = render_recall(t, recall, local_date) if recall else None
    framing = (t._(COUNTERPOINT_LABEL), t._(INVITATION))
    room = MAX_MESSAGE_UNITS - units(_assemble(header, "", "", framing, recalled, expandable=True))
    passage, counterpoint = _fit_both(entry.passage.strip(), entry.counterpoint.strip(), room)
    expandable = len(entry.passage.strip()) > EXPANDABLE_FROM
    return _assemble(
        header, passage, counterpoint or None, framing, recalled, expandable=expandable
    )


def post_units(t: Translator, entry: Entry, local_date: date) -> int:
    """Return the length of the entry's post with nothing cut, as Telegram counts it (UTF-16
    units of its text once the HTML is parsed): over MAX_MESSAGE_UNITS, it would be cut."""
    framing = (t._(COUNTERPOINT_LABEL), t._(INVITATION))
    passage, counterpoint = escape(entry.passage.strip()), escape(entry.counterpoint.strip())
    expandable = len(entry.passage.strip()) > EXPANDABLE_FROM
    whole = _assemble(
        render_header(t, entry, local_date),
        passage,
        counterpoint or None,
        framing,
        expandable=expandable,
    )
    return visible_units(whole)


def render_recall(t: Translator, recall: Recall, today: date) -> str:
    """Return 'Last time on this passage, <a>Tuesday 3 March</a>: Ana, Bo and Cy spoke.'."""
    when = t.long_date(recall.local_date)
    if recall.local_date.year != today.year:
        when += f" {recall.local_date.year}"
    if recall.link:
        when = f'<a href="{escape(recall.link)}">{when}</a>'
    if not recall.names:
        return t._("<b>Last time on this passage</b>, {when}: nobody replied.", when=when)
    spoke = t.ngettext(
        "<b>Last time on this passage</b>, {when}: {names} spoke.",
        "<b>Last time on this passage</b>, {when}: {names} spoke.",
        len(recall.names),
        when=when,
        names="{names}",
    )
    room = MAX_RECALL_UNITS - units(spoke.replace("{names}", ""))
    return spoke.replace("{names}", _names(t, recall.names, room))


def _names(t: Translator, names: tuple[str, ...], room: int) -> str:
    """Return 'Ana, Bo and Cy', escaped; the last names fold into 'and 12 more' if over room."""
    shown = len(names)
    while True:
        listed = [escape(name) for name in names[:shown]]
        rest = len(names) - shown
        tail = [t.ngettext("{n} more", "{n} more", rest)] if rest else []
        text = t.join_names([*listed, *tail])
        if units(text) <= room or shown <= 1:
            return text
        shown -= 1


def render_header(t: Translator, entry: Entry, local_date: date) -> str:
    """Return '<b>Commons, Tuesday 24 November</b> · ch1 intro'."""
    day = t.long_date(local_date)
    return f"<b>{HEADER_PREFIX}{day}</b> · {_fit(chapter_of(t, entry), MAX_CHAPTER_UNITS)}"


def chapter_of(t: Translator, entry: Entry) -> str:
    """Return what a passage's heading names beside the date (plain text): the book's chapter,
    or 'suggested by Ana' for a passage a member suggested."""
    if entry.suggested_by is None:
        return entry.chapter
    return t._(SUGGESTED_BY, name=entry.suggested_by or t._("a member"))


def is_passage_text(text: str | None) -> bool:
    """Return True if a message's text (as Telegram delivers it) is a morning post's."""
    return text is not None and text.startswith(HEADER_PREFIX)


def passage_heading(t: Translator, entry: Entry, local_date: date) -> str:
    """Return the first line of the day's post as a member's app shows it (no markup)."""
    return plain_text(render_header(t, entry, local_date))


def render_passage_reminder(t: Translator, entry: Entry, local_date: date) -> str:
    """Return a short pointer to the day's passage: header and its opening words."""
    opening = _fit(entry.passage.strip(), REMINDER_UNITS)
    return f"{render_header(t, entry, local_date)}\n<blockquote>{opening}</blockquote>"


def _assemble(
    header: str,
    passage: str,
    counterpoint: str | None,
    framing: tuple[str, str],
    recall: str | None = None,
    *,
    expandable: bool,
) -> str:
    """Return the post from already escaped parts; no counterpoint section if it is None.

    framing is the translated counterpoint label and the closing invitation.
    """
    label, invitation = framing
    quote = "blockquote expandable" if expandable else "blockquote"
    parts = [header, f"<{quote}>{passage}</blockquote>", ""]
    if counterpoint is not None:
        parts += [label, f"<i>{counterpoint}</i>", ""]
    if recall is not None:
        parts += [recall, ""]
    return "\n".join([*parts, invitation])


def _fit_both(passage: str, counterpoint: str, room: int) -> tuple[str, str]:
    """Return both texts escaped and trimmed to share room, the counterpoint whole if it can."""
    whole_counterpoint = units(escape(counterpoint))
    # The passage is the post, so the counterpoint may not squeeze it below two thirds of the room.
    passage_room = max(room - whole_counterpoint, room * 2 // 3)
    fitted_passage = _fit(passage, passage_room)
    return fitted_passage, _fit(counterpoint, room - units(fitted_passage))


def _fit(text: str, room: int) -> str:
    """Return text escaped, cut at a paragraph or word boundary with an ellipsis if over room."""
    escaped = escape(text)
    if units(escaped) <= room:
        return escaped
    cut = _cut_point(text, room - units(ELLIPSIS))
    return escape(text[:cut].rstrip()) + ELLIPSIS


def _cut_point(text: str, room: int) -> int:
    """Return where to cut text so its escaped prefix fits room, at a natural break if near."""
    fits = escaped_prefix_length(text, room)
    return len(text) if fits == len(text) else _natural_break(text[:fits])


def _natural_break(head: str) -> int:
    """Return the end of the last whole paragraph, else word, in the latter half of head."""
    paragraph = head.rfind("\n\n")
    if paragraph >= len(head) // 2:
        return paragraph
    word = max(head.rfind(" "), head.rfind("\n"))
    return word if word >= len(head) // 2 else len(head)
