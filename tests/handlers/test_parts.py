"""The handlers' parts that need no running bot: reading Telegram's objects, retrying, checking.

Fast (no Application, no sandbox), so mutation testing can run them for every change to the
handlers; the behaviour they check is what members and operators then see through the bot.
"""

from __future__ import annotations

import inspect
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from telegram import (
    Chat,
    ChatMemberAdministrator,
    ChatMemberBanned,
    ChatMemberLeft,
    ChatMemberMember,
    ChatMemberOwner,
    ChatMemberRestricted,
    ChatMemberUpdated,
    ForumTopicCreated,
    Message,
    PhotoSize,
    Sticker,
    User,
    Video,
    Voice,
)
from telegram.error import BadRequest, Forbidden, InvalidToken, RetryAfter, TimedOut

from bot.archive.inspection import Finding
from bot.core import updates
from bot.core.records import Delivery
from bot.core.updates import Author
from bot.handlers import admin, chats, network, outbox, sweep
from bot.handlers.app import _menu, polite_rate_limiter
from bot.handlers.state import job_id
from bot.handlers.telegram_status import admin_finding, privacy_finding
from bot.i18n import translator

WHEN = datetime(2030, 3, 5, 10, 0, tzinfo=UTC)
ANA = User(7, "Ana", is_bot=False, username="ana")
BOT = User(99, "Commons", is_bot=True, username="commons_bot")
GROUP = Chat(-100, "supergroup", title="Readers", is_forum=True)


def message(**fields: Any) -> Message:
    fields.setdefault("chat", GROUP)
    fields.setdefault("from_user", ANA)
    return Message(fields.pop("message_id", 50), WHEN, **fields)


def member(kind: type, **extra: Any) -> Any:
    """The bot as a chat member of that kind, every right it could hold given."""
    values: dict[str, Any] = {"user": BOT, "until_date": WHEN, "is_anonymous": False}
    required = [
        name
        for name, parameter in inspect.signature(kind).parameters.items()
        if name not in extra
        and (parameter.default is parameter.empty or name.startswith("can_"))
        and parameter.kind is parameter.POSITIONAL_OR_KEYWORD
    ]
    return kind(**{name: values.get(name, True) for name in required}, **extra)


# settings commands


def test_setting_commands_read_their_arguments_or_refuse() -> None:
    assert admin._one(["Europe/Rome"]) == "Europe/Rome"
    for wrong in ([], ["a", "b"]):
        with pytest.raises(ValueError, match="expected one argument"):
            admin._one(wrong)
    assert admin._weekly(["Sunday", "18:00"]) == {"weekly_day": 6, "weekly_time": "18:00"}
    for wrong in (["sunday"], ["sunday", "18:00", "x"]):
        with pytest.raises(ValueError, match="expected a day and a time"):
            admin._weekly(wrong)
    assert admin._quiet_day(["LINE"]) == {"quiet_day": "line"}
    assert admin._quiet_day(["silent"]) == {"quiet_day": "silent"}
    with pytest.raises(ValueError, match="expected line or silent"):
        admin._quiet_day(["loud"])


# chats: presence and identity


@pytest.mark.parametrize(
    ("kind", "present"),
    [
        (ChatMemberMember, True),
        (ChatMemberAdministrator, True),
        (ChatMemberOwner, True),
        (ChatMemberLeft, False),
        (ChatMemberBanned, False),
    ],
)
def test_the_bot_is_present_as_member_admin_or_owner(kind: type, present: bool) -> None:
    assert chats.is_present(member(kind)) is present


def test_a_restricted_bot_is_present_only_while_still_a_member() -> None:
    assert chats.is_present(member(ChatMemberRestricted, is_member=True)) is True
    assert chats.is_present(member(ChatMemberRestricted, is_member=False)) is False


def test_a_status_change_says_whether_the_bot_came_or_went() -> None:
    def change(old: type, new: type) -> tuple[bool, bool] | None:
        update = ChatMemberUpdated(GROUP, ANA, WHEN, member(old), member(new))
        return chats.extract_status_change(update)

    assert change(ChatMemberLeft, ChatMemberMember) == (False, True)
    assert change(ChatMemberMember, ChatMemberBanned) == (True, False)
    assert change(ChatMemberMember, ChatMemberAdministrator) is None
    assert change(ChatMemberLeft, ChatMemberBanned) is None


def test_a_chats_identity_is_its_type_name_and_topics() -> None:
    assert chats.identity(GROUP) == {
        "type": "supergroup",
        "title": "Readers",
        "username": None,
        "is_forum": True,
    }
    private = Chat(7, "private", first_name="Ana", username="ana")
    assert chats.identity(private) == {
        "type": "private",
        "title": "Ana",
        "username": "ana",
        "is_forum": False,
    }


# incoming messages: kind, text, author, row


def sent(**fields: Any) -> dict[str, Any]:
    """A message as the handlers read it: a parsed Message, as the Bot API spells it."""
    return message(**fields).to_dict()


