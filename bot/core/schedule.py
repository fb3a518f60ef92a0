"""Local-time maths for each chat's slots: parsing settings, daylight saving, what is due now.

Pure: every function takes `now` (an aware datetime) and returns values. Whether a slot may be
claimed is decided here too (``may_claim``); the claim itself is the archive's job.
"""

from __future__ import annotations

import difflib
import functools
import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo, available_timezones

from bot.core.text import N_, POST_KINDS, PostKind, excerpt

Chat = Mapping[str, Any]  # a chat's settings, as the archive keeps them

# The day names /setweekly takes (arguments are English in every language, like commands).
DAY_NAMES = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
TZ_LIST_URL = "https://en.wikipedia.org/wiki/List_of_tz_database_time_zones"

_HHMM = re.compile(r"(\d{1,2}):(\d{2})")
# A spring-forward gap is at most a day long (Pacific/Apia skipped 30 December 2011).
_MAX_GAP_MINUTES = 24 * 60


class ScheduleError(ValueError):
    """A schedule setting that cannot be used; the message says what is wrong and how to fix it.

    ``template`` is the English message with named placeholders, filled from ``params`` (a tuple
    is a list of alternatives), so the shell can say it in a chat's language.
    """

    def __init__(self, template: str, **params: str | tuple[str, ...]) -> None:
        self.template = template
        self.params = params
        english = {k: v if isinstance(v, str) else " or ".join(v) for k, v in params.items()}
        super().__init__(template.format(**english))


@functools.cache
def _zones_by_folded_name() -> dict[str, str]:
    """Map each known zone name, case-folded, to its canonical spelling."""
    return {name.casefold(): name for name in available_timezones()}


def parse_timezone(text: str) -> str:
    """Return the canonical IANA name for text (case-insensitive), or raise ScheduleError."""
    wanted = text.strip().replace(" ", "_")
    if not wanted:
        raise ScheduleError(
            N_(
                "missing timezone: use an Area/City name such as Europe/Berlin or "
                "America/New_York (list: {url})"
            ),
            url=TZ_LIST_URL,
        )
    zones = _zones_by_folded_name()
    if wanted.casefold() in zones:
        return zones[wanted.casefold()]
    # Zone names are short; comparing a page of text with every zone would only cost time.
    suggestions = _suggest_zones(wanted.casefold(), zones) if len(wanted) <= 64 else []
    if suggestions:
        raise ScheduleError(
            N_(
                "unknown timezone '{text}': did you mean {zones}? Use an Area/City name such "
                "as Europe/Berlin or America/New_York (list: {url})"
            ),
            text=excerpt(text),
            zones=tuple(suggestions),
            url=TZ_LIST_URL,
        )
    raise ScheduleError(
        N_(
            "unknown timezone '{text}': use an Area/City name such as Europe/Berlin or "
            "America/New_York (list: {url})"
        ),
        text=excerpt(text),
        url=TZ_LIST_URL,
    )


def _suggest_zones(folded: str, zones: dict[str, str]) -> list[str]:
    """Return up to three zone names close to a misspelt or city-only name."""
    # A bare city ("Berlin") matches the last part of "Europe/Berlin" exactly.
    cities = [name for key, name in zones.items() if key.rsplit("/", 1)[-1] == folded]
    scored = [
        (difflib.SequenceMatcher(None, folded, key).ratio(), key)
        for key in difflib.get_close_matches(folded, zones, n=5, cutoff=0.6)
    ]
    # Only the near-best: "Europe/Berlinn" should offer Berlin, not Dublin and Tallinn as well.
    best = max((score for score, _ in scored), default=0.0)
    close = [zones[key] for score, key in scored if score >= best - 0.1]
    return list(dict.fromkeys(sorted(cities) + close))[:3]


