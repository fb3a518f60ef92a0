"""Reading a message that python-telegram-bot parsed (``Message.to_dict()``), as the handlers
hand it to core: each kind, its author, a forum topic's opening, the row a thread keeps."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from telegram import (
    Chat,
    ForumTopicCreated,
    Message,
    PhotoSize,
    Sticker,
    User,
    Video,
    Voice,
)

from bot.core import updates
from bot.core.updates import Author

WHEN = datetime(2030, 3, 5, 10, 0, tzinfo=UTC)
ANA = User(7, "Ana", is_bot=False, username="ana")
GROUP = Chat(-100, "supergroup", title="Readers", is_forum=True)


def message(**fields: Any) -> Message:
    fields.setdefault("chat", GROUP)
    fields.setdefault("from_user", ANA)
    return Message(fields.pop("message_id", 50), WHEN, **fields)


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
