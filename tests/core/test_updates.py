"""Reading what a member said from a message as the Bot API spells it."""

from __future__ import annotations

from typing import Any

import pytest

from bot.core.updates import (
    Author,
    author_of,
    is_command,
    is_curious,
    is_plain,
    said_in,
    said_on_arrival,
)

GROUP = {"id": -1001, "type": "supergroup", "title": "Readers"}


def message(message_id: int = 20, **fields: Any) -> dict[str, Any]:
    return {
        "message_id": message_id,
        "date": 1_900_000_000,
        "chat": GROUP,
        "from": {"id": 7, "is_bot": False, "first_name": "Ana", "username": "ana"},
        **fields,
    }


@pytest.mark.parametrize(
    ("fields", "kind", "text"),
    [
        ({"text": "seeds"}, "text", "seeds"),
        ({"photo": [{"file_id": "p"}], "caption": "a field"}, "photo", "a field"),
        ({"video_note": {"file_id": "v"}}, "video", ""),
        ({"sticker": {"file_id": "s", "emoji": "🌱"}}, "sticker", "🌱"),
        ({"document": {"file_id": "d"}}, "document", ""),
        ({"poll": {"id": "q"}}, "other", ""),
    ],
)
def test_each_kind_of_message_is_kept_with_its_words(fields, kind, text) -> None:
    said = said_in(message(**fields))
    assert (said.message["kind"], said.message["text"]) == (kind, text)


def test_a_channel_or_anonymous_admin_speaks_as_its_chat() -> None:
    sender = {"id": -100555, "type": "channel", "title": "The Commons Channel"}
    assert author_of(message(sender_chat=sender, text="x")) == Author(
        None, -100555, "The Commons Channel", None
    )
    assert author_of(message(text="x")) == Author(7, None, "Ana", "ana")


def test_a_reply_answers_its_parent_and_a_topic_message_answers_nothing_but_its_topic() -> None:
    reply = said_in(message(text="yes", reply_to_message=message(10, text="q")))
    in_topic = said_in(
        message(
            text="hello",
            is_topic_message=True,
            message_thread_id=5,
            reply_to_message=message(5, forum_topic_created={"name": "Daily"}),
        )
    )
    assert (reply.message["reply_to_message_id"], reply.topic) == (10, None)
    assert (in_topic.message["reply_to_message_id"], in_topic.topic) == (None, 5)


def test_commands_service_messages_and_other_updates_wait_for_their_handlers() -> None:
    command = message(text="/optout", entities=[{"type": "bot_command", "offset": 0, "length": 7}])
    mention = message(text="hi @x", entities=[{"type": "mention", "offset": 3, "length": 2}])
    joined = message(new_chat_members=[{"id": 9, "is_bot": False, "first_name": "Bo"}])
    assert is_command(command) and not is_command(mention)
    assert said_on_arrival({"update_id": 1, "message": command}) is None
    assert said_on_arrival({"update_id": 2, "message": joined}) is None
    assert said_on_arrival({"update_id": 3, "my_chat_member": {}}) is None
    assert said_on_arrival({"update_id": 4, "message": mention}) is not None


BOT = {"id": 99, "is_bot": True, "first_name": "Commons"}
BO = {"id": 8, "is_bot": False, "first_name": "Bo"}
ANONYMOUS_ADMIN = {"id": 1087968824, "is_bot": True, "first_name": "Group"}


@pytest.mark.parametrize(
    ("parent", "extra", "answers_bot", "topic"),
    [
        ({"message_id": 5, "date": 0, "chat": GROUP, "from": BOT}, {}, True, None),
        ({"message_id": 5, "date": 0, "chat": GROUP, "from": BO}, {}, False, None),
        ({"message_id": 5, "date": 0, "chat": GROUP}, {}, False, None),
        # An anonymous admin posts as GroupAnonymousBot, with the group as its sender_chat: a
        # member, not a bot (a reply to them once waited for the bot's roads and was lost).
        ({"message_id": 5, "date": 0, "chat": GROUP, "sender_chat": GROUP,
          "from": ANONYMOUS_ADMIN}, {}, False, None),
        # A reply in a plain supergroup carries its chain's root as message_thread_id: no topic.
        ({"message_id": 5, "date": 0, "chat": GROUP, "from": BOT}, {"message_thread_id": 5},
         True, None),
        # A plain message in a forum topic: its reply_to is the topic's opening, by the bot.
        ({"message_id": 30, "date": 0, "chat": GROUP, "from": BOT,
          "forum_topic_created": {"name": "t", "icon_color": 1}},
         {"message_thread_id": 30, "is_topic_message": True}, False, 30),
    ],
)  # fmt: skip
def test_what_a_reply_answers_who_wrote_it_and_which_topic_it_is_in(
    parent, extra, answers_bot, topic
):
    said = said_in(message(text="yes", reply_to_message=parent, **extra))
    assert (said.answers_bot, said.topic) == (answers_bot, topic)


def test_a_message_answering_nothing_answers_no_bot():
    assert said_in(message(text="hello")).answers_bot is False


@pytest.mark.parametrize(
    ("fields", "curious"),
    [
        ({"text": "#curious how do commons last?"}, True),
        ({"text": "I am #Curious about rules"}, True),
        ({"text": "#curiosity is not the tag"}, False),
        ({"text": "nothing tagged"}, False),
        ({"caption": "#curious in a caption", "photo": [{"file_id": "p"}]}, False),
        ({"sticker": {"file_id": "s"}}, False),
    ],
)
def test_a_curiosity_is_tagged_in_a_messages_text(fields, curious):
    assert is_curious(message(**fields)) is curious


@pytest.mark.parametrize(
    ("fields", "plain"),
    [
        ({"text": "a reply"}, True),
        ({"photo": [{"file_id": "p"}]}, True),
        ({"contact": {"phone_number": "1", "first_name": "Bo"}}, True),
        ({"video_chat_started": {}}, False),
        ({"forum_topic_closed": {}}, False),
        ({"new_chat_members": [BO]}, False),
        ({"pinned_message": {"message_id": 1, "date": 0, "chat": GROUP}}, False),
        ({"text": "/today", "entities": [{"type": "bot_command", "offset": 0, "length": 6}]},
         False),
        ({"text": "see /today", "entities": [{"type": "bot_command", "offset": 4, "length": 6}]},
         True),
    ],
)  # fmt: skip
def test_a_plain_message_is_anything_a_member_says_but_a_command_or_a_service(fields, plain):
    assert is_plain(message(**fields)) is plain


def test_a_person_without_a_first_name_is_named_by_nothing():
    nameless = message(text="hi")
    nameless["from"] = {"id": 7, "is_bot": False}
    assert author_of(nameless) == Author(7, None, "", None)
