"""What the bot says about suggestions, skipped dates and the days ahead, as Telegram HTML.

Pure: rows and values in, strings out. Every member-written text is escaped here. A button is
a (label, callback data) pair: the shell turns the rows into Telegram's inline keyboard.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date
from typing import Any, Literal

from bot.compose.passage import post_units
from bot.core.agenda import DayBrings, suggestion_number
from bot.core.corpus import Entry
from bot.core.text import MAX_MESSAGE_UNITS, escape, excerpt, fit_html, trim
from bot.i18n import N_, Translator
from bot.words.tokens import readable_text

Row = Mapping[str, Any]
Button = tuple[str, str]  # (label, callback data)

# What a suggestion's text and its counterpoint are split by, in /suggest.
COUNTER_SEPARATOR = "//"
# Callback data: "sg:a:12" approves #12, "sg:d:12" declines it (Telegram allows 64 bytes).
BUTTON_PREFIX = "sg"
Decision = Literal["approved", "declined"]
ACTIONS: dict[str, Decision] = {"a": "approved", "d": "declined"}
QUEUE_SHOWN = 10  # pending suggestions listed in one /suggestions message
QUEUE_EXCERPT = 280
CLOSE_EXCERPT = 60

SUGGEST_USAGE = N_(
    "Usage: reply to a message with /suggest to suggest its text as a morning passage, or "
    "send <code>/suggest passage // counterpoint</code> (the counterpoint is optional; anyone "
    "can add one later with <code>/counter N text</code>)."
)
COUNTER_USAGE = N_(
    "Usage: <code>/counter N text</code>, for example <code>/counter 3 but who keeps the "
    "keys?</code>"
)
EMPTY = N_("There is no text to suggest.")
ONLY_MARKUP = N_("That is only a link or markup: suggest words people can answer.")
TOO_LONG = N_(
    "That is too long for a morning post: {units} characters as Telegram counts them, and a "
    "post holds {limit}."
)


def split_suggestion(text: str) -> tuple[str, str]:
    """Return (passage, counterpoint) from '/suggest' text: 'passage // counterpoint'."""
    passage, _, counterpoint = text.partition(COUNTER_SEPARATOR)
    return passage.strip(), counterpoint.strip()


def suggestion_problem(t: Translator, passage: str, counterpoint: str, day: date) -> str | None:
    """Return what is wrong with a suggestion (translated), or None if it can be posted whole.

    Its length is measured as its post would be sent: heading, passage, counterpoint and the
    invitation, in UTF-16 units once Telegram has parsed the HTML.
    """
    if not passage:
        return t._(EMPTY)
    if not _has_words(passage) or (counterpoint and not _has_words(counterpoint)):
        return t._(ONLY_MARKUP)
    entry = Entry("suggestion:0", "", passage, counterpoint, 0, suggested_by="")
    length = post_units(t, entry, day)
    if length > MAX_MESSAGE_UNITS:
        return t._(TOO_LONG, units=length, limit=MAX_MESSAGE_UNITS)
    return None


def _has_words(text: str) -> bool:
    """True if anything but links, markup, mentions and commands is left: a letter or digit."""
    return any(character.isalnum() for character in readable_text(text))


def render_usage(t: Translator, problem: str | None = None) -> str:
    """Return the /suggest usage, after what was wrong if anything was."""
    return f"{problem}\n\n{t._(SUGGEST_USAGE)}" if problem else t._(SUGGEST_USAGE)


def render_close(t: Translator, close_to: str | None, texts: Mapping[str, str]) -> str:
    """Return 'close to ch2-04: “opening…”' ('close to #3' for a suggestion), or ''."""
    if close_to is None:
        return ""
    label = _label(close_to)
    words = texts.get(close_to)
    if words is None:
        return t._("close to {label}", label=escape(label))
    return t._(
        "close to {label}: “{words}”",
        label=escape(label),
        words=escape(excerpt(words, CLOSE_EXCERPT)),
    )


def _label(passage_id: str) -> str:
    number = suggestion_number(passage_id)
    return f"#{number}" if number is not None else passage_id


def render_suggested(t: Translator, suggestion: Row, close: str) -> str:
    """Return the one-line answer to /suggest: its number and what happens next."""
    text = t._(
        "Suggestion #{number} is in the admins' queue (/suggestions); once approved, it comes "
        "before the book goes on.",
        number=suggestion["number"],
    )
    return f"{text} ⚠️ {close}." if close else text


def render_queue(
    t: Translator, pending: Sequence[Row], texts: Mapping[str, str]
) -> tuple[str, list[list[Button]]]:
    """Return the admins' queue: each pending suggestion, and a row of buttons for each."""
    if not pending:
        return t._("No suggestions are waiting. Members suggest with /suggest."), []
    shown = pending[:QUEUE_SHOWN]
    heading = t.ngettext(
        "<b>{n} suggestion waiting</b>", "<b>{n} suggestions waiting</b>", len(pending)
    )
    blocks = [heading, *(_queue_entry(t, s, texts) for s in shown)]
    if len(pending) > len(shown):
        rest = len(pending) - len(shown)
        blocks.append(t.ngettext("…and {n} more after these.", "…and {n} more after these.", rest))
    buttons = [_buttons(t, s["number"]) for s in shown]
    return fit_html("\n\n".join(blocks)), buttons


