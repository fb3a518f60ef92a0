"""The command line: digest preview and export over an archive file."""

from __future__ import annotations

import json

from click.testing import CliRunner

from bot.__main__ import cli
from bot.archive.store import Store

CHAT = -1001234567890


def scripted_archive(path) -> None:
    store = Store.open(path)
    store.register_chat(CHAT, type="supergroup", title="Readers", now=0)
    store.claim_post(CHAT, "2030-03-05", "passage", now=0)
    store.record_passage_sent(CHAT, "2030-03-05", message_id=10, sent_at=1, passage_id="ch1-06")
    store.upsert_user(1, first_name="Ana")
    store.upsert_user(2, first_name="<b>Bo</b>")
    for message_id, parent, user, text in [(11, 10, 1, "care & noticing"), (12, 11, 2, "yes <3")]:
        store.store_message({"chat_id": CHAT, "message_id": message_id, "root_message_id": 10,
                             "reply_to_message_id": parent, "user_id": user,
                             "sender_chat_id": None, "kind": "text", "text": text,
                             "date": 1_900_000_000})  # fmt: skip
    store.add_curiosity(
        CHAT, user_id=1, local_date="2030-03-05", text="who keeps the list?", now=1
    )
    store.close()


def test_digest_preview_reads_as_the_chat_would(tmp_path):
    scripted_archive(tmp_path / "a.db")
    args = ["digest", "--db", str(tmp_path / "a.db"), "--chat", str(CHAT), "--date", "2030-03-05"]
    plain = CliRunner().invoke(cli, args)
    html = CliRunner().invoke(cli, [*args, "--html"])
    assert plain.exit_code == 0, plain.output
    assert "Ana: care & noticing" in plain.output
    assert "↳ <b>Bo</b>: yes <3" in plain.output
    assert "Ana: who keeps the list?" in plain.output
    assert "&lt;b&gt;Bo&lt;/b&gt;" in html.output and "<b>Bo</b>" not in html.output


def test_digest_of_an_unknown_chat_says_so(tmp_path):
    scripted_archive(tmp_path / "a.db")
    result = CliRunner().invoke(cli, ["digest", "--db", str(tmp_path / "a.db"), "--chat", "42"])
    assert (result.exit_code, "no chat 42 in" in result.output) == (1, True)


def test_export_prints_the_chats_archive_as_json(tmp_path):
    scripted_archive(tmp_path / "a.db")
    result = CliRunner().invoke(
        cli, ["export", "--db", str(tmp_path / "a.db"), "--chat", str(CHAT)]
    )
    archive = json.loads(result.output)
    assert [m["text"] for m in archive["messages"]] == ["care & noticing", "yes <3"]


def test_help_lists_every_command_with_a_line():
    result = CliRunner().invoke(cli, ["--help"])
    for command in ("run", "demo", "sandbox", "corpus", "digest", "export", "health"):
        assert f"  {command} " in result.output


def test_corpus_check_on_a_folder_says_what_is_wrong(tmp_path):
    result = CliRunner().invoke(cli, ["corpus", "check", str(tmp_path)])
    assert result.exit_code == 1
    assert f"cannot read the corpus {tmp_path}: Is a directory" in result.output
