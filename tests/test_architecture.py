"""The layout is the architecture: each package imports only the layers below it.

core <- words, i18n <- compose, archive <- planning, site <- handlers <- demo <- cli: the
archive stores and never renders (it imports neither compose nor i18n; planning joins the two
for the digests, site for the published archive); the sandbox and the web chat stand apart.
Every module of bot/ belongs to one of these packages. Only handlers/, sandbox/ and webchat/
speak Telegram, nothing imports inside a function (except the command line, to keep ``--help``
fast), and there is no cycle.
"""

from __future__ import annotations

import ast
import sys
from graphlib import CycleError, TopologicalSorter
from pathlib import Path

import pytest

BOT = Path(__file__).resolve().parent.parent / "bot"
MODULES = sorted(BOT.rglob("*.py"))
STDLIB = sys.stdlib_module_names

# package -> the parts of bot/ and the third-party packages it may import
ALLOWED: dict[str, tuple[set[str], set[str]]] = {
    "core": ({"core"}, set()),
    "words": ({"core", "words"}, {"Stemmer", "stop_words", "wordfreq"}),
    "i18n": ({"core", "i18n"}, {"babel"}),
    "compose": ({"core", "words", "i18n", "compose"}, set()),
    "archive": ({"core", "words", "archive"}, {"sqlite_utils"}),
    "planning": ({"core", "words", "i18n", "compose", "archive", "planning"}, set()),
    # The published archive: HTML pages, an Atom feed, an iCalendar file of coming passages.
    "site": ({"core", "words", "i18n", "compose", "archive", "site"}, {"icalendar"}),
    "handlers": (
        {"core", "words", "i18n", "compose", "archive", "planning", "site", "handlers"},
        {"telegram", "aiohttp"},  # aiohttp: the webhook's listener
    ),
    "demo": (
        {"core", "words", "i18n", "compose", "archive", "planning", "site", "handlers"}
        | {"sandbox", "demo"},
        set(),
    ),
    "cli": (
        {"core", "words", "i18n", "compose", "archive", "planning", "site", "handlers", "demo"}
        | {"sandbox", "webchat", "cli"},
        {"click", "datasette"},  # datasette: python -m bot browse, an optional extra
    ),
    "sandbox": ({"sandbox"}, {"aiohttp", "multidict"}),
    "webchat": ({"sandbox", "webchat"}, {"aiohttp"}),
}
TELEGRAM_SPEAKERS = {"handlers", "sandbox", "webchat"}


def module_name(path: Path) -> str:
    parts = path.relative_to(BOT.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def part_of(name: str) -> str:
    """Return the package of bot a dotted name belongs to (``python -m bot`` is the CLI's)."""
    if name == "bot.__main__":
        return "cli"
    return name.split(".")[1] if name.startswith("bot.") else name


def imports_of(path: Path) -> list[tuple[str, bool]]:
    """Return (imported module, inside a function?) for every import in the file."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found: list[tuple[str, bool]] = []

    def visit(node: ast.AST, in_function: bool) -> None:
        for child in ast.iter_child_nodes(node):
            inner = in_function or isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef)
            if isinstance(child, ast.Import):
                found.extend((alias.name, in_function) for alias in child.names)
            elif isinstance(child, ast.ImportFrom) and child.module and child.level == 0:
                found.extend(_from_import(child, in_function))
            visit(child, inner)

    visit(tree, False)
    return found


def _from_import(node: ast.ImportFrom, in_function: bool) -> list[tuple[str, bool]]:
    # "from bot.core import schedule" imports the submodule bot.core.schedule.
    assert node.module is not None
    names = []
    for alias in node.names:
        candidate = f"{node.module}.{alias.name}"
        is_module = candidate.startswith("bot.") and _exists(candidate)
        names.append((candidate if is_module else node.module, in_function))
    return names


def _exists(dotted: str) -> bool:
    path = BOT.parent.joinpath(*dotted.split("."))
    return path.with_suffix(".py").is_file() or (path / "__init__.py").is_file()


def bot_parts(path: Path) -> set[str]:
    return {part_of(name) for name, _ in imports_of(path) if name.startswith("bot.")}


def third_party(path: Path) -> set[str]:
    tops = {name.split(".")[0] for name, _ in imports_of(path)}
    return {top for top in tops if top not in STDLIB and top not in {"bot", "__future__"}}


# bot/__init__.py only names the project; every other module lives in a package.
PACKAGED = [p for p in MODULES if module_name(p) != "bot"]


@pytest.mark.parametrize("path", PACKAGED, ids=lambda p: module_name(p))
def test_every_module_belongs_to_a_package_of_the_architecture(path: Path) -> None:
    assert part_of(module_name(path)) in ALLOWED


@pytest.mark.parametrize("path", PACKAGED, ids=lambda p: module_name(p))
def test_each_module_imports_only_the_layers_below_it(path: Path) -> None:
    parts, packages = ALLOWED[part_of(module_name(path))]
    assert (bot_parts(path) - parts, third_party(path) - packages) == (set(), set())


@pytest.mark.parametrize("path", MODULES, ids=lambda p: module_name(p))
def test_only_the_shell_the_sandbox_and_the_web_chat_import_telegram(path: Path) -> None:
    speaks = any(name.split(".")[0] == "telegram" for name, _ in imports_of(path))
    assert not speaks or part_of(module_name(path)) in TELEGRAM_SPEAKERS


@pytest.mark.parametrize("path", MODULES, ids=lambda p: module_name(p))
def test_nothing_imports_inside_a_function_but_the_command_line(path: Path) -> None:
    inside = [name for name, in_function in imports_of(path) if in_function]
    assert inside == [] or part_of(module_name(path)) == "cli"


def test_there_is_no_import_cycle_function_level_imports_included() -> None:
    graph = {
        module_name(path): {name for name, _ in imports_of(path) if name.startswith("bot.")}
        for path in MODULES
    }
    try:
        order = list(TopologicalSorter(graph).static_order())
    except CycleError as error:
        pytest.fail(f"import cycle: {' -> '.join(error.args[1])}")
    assert set(graph) <= set(order)


def test_every_layer_has_its_package() -> None:
    packages = {p.parent.name for p in BOT.glob("*/__init__.py")}
    assert set(ALLOWED) == packages
