"""The command line: digest preview and export over an archive file, and the operator's check."""

from __future__ import annotations

import asyncio
import json
import os
import sys
from pathlib import Path

from click.testing import CliRunner

from bot.archive.store import Store
from bot.cli.main import cli

CHAT = -1001234567890
ROOT = Path(__file__).resolve().parents[2]


def scripted_archive(path) -> None:
    store = Store.open(path)
    store.register_chat(CHAT, type="supergroup", title="Readers", now=0)
    store.claim_post(CHAT, "2030-03-05", "passage", now=0)
    store.record_passage_sent(CHAT, "2030-03-05", message_id=10, sent_at=1, passage_id="ch1-06")
    store.upsert_user(1, first_name="Ana")
    store.upsert_user(2, first_name="<b>Bo</b>")
    for message_id, parent, user, text in [(11, 10, 1, "care & noticing"), (12, 11, 2, "yes <3")]:
        store.keep_messages([{"chat_id": CHAT, "message_id": message_id, "root_message_id": 10,
                             "reply_to_message_id": parent, "user_id": user,
                             "sender_chat_id": None, "kind": "text", "text": text,
                             "date": 1_900_000_000}])  # fmt: skip
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
    for command in ("run", "check", "demo", "sandbox", "corpus", "digest", "export", "health"):
        assert f"  {command} " in result.output


def test_corpus_check_on_a_folder_says_what_is_wrong(tmp_path):
    result = CliRunner().invoke(cli, ["corpus", "check", str(tmp_path)])
    assert result.exit_code == 1
    assert f"cannot read the corpus {tmp_path}: Is a directory" in result.output


async def run_check(tmp_path, **env: str) -> tuple[int, list[str]]:
    environ = {k: v for k, v in os.environ.items() if not k.startswith(("TELEGRAM_", "COMMONS_"))}
    environ |= {"COMMONS_DB": str(tmp_path / "commons.db"), "PYTHONPATH": str(ROOT)} | env
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bot", "check", cwd=tmp_path, env=environ,
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.STDOUT,
    )  # fmt: skip
    output, _ = await asyncio.wait_for(process.communicate(), timeout=30)
    assert process.returncode is not None
    return process.returncode, output.decode().splitlines()


async def test_check_names_the_chat_where_the_bot_misses_replies_to_replies(sandbox, tmp_path):
    box = await sandbox()
    ana = await box.create_user("Ana", "ana")
    admin_of = await box.create_supergroup("Admins here", [ana])
    await box.add_bot(admin_of, by=ana, admin=True)
    member_of = await box.create_supergroup("Members only", [ana], with_bot=True)
    store = Store.open(tmp_path / "commons.db")
    for chat in (admin_of, member_of):
        store.register_chat(chat["id"], type="supergroup", title=chat["title"], now=0)
    store.update_chat(member_of["id"], timezone="Europe/Berlin")
    store.close()
    before = (tmp_path / "commons.db").read_bytes()

    code, lines = await run_check(
        tmp_path, TELEGRAM_BOT_TOKEN=box.token, TELEGRAM_BASE_URL=box.base_url
    )
    assert code == 1
    assert "ok      token: valid, the bot is @commons_bot" in "\n".join(lines)
    assert f"ok      chat {admin_of['id']} (Admins here): the bot is an admin" in "\n".join(lines)
    action = [line for line in lines if line.startswith("ACTION")]
    assert action == [
        f"ACTION  chat {member_of['id']} (Members only): not an admin and privacy mode is on, "
        "so replies to replies are missed; make the bot an admin (no rights needed) or turn "
        "privacy off in @BotFather"
    ]
    assert any(
        "(Members only): next passage" in line and "Europe/Berlin" in line for line in lines
    )
    assert "archive" in "\n".join(lines) and "integrity_check ok" in "\n".join(lines)
    assert box.token not in "\n".join(lines)
    assert (tmp_path / "commons.db").read_bytes() == before


async def test_check_with_a_refused_token_says_so_and_exits_1(sandbox, tmp_path):
    box = await sandbox()
    code, lines = await run_check(
        tmp_path, TELEGRAM_BOT_TOKEN="42:" + "X" * 35, TELEGRAM_BASE_URL=box.base_url
    )
    assert code == 1
    assert "ACTION  token: refused by Telegram (401); copy it again from @BotFather" in lines
    assert not (tmp_path / "commons.db").exists()


def test_health_answers_from_the_sweeps_heartbeat(tmp_path) -> None:
    db = tmp_path / "commons.db"
    beat = tmp_path / "commons.db.heartbeat"
    runner = CliRunner()
    missing = runner.invoke(cli, ["health", "--db", str(db)])
    beat.touch()
    fresh = runner.invoke(cli, ["health", "--db", str(db)])
    os.utime(beat, (beat.stat().st_atime - 600, beat.stat().st_mtime - 600))
    stale = runner.invoke(cli, ["health", "--db", str(db), "--max-age", "180"])
    assert (missing.exit_code, fresh.exit_code, stale.exit_code) == (1, 0, 1)
    assert "no heartbeat" in missing.output and "is the bot running?" in missing.output
    assert fresh.output.startswith("ok: heartbeat")
    assert "heartbeat is 600 s old (limit 180 s)" in stale.output