def parse_hhmm(text: str) -> str:
    """Return a 24-hour time as 'HH:MM' ('9:00' -> '09:00'), or raise ScheduleError."""
    match = _HHMM.fullmatch(text.strip())
    if match is None:
        raise ScheduleError(
            N_("invalid time '{text}': use 24-hour HH:MM, for example 09:00 or 21:30"),
            text=excerpt(text),
        )
    hours, minutes = int(match[1]), int(match[2])
    if hours > 23:
        raise ScheduleError(
            N_(
                "invalid time '{text}': hours go from 00 to 23; use 24-hour HH:MM, for "
                "example 09:00 or 21:30"
            ),
            text=excerpt(text),
        )
    if minutes > 59:
        raise ScheduleError(
            N_(
                "invalid time '{text}': minutes go from 00 to 59; use 24-hour HH:MM, for "
                "example 09:00 or 21:30"
            ),
            text=excerpt(text),
        )
    return f"{hours:02d}:{minutes:02d}"


def parse_weekday(text: str) -> int:
    """Return 0=Monday..6=Sunday for a day name or a prefix of two letters or more ('su')."""
    wanted = text.strip().casefold().rstrip(".")
    matches = [
        i for i, name in enumerate(DAY_NAMES) if len(wanted) >= 2 and name.startswith(wanted)
    ]
    if len(matches) == 1:
        return matches[0]
    raise ScheduleError(
        N_("unknown weekday '{text}': use one of {days} (or a short form such as sun)"),
        text=excerpt(text),
        days=", ".join(DAY_NAMES),
    )


def local_date(now: datetime, tz: str) -> date:
    """Return the calendar date at instant `now` in time zone tz."""
    return _require_aware(now).astimezone(ZoneInfo(tz)).date()


# At start every chat's next slots are computed, and most chats share a zone and the default
# times: ten thousand chats ask for a handful of distinct instants thirty thousand times.
@functools.lru_cache(maxsize=4096)
def occurrence(local_day: date, hhmm: str, tz: str) -> datetime:
    """Return the aware UTC instant of wall-clock time hhmm on local_day in tz.

    A time skipped by a spring-forward gap moves to the first valid minute after the gap; a time
    that happens twice in autumn is its first occurrence (fold=0), so a slot happens once.
    """
    zone = ZoneInfo(tz)
    wall = datetime.combine(local_day, _to_time(hhmm), tzinfo=zone)
    for _ in range(_MAX_GAP_MINUTES + 1):
        if _exists(wall):
            return wall.astimezone(UTC)
        wall += timedelta(minutes=1)  # wall-clock arithmetic: tz-aware addition keeps the zone
    raise ScheduleError(f"no valid time near {local_day} {hhmm} in {tz}")  # never seen by people


def _exists(wall: datetime) -> bool:
    """Return True if the wall time exists: a time in a gap does not survive a UTC round trip."""
    back = wall.astimezone(UTC).astimezone(wall.tzinfo)
    return back.replace(tzinfo=None) == wall.replace(tzinfo=None)


def slot_time(chat: Chat, kind: PostKind | str) -> str:
    """Return the chat's 'HH:MM' for a kind of post."""
    keys = {"passage": "post_time", "digest": "digest_time", "weekly": "weekly_time"}
    if kind not in keys:
        raise ValueError(f"unknown kind {kind!r}: expected one of {', '.join(keys)}")
    return str(chat[keys[kind]])


def slot_for(chat: Chat, kind: PostKind | str, local_day: date) -> datetime | None:
    """Return the UTC instant of the chat's slot of that kind on local_day, or None if none."""
    if kind == "weekly" and local_day.weekday() != int(chat["weekly_day"]):
        return None
    return occurrence(local_day, slot_time(chat, kind), chat["timezone"])


def next_run(
    chat: Chat, kind: PostKind | str, now: datetime, last_sent: int | None = None
) -> datetime:
    """Return the aware UTC instant of the chat's next slot of that kind, strictly after now.

    ``last_sent`` (unix seconds) is when the latest one went out: a slot on that local day is
    passed over, as the claim will pass it over (see ``sent_on``).
    """
    today = local_date(now, chat["timezone"])
    # Today's slot may have passed; a weekly slot is at most a week away.
    for offset in range(9):
        day = today + timedelta(days=offset)
        when = slot_for(chat, kind, day)
        if when is not None and when > now and not sent_on(chat, day.isoformat(), last_sent):
            return when
    raise ScheduleError(f"no {kind} slot within a week of {now.isoformat()}")


