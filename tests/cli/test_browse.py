"""python -m bot browse: Datasette's metadata names what is really in the archive, its canned
queries run, and the words of a member who opted out are hidden from browsing."""

from __future__ import annotations

import importlib.util
import json
import sqlite3
from pathlib import Path

import pytest
from click.testing import CliRunner

from bot.archive.reading import add_visible_views
from bot.cli import cli
from bot.cli.browse import CLOSED, DESCRIBED, QUERIES, browse_metadata, register_plugin
from tests.site.conftest import BO, CHAT, CY, MONDAY, filled_archive_file

HAS_DATASETTE = importlib.util.find_spec("datasette") is not None


@pytest.fixture
def archive(tmp_path: Path) -> Path:
    return filled_archive_file(tmp_path / "commons.db")


def browsing(path: Path) -> sqlite3.Connection:
    """Return a read-only connection with the views browsing adds, as Datasette has them."""
    connection = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    add_visible_views(connection)
    return connection


def columns(path: Path, table: str) -> set[str]:
    with browsing(path) as connection:
        return {row[1] for row in connection.execute(f"PRAGMA table_info({table})")}


def test_the_metadata_names_only_tables_and_columns_the_archive_has(archive: Path) -> None:
    for table, (_, described) in DESCRIBED.items():
        assert set(described) <= columns(archive, table), table
    for table in CLOSED:
        assert columns(archive, table), table


def test_the_views_leave_the_words_of_people_who_opted_out_empty(archive: Path) -> None:
    with browsing(archive) as connection:
        said = dict(
            connection.execute(
                "SELECT user_id, group_concat(text) FROM visible_messages GROUP BY user_id"
            ).fetchall()
        )
    assert said[CY] == "" and "Caretakers are free people too." in said[BO]


@pytest.mark.parametrize("name", sorted(QUERIES))
def test_each_canned_query_runs(archive: Path, name: str) -> None:
    params = {"chat_id": CHAT, "local_date": MONDAY, "user_id": BO, "first_day": MONDAY}
    with browsing(archive) as connection:
        rows = connection.execute(QUERIES[name]["sql"], params).fetchall()
    assert rows, name
    assert not any("wombats" in str(row) for row in rows)


def test_the_metadata_can_be_written_for_datasette_by_hand(archive: Path, tmp_path: Path) -> None:
    out = tmp_path / "metadata.json"
    result = CliRunner().invoke(cli, ["browse", "--db", str(archive), "--metadata", str(out)])
    assert result.exit_code == 0, result.output
    assert json.loads(out.read_text(encoding="utf-8")) == browse_metadata("commons")


@pytest.mark.skipif(
    not HAS_DATASETTE, reason='Datasette is not installed (pip install ".[browse]")'
)
async def test_datasette_runs_a_canned_query_and_refuses_the_raw_tables(archive: Path) -> None:
    from datasette.app import Datasette

    register_plugin("commons")
    before = archive.read_bytes()
    datasette = Datasette([str(archive)], metadata=browse_metadata("commons"))
    await datasette.invoke_startup()
    day = await datasette.client.get(
        f"/commons/day_threads.json?chat_id={CHAT}&local_date={MONDAY}&_shape=array"
    )
    raw = await datasette.client.get("/commons/messages.json")
    sql = await datasette.client.get("/commons.json?sql=select+text+from+messages")
    assert (day.status_code, raw.status_code, sql.status_code) == (200, 403, 403)
    texts = [row["text"] for row in day.json()]
    assert "Commons need caretakers." in texts and "" in texts  # Cy's, hidden
    assert not any("wombats" in text for text in texts)
    assert archive.read_bytes() == before  # browsing wrote nothing


def test_browsing_leaves_the_archive_as_the_bot_keeps_it(archive: Path) -> None:
    with sqlite3.connect(archive) as connection:
        views = connection.execute("SELECT name FROM sqlite_master WHERE type = 'view'")
        assert "visible_messages" not in {name for (name,) in views}
