"""``bench/run.py --quick`` as CI runs it: every figure printed, as JSON and in the table."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parent.parent
FIGURES = [
    "ingest_vs_bare_ptb",
    "loop_hold_excess_ms",
    "fanout_efficiency",
    "digest_vs_read",
    "digest_scaling",
    "digest_blocks_store",
    "search_freshness_s",
    "store_p99_under_load_ms",
    "flood_isolation",
    "memory_10k_chats",
    "startup_10k_chats",
    "restart_day",
]
KEYS = {"name", "value", "unit", "goal", "ok"}


@pytest.mark.timeout(300)
def test_the_quick_run_prints_every_figure_as_json_then_a_table() -> None:
    environ = {k: v for k, v in os.environ.items() if not k.startswith(("TELEGRAM_", "COMMONS_"))}
    done = subprocess.run(
        [sys.executable, "bench/run.py", "--quick"],
        cwd=ROOT,
        env=environ | {"PYTHONPATH": str(ROOT)},
        capture_output=True,
        text=True,
        timeout=280,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    lines = done.stdout.splitlines()
    figures = [json.loads(line) for line in lines if line.startswith("{")]
    assert [f["name"] for f in figures] == FIGURES
    assert all(f.keys() >= KEYS for f in figures), figures
    measured = [f for f in figures if f["ok"] is not None]
    assert all(isinstance(f["value"], (int, float)) for f in measured), measured
    table = [line for line in lines if line.startswith("| `")]
    assert [line.split("`")[1] for line in table] == FIGURES