def due_now(chat: Chat, kind: PostKind | str, now: datetime) -> str | None:
    """Return today's local date 'YYYY-MM-DD' if the chat's slot has passed today, else None.

    A slot missed while the bot was down stays due until local midnight, so it is caught up the
    same day and never later. A paused chat has nothing due.
    """
    if chat.get("paused"):
        return None
    today = local_date(now, chat["timezone"])
    when = slot_for(chat, kind, today)
    if when is None or when > now:
        return None
    return today.isoformat()


def sent_on(chat: Chat, local_day: str, sent_at: int | None) -> bool:
    """Return True if a post sent at ``sent_at`` (unix seconds) fell on local_day in the chat's
    time zone.

    A post belongs to the day it was claimed for; after a change of time zone, yesterday's post
    can fall on today's date in the new zone (23:40 UTC is 00:40 in Berlin). That day has had
    its post, so the group never gets two on one day of its calendar.
    """
    if sent_at is None:
        return False
    sent = datetime.fromtimestamp(sent_at, UTC).astimezone(ZoneInfo(chat["timezone"]))
    return sent.date().isoformat() == local_day


def describe_wait(wait: timedelta) -> str:
    """Return a short, rounded-down duration such as '2 d 3 h', '3 h 12 min' or '5 min'."""
    minutes = int(wait.total_seconds() // 60)
    days, minutes = divmod(minutes, 24 * 60)
    hours, minutes = divmod(minutes, 60)
    if days:
        return f"{days} d {hours} h"
    if hours:
        return f"{hours} h {minutes} min"
    return f"{minutes} min" if minutes else "under a minute"


# Slots: what the sweep may claim

# A claim that has not been recorded as sent within this long was interrupted (a crash between
# claiming and recording); it may be claimed again. See the README's "Exactly once" section.
STALE_CLAIM_SECONDS = 120
# A send that failed for a passing reason is tried again after this long.
RETRY_FAILED_SECONDS = 60
SLOT_KINDS = POST_KINDS


@dataclass(frozen=True)
class Slot:
    """One post that should go out: a chat, a kind and the chat's local date."""

    chat_id: int
    kind: PostKind
    local_date: str


def may_claim(post: Mapping[str, Any] | None, now_ts: int) -> bool:
    """Return True if a slot with this post row (or none) may be claimed or re-claimed."""
    if post is None:
        return True
    age = now_ts - int(post["claimed_at"] or 0)
    if post["status"] == "failed":
        return age >= RETRY_FAILED_SECONDS
    if post["status"] == "claimed":
        return age >= STALE_CLAIM_SECONDS
    return False  # sent or skipped: done for that day


def due_day(chat: Chat, kind: PostKind | str, now: datetime) -> str | None:
    """Return the local date a chat's slot is due for, or None.

    A chat's first passage comes on the day it joins, even after the morning hour, so a new
    group has something to talk about; a digest slot that passed before the bot joined does not.
    """
    day = due_now(chat, kind, now)
    if day is None or kind == "passage":
        return day
    slot = slot_for(chat, kind, date.fromisoformat(day))
    return day if slot and slot.timestamp() >= int(chat.get("created_at") or 0) else None


def daily_due(at: str, now: datetime, last: datetime | None) -> bool:
    """True if a daily task at ``at`` (HH:MM, UTC) has not run since its latest time, which
    has come: missed ones run on return, once."""
    now = _require_aware(now).astimezone(UTC)
    latest = datetime.combine(now.date(), _to_time(at), UTC)
    if latest > now:
        latest -= timedelta(days=1)
    return last is None or last < latest


def passed_slots(chat: Chat, now: datetime) -> list[tuple[PostKind, str]]:
    """Return (kind, local date) of today's slots whose time has already passed."""
    unpaused = {**chat, "paused": False}
    return [(k, d) for k in POST_KINDS if (d := due_now(unpaused, k, now)) is not None]


def _to_time(hhmm: str) -> time:
    hours, minutes = parse_hhmm(hhmm).split(":")
    return time(int(hours), int(minutes))


def _require_aware(now: datetime) -> datetime:
    # A naive datetime would silently be read as the server's local time.
    if now.tzinfo is None or now.utcoffset() is None:
        raise ValueError(f"now must be timezone-aware, got naive {now.isoformat()}")
    return now
