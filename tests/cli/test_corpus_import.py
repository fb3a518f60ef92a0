"""``python -m bot corpus import``: the file written, the summary printed, errors as file:line."""

from __future__ import annotations

from click.testing import CliRunner

from bot.cli.main import cli
from bot.i18n import translator
from tests.core.importers.support import (
    FIXTURES,
    write,
)

EN = translator("en")


# The command line


def test_corpus_import_writes_the_file_and_prints_the_summary(tmp_path):
    out = tmp_path / "corpus.md"
    source = str(FIXTURES / "kindle-it.txt")
    result = CliRunner().invoke(cli, ["corpus", "import", source, "--out", str(out)])
    check = CliRunner().invoke(cli, ["corpus", "check", str(out)])
    assert (result.exit_code, result.output) == (
        0,
        "kindle-it.txt: 2 imported; 3 skipped (bookmark: 1, earlier version of an edited "
        "highlight: 1, without a note: 1)\n",
    )
    assert (check.exit_code, check.output) == (0, f"{out}: 2 entries in 1 chapters, OK\n")


def test_corpus_import_prints_to_stdout_and_reports_errors_as_file_line(tmp_path):
    printed = CliRunner().invoke(
        cli, ["corpus", "import", str(FIXTURES / "readwise.csv"), "--book", "communs"]
    )
    assert printed.stdout.startswith("# Communs\n\nsource: readwise.csv\n\n## communs-d76e7bfe\n")
    bad = write(tmp_path, "bad.json", "[1,\n2,,]")
    failed = CliRunner().invoke(cli, ["corpus", "import", str(bad)])
    assert (failed.exit_code, failed.stderr) == (1, f"{bad}:2: not valid JSON: Expecting value\n")
    nothing = CliRunner().invoke(cli, ["corpus", "import", str(write(tmp_path, "e.md", "# x\n"))])
    assert (nothing.exit_code, "nothing to import" in nothing.stderr) == (1, True)