def _queue_entry(t: Translator, suggestion: Row, texts: Mapping[str, str]) -> str:
    by = escape(suggestion["author"] or t._("a member"))
    head = t._("<b>#{number}</b> by {name}", number=suggestion["number"], name=by)
    close = render_close(t, suggestion["close_to"], texts)
    lines = [f"{head} · ⚠️ {close}" if close else head]
    lines.append(f"<blockquote>{escape(trim(suggestion['passage'], QUEUE_EXCERPT))}</blockquote>")
    if suggestion["counterpoint"]:
        lines.append(f"<i>{escape(trim(suggestion['counterpoint'], QUEUE_EXCERPT))}</i>")
    return "\n".join(lines)


def _buttons(t: Translator, number: int) -> list[Button]:
    return [
        (t._("Approve #{number}", number=number), button_data("a", number)),
        (t._("Decline #{number}", number=number), button_data("d", number)),
    ]


def button_data(action: str, number: int) -> str:
    """Return a button's callback data: 'sg:a:12'."""
    return f"{BUTTON_PREFIX}:{action}:{number}"


def read_button(data: str | None) -> tuple[Decision, int] | None:
    """Return (decision, number) from a button's callback data, or None if not ours."""
    parts = (data or "").split(":")
    if len(parts) != 3 or parts[0] != BUTTON_PREFIX or parts[1] not in ACTIONS:
        return None
    return (ACTIONS[parts[1]], int(parts[2])) if parts[2].isdigit() else None


def render_decided(t: Translator, number: int, status: str, when: date | None) -> str:
    """Return what an admin's press or command did, for the popup or the reply."""
    if status == "approved" and when is not None:
        return t._("Approved #{number}: it comes on {day}.", number=number, day=t.long_date(when))
    if status == "approved":
        return t._("Approved #{number}.", number=number)
    return t._("Declined #{number}.", number=number)


def render_already(t: Translator, suggestion: Row | None, number: int) -> str:
    """Return the answer to a decision on a suggestion that is not pending."""
    if suggestion is None:
        return t._("There is no suggestion #{number} here.", number=number)
    said = {
        "approved": N_("#{number} was approved already."),
        "posted": N_("#{number} was posted already."),
        "declined": N_("#{number} was declined already."),
    }
    return t._(said.get(suggestion["status"], said["declined"]), number=number)


def render_reason_prompt(t: Translator, number: int) -> str:
    """Return the question an admin may answer with the reason for declining."""
    return t._(
        "Declined #{number}. Reply to this message with the reason, if you like: I will pass "
        "it on to whoever suggested it.",
        number=number,
    )


def render_outcome(t: Translator, suggestion: Row, when: date | None, mention: str = "") -> str:
    """Return what the suggester is told: approved (and when it comes), or declined (why)."""
    number, to = suggestion["number"], f"{mention}: " if mention else ""
    if suggestion["status"] == "approved":
        if when is None:
            return to + t._("your suggestion #{number} was approved.", number=number)
        day = t.long_date(when)
        return to + t._(
            "your suggestion #{number} was approved; it comes on {day}.", number=number, day=day
        )
    if suggestion["reason"]:
        reason = escape(excerpt(suggestion["reason"], 500))
        return to + t._(
            "your suggestion #{number} was declined: {reason}", number=number, reason=reason
        )
    return to + t._("your suggestion #{number} was declined.", number=number)


def render_upcoming(t: Translator, days: Sequence[DayBrings]) -> str:
    """Return /upcoming: each of the next dates and what it brings."""
    lines = [t._("<b>The next seven days</b>")]
    for day in days:
        lines.append(f"{t.short_date(day.local_date)} · {_brings(t, day)}")
    return "\n".join(lines)


def _brings(t: Translator, day: DayBrings) -> str:
    if day.brings == "paused":
        return t._("paused")
    if day.brings == "skipped":
        return t._("skipped")
    if day.suggestion is not None:
        name = escape(day.suggestion.author or t._("a member"))
        return t._("suggestion #{number} by {name}", number=day.suggestion.number, name=name)
    if day.passage_id is None:
        return t._("no passage (the book is empty)")
    return t._("passage {id}", id=f"<code>{escape(day.passage_id)}</code>")


def render_skip_date(t: Translator, day: date, done: bool) -> str:
    """Return the answer to /skip DATE."""
    if not done:
        return t._("{day} is skipped already.", day=t.long_date(day))
    return t._(
        "{day} is skipped: no passage and no evening digest that day; the weekly digest still "
        "comes. <code>/unskip {iso}</code> undoes it.",
        day=t.long_date(day),
        iso=day.isoformat(),
    )


def render_unskip_date(t: Translator, day: date, done: bool) -> str:
    """Return the answer to /unskip DATE."""
    if not done:
        return t._("{day} was not skipped.", day=t.long_date(day))
    return t._("{day} brings its passage again.", day=t.long_date(day))


SKIP_USAGE = N_(
    "Usage: <code>/skip</code> skips the book's next passage; <code>/skip YYYY-MM-DD</code> "
    "skips a coming date (no passage, no evening digest), for example "
    "<code>/skip {example}</code>; <code>/unskip YYYY-MM-DD</code> undoes it; /upcoming "
    "shows the coming days."
)
NOT_AHEAD = N_("{day} has begun or passed here: only a coming date can be skipped.")