def test_each_kind_of_message_is_stored_with_its_text_or_caption() -> None:
    photo = [PhotoSize("p", "p1", 10, 10)]
    sticker = Sticker("s", "s1", 10, 10, False, False, "regular", emoji="🌱")
    plain_sticker = Sticker("s", "s1", 10, 10, False, False, "regular")
    assert updates.kind_and_text(sent(text="hello")) == ("text", "hello")
    assert updates.kind_and_text(sent(text="")) == ("text", "")
    assert updates.kind_and_text(sent(sticker=sticker)) == ("sticker", "🌱")
    assert updates.kind_and_text(sent(sticker=plain_sticker)) == ("sticker", "")
    assert updates.kind_and_text(sent(photo=photo, caption="look")) == ("photo", "look")
    assert updates.kind_and_text(sent(photo=photo)) == ("photo", "")
    assert updates.kind_and_text(sent(voice=Voice("v", "v1", 3))) == ("voice", "")
    note = Video("n", "n1", 10, 10, 3)
    assert updates.kind_and_text(sent(video=note, caption="c")) == ("video", "c")
    assert updates.kind_and_text(sent(caption="only a caption")) == ("other", "only a caption")
    assert updates.kind_and_text(sent()) == ("other", "")


def test_a_reply_to_a_topics_opening_is_not_a_reply() -> None:
    opening = message(message_id=30, forum_topic_created=ForumTopicCreated("Readings", 0))
    in_topic = {"is_topic_message": True, "message_thread_id": 30}
    assert updates.opens_topic(sent(reply_to_message=opening, **in_topic)) is True
    plain_root = message(message_id=30, text="first words of the topic")
    assert updates.opens_topic(sent(reply_to_message=plain_root, **in_topic)) is True
    other = message(message_id=31, text="a real message")
    assert updates.opens_topic(sent(reply_to_message=other, **in_topic)) is False
    assert updates.opens_topic(sent(reply_to_message=opening)) is False
    assert updates.opens_topic(sent(**in_topic)) is False


def test_the_author_is_the_person_or_the_chat_speaking() -> None:
    channel = Chat(-200, "channel", title="News")
    nameless = Chat(-201, "channel", username="news")
    assert updates.author_of(sent()) == Author(7, None, "Ana", "ana")
    assert updates.author_of(sent(sender_chat=channel)) == Author(None, -200, "News", None)
    assert updates.author_of(sent(sender_chat=nameless)) == Author(None, -201, "news", None)
    assert updates.author_of(sent(sender_chat=Chat(-202, "channel"))) == Author(
        None, -202, "", None
    )
    assert updates.author_of(sent(from_user=None)) == Author(None, None, "", None)


def test_a_thread_message_row_holds_what_the_archive_needs() -> None:
    said = updates.said_in(sent(message_id=51, text="hi", reply_to_message=message(message_id=40)))
    assert said.message == {
        "chat_id": -100,
        "message_id": 51,
        "root_message_id": 0,
        "reply_to_message_id": 40,
        "user_id": 7,
        "sender_chat_id": None,
        "kind": "text",
        "text": "hi",
        "date": int(WHEN.timestamp()),
    }
    by_channel = updates.said_in(sent(sender_chat=Chat(-200, "channel", title="News")))
    assert (by_channel.message["user_id"], by_channel.message["sender_chat_id"]) == (None, -200)
    assert by_channel.message["reply_to_message_id"] is None


# the outbox


def test_posts_go_to_the_chosen_forum_topic_only_in_a_forum() -> None:
    assert outbox.topic_of({"is_forum": True, "topic_thread_id": "12"}) == 12
    assert outbox.topic_of({"is_forum": False, "topic_thread_id": 12}) is None
    assert outbox.topic_of({"is_forum": True, "topic_thread_id": None}) is None
    assert outbox.topic_of({}) is None


async def test_a_digest_goes_out_in_order_then_its_file_and_answers_with_its_first_part():
    sent: list[Any] = []

    async def send(text: str) -> Any:
        sent.append(text)
        return None if text == "lost" else f"message {len(sent)}"

    async def send_file(filename: str, data: bytes) -> Any:
        sent.append((filename, data))
        return "file"

    plan = Delivery(messages=("lost", "two", "three"), document=("day.html", b"<p>"))
    assert await outbox.send_digest(plan, send, send_file) == "message 2"
    assert sent == ["lost", "two", "three", ("day.html", b"<p>")]
    sent.clear()
    assert await outbox.send_digest(Delivery(("one",), None), send, send_file) == "message 1"
    assert sent == ["one"]


# starting up: patience with Telegram


def test_the_wait_doubles_up_to_a_minute() -> None:
    waits = [network.FIRST_DELAY]
    for _ in range(8):
        waits.append(network.next_delay(waits[-1]))
    assert waits == [1.0, 2.0, 4.0, 8.0, 16.0, 32.0, 60.0, 60.0, 60.0]


