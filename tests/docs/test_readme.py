"""The README says exactly what the code does: its command table against `infercast --help`, its
example-query table against warehouse/queries/. Parsed from both sides, so a command, option or
query added later is checked too."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import typer
from typer.testing import CliRunner

from flows.cli import app

ROOT = Path(__file__).resolve().parents[2]
README = (ROOT / "README.md").read_text(encoding="utf-8")
QUERIES_DIR = ROOT / "warehouse" / "queries"


def _section(title: str) -> str:
    match = re.search(rf"^## {re.escape(title)}\n(.*?)(?=^## )", README, flags=re.MULTILINE | re.DOTALL)
    assert match, f"README has no section {title!r}"
    return match.group(1)


def _table_first_cells(text: str) -> list[str]:
    """First cell of every row of the markdown tables in `text` (header and rule rows skipped)."""
    cells = []
    for line in text.splitlines():
        if line.startswith("|") and not re.match(r"^\|[-| ]+\|$", line):
            cells.append(re.split(r"(?<!\\)\|", line)[1].strip())
    return cells[1:] if cells else cells


def _readme_commands() -> dict[str, str]:
    """README command table: command name -> the usage cell."""
    rows = {}
    for cell in _table_first_cells(_section("Command line")):
        match = re.match(r"`infercast ([a-z][a-z-]*)", cell)
        if match:
            rows[match.group(1)] = cell
    return rows


def _cli() -> Any:
    """The click group typer builds (the object whose commands `--help` lists)."""
    return typer.main.get_command(app)


def _help_commands() -> set[str]:
    """Command names as `infercast --help` prints them."""
    output = CliRunner(env={"COLUMNS": "200"}).invoke(app, ["--help"]).output
    listed = output.split("Commands", 1)[1]
    return {match.group(1) for match in re.finditer(r"^[│|]?\s+([a-z][a-z-]*)\s{2,}\S", listed, flags=re.MULTILINE)}


def test_readme_lists_exactly_the_commands_of_infercast_help():
    assert _help_commands() == set(_cli().commands)  # the parse of --help finds every command
    assert set(_readme_commands()) == _help_commands()


def test_every_option_in_the_readme_command_table_exists():
    commands = _cli().commands
    for name, usage in _readme_commands().items():
        known = {opt for param in commands[name].params for opt in getattr(param, "opts", [])}
        written = set(re.findall(r"(?<![\w-])(--[a-z][a-z-]*|-[a-z])\b", usage))
        assert written <= known, f"{name}: README names {sorted(written - known)}, not options of the command"


def test_every_command_takes_home_before_or_after_it():
    # "Every command takes --home DIR": as a command option, and as a global option before it.
    assert "--home" in {opt for param in _cli().params for opt in getattr(param, "opts", [])}
    for name, command in _cli().commands.items():
        assert "--home" in {opt for param in command.params for opt in getattr(param, "opts", [])}, name


def _readme_queries() -> dict[str, str]:
    rows = {}
    for line in _section("Analyst SQL").splitlines():
        match = re.match(r"^\| `([a-z0-9_]+\.sql)` \| (.*) \|$", line)
        if match:
            rows[match.group(1)] = match.group(2)
    return rows


def test_readme_query_table_matches_the_query_files_and_their_questions():
    files = {path.name: path for path in QUERIES_DIR.glob("*.sql")}
    listed = _readme_queries()
    assert set(listed) == set(files)
    for name, question in listed.items():
        first_line = files[name].read_text(encoding="utf-8").splitlines()[0]
        assert first_line == f"-- {question}", name