async def test_network_failures_are_retried_with_growing_pauses(caplog) -> None:
    failures: list[Exception] = [
        TimedOut(),
        TimedOut(),
        RetryAfter(timedelta(seconds=5)),
        RetryAfter(7),
        TimedOut(),
    ]
    pauses: list[float] = []

    async def call() -> str:
        if failures:
            raise failures.pop(0)
        return "me"

    async def sleep(seconds: float) -> None:
        pauses.append(seconds)

    assert await network.patiently(call, "getMe", sleep=sleep) == "me"
    assert pauses == [1.0, 2.0, 5.0, 7.0, 4.0]
    logged = [r.getMessage() for r in caplog.records]
    assert logged[0] == "getMe: Telegram unreachable (TimedOut), try 1; again in 1 s"
    assert logged[2] == "getMe: Telegram asks to wait, try 3; again in 5 s"
    assert logged[4] == "getMe: Telegram unreachable (TimedOut), try 5; again in 4 s"


async def test_a_rejected_token_or_a_bad_request_is_not_retried() -> None:
    async def refused() -> None:
        raise InvalidToken()

    async def mistaken() -> None:
        raise BadRequest("chat not found")

    async def never(_: float) -> None:
        raise AssertionError("no retry")

    with pytest.raises(network.TokenRejected, match="rejected the bot token"):
        await network.patiently(refused, "getMe", sleep=never)
    with pytest.raises(BadRequest, match="chat not found"):
        await network.patiently(mistaken, "getMe", sleep=never)


# the sweep's log line, the menus, the rate limiter, jobs


def test_the_sweep_counts_outcomes_by_name() -> None:
    assert sweep._count(["sent", "skipped", "sent", "failed"]) == "failed=1, sent=2, skipped=1"
    assert sweep._count([]) == ""


def test_the_command_menu_lists_every_command_but_start() -> None:
    names = [command.command for command in _menu(translator())]
    assert "start" not in names and {"today", "thread", "digest", "mydigest"} <= set(names)
    assert len(names) == len(set(names))


def test_the_rate_limiter_keeps_telegrams_limits_evenly() -> None:
    limiter = polite_rate_limiter()
    overall, group = limiter._base_limiter, limiter._group_max_rate
    assert (overall.max_rate, overall.time_period) == (1, pytest.approx(1 / 29))
    assert (group, limiter._group_time_period, limiter._max_retries) == (20, 60, 3)
    demo = polite_rate_limiter(per_second=100, per_group_per_minute=0)
    assert demo._base_limiter.time_period == pytest.approx(0.01)
    assert demo._group_max_rate == 0


def test_each_chat_has_one_job_per_kind() -> None:
    assert job_id(-100, "digest") == "digest:-100"


# checking Telegram: privacy and admin rights


def test_privacy_mode_is_explained_either_way() -> None:
    private = User(99, "Commons", is_bot=True, can_read_all_group_messages=False)
    open_ = User(99, "Commons", is_bot=True, can_read_all_group_messages=True)
    assert privacy_finding(open_) == Finding(
        True, "privacy mode: off, the bot sees every reply in its groups"
    )
    assert privacy_finding(private) == Finding(
        True,
        "privacy mode: on, in groups the bot sees replies to replies only where it is an admin",
    )


class FakeBot:
    def __init__(self, answer: Any) -> None:
        self.answer = answer
        self.asked: list[tuple[int, int]] = []

    async def get_chat_member(self, chat_id: int, user_id: int) -> Any:
        self.asked.append((chat_id, user_id))
        if isinstance(self.answer, Exception):
            raise self.answer
        return self.answer


async def test_admin_findings_say_what_to_do_in_each_chat() -> None:
    closed = User(99, "Commons", is_bot=True, can_read_all_group_messages=False)
    open_ = User(99, "Commons", is_bot=True, can_read_all_group_messages=True)
    group: Any = {"id": -100, "title": "Readers", "type": "supergroup"}
    untitled: Any = {"id": -101, "title": None, "type": "group"}

    async def finding(answer: Any, me: User = closed, chat: Any = group) -> Finding:
        bot = FakeBot(answer)
        found = await admin_finding(bot, chat, me)  # type: ignore[arg-type]
        assert bot.asked in ([], [(chat["id"], me.id)])
        return found

    name = "chat -100 (Readers)"
    assert await finding(member(ChatMemberAdministrator)) == Finding(
        True, f"{name}: the bot is an admin, it sees whole threads"
    )
    assert await finding(member(ChatMemberOwner)) == Finding(
        True, f"{name}: the bot is an admin, it sees whole threads"
    )
    assert await finding(member(ChatMemberMember), open_) == Finding(
        True, f"{name}: not an admin, but privacy mode is off"
    )
    missed = await finding(member(ChatMemberMember), chat=untitled)
    assert missed == Finding(
        False,
        "chat -101 (group): not an admin and privacy mode is on, so replies to replies are "
        "missed; make the bot an admin (no rights needed) or turn privacy off in @BotFather",
    )
    assert await finding(Forbidden("bot was kicked")) == Finding(
        False, f"{name}: the bot was removed; it stays in the archive, inactive"
    )
    assert await finding(BadRequest("Chat not found")) == Finding(
        False, f"{name}: Telegram says Chat not found"
    )
    private: Any = {"id": 7, "title": None, "type": "private"}
    assert await finding(AssertionError("not asked"), chat=private) == Finding(
        True, "chat 7 (private): a private chat, the bot sees every message"
    )
