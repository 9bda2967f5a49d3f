"""The docs must say what the code does: pinned loader URL, its SRI hash, every option,
every command, every field of the strikes file, what `make run` installs."""

from __future__ import annotations

import os
import re
import shutil
import subprocess

import pytest
from click.testing import CliRunner

from tests.conftest import ROOT
from widget import gunicorn_conf
from widget.assets import default_assets
from widget.cli import main
from widget.cli_strike import strike
from widget.render.options import OPTIONS
from widget.strikes import FIELDS, REMOVED_FIELDS, REQUIRED

README = (ROOT / "README.md").read_text(encoding="utf-8")
CONFIGURATION = (ROOT / "docs" / "configuration.md").read_text(encoding="utf-8")


def section(text: str, heading: str) -> str:
    """From the line `heading` to the next heading of its level or a higher one."""
    assert f"\n{heading}\n" in text, f"no heading {heading!r}"
    level = len(heading.split(" ", 1)[0])
    after = text.split(f"\n{heading}\n", 1)[1]
    end = re.search(rf"^#{{1,{level}}} ", after, re.MULTILINE)
    return after[:end.start()] if end else after


def table_rows(text: str) -> dict[str, bool]:
    """A field table's rows: the field in the first column, whether it is required."""
    rows = re.findall(r"^\| `([^`]+)` \| (yes|) \|", text, re.MULTILINE)
    return {name: required == "yes" for name, required in rows}


def test_readme_starts_with_the_two_setup_commands() -> None:
    first_block = README.split("```", 2)[1]
    commands = [line.split("#")[0].strip() for line in first_block.splitlines()[1:] if line]
    assert commands[:2] == ["make run", "make test"]


def test_readme_publishes_the_current_loader_and_its_integrity_hash() -> None:
    loader = default_assets()["widget.js"]
    assert f"{loader.url}\"" in README, "run `solidarity-widget assets` and update the README"
    assert f'integrity="{loader.sri}"' in README
    assert f"The loader is {len(loader.body):,} bytes, {len(loader.gzipped):,} bytes gzipped" \
        in README


def test_readme_documents_every_embed_option() -> None:
    for option in OPTIONS:
        assert f"| `{option.name}` |" in README, option.name
        assert option.help in README, option.name


def test_readme_lists_every_command() -> None:
    commands = section(README, "## Commands")
    listed = re.findall(r"^\| `solidarity-widget (?:--config FILE )?([a-z-]+)", commands,
                        re.MULTILINE)
    assert sorted(listed) == sorted(n for n, c in main.commands.items() if not c.hidden)
    row = next(line for line in commands.splitlines() if "FILE strike " in line)
    assert [a for a in strike.commands if f"`{a}`" not in row] == []


def test_serve_help_says_how_many_workers_gunicorn_starts() -> None:
    result = CliRunner().invoke(main, ["serve", "--help"])
    assert result.exit_code == 0, result.output
    assert f"(default: {gunicorn_conf.workers}, " in " ".join(result.output.split())


def test_docs_describe_every_field_of_the_strikes_file() -> None:
    strikes = section(CONFIGURATION, "## The strikes file").split("\n### ", 1)[0]
    assert table_rows(strikes) == {name: name in REQUIRED for name in FIELDS}
    removed = section(CONFIGURATION, "### Removed strikes")
    assert table_rows(removed) == {name: name == "removed_on" for name in REMOVED_FIELDS}


@pytest.mark.skipif(shutil.which("make") is None, reason="make is not installed")
@pytest.mark.parametrize("target, test_extras", [
    ("run", False), ("sync", False), ("check", False),
    ("test", True), ("lint", True), ("bench", True), ("screenshots", True),
])
def test_only_the_targets_that_need_them_install_the_test_extras(
        target: str, test_extras: bool) -> None:
    # -n prints the commands without running them; -W as if pyproject.toml had changed,
    # so every install step is printed. Not the MAKEFLAGS of a `make test` around us.
    env = {k: v for k, v in os.environ.items() if k not in ("MAKEFLAGS", "MFLAGS", "MAKELEVEL")}
    done = subprocess.run(["make", "-n", "-W", "pyproject.toml", target], cwd=ROOT, env=env,
                          capture_output=True, text=True, check=True)
    installs = [line.split("pip install --quiet ", 1)[1] for line in done.stdout.splitlines()
                if "pip install --quiet -e" in line]
    assert installs == (["-e .", "-e '.[test]'"] if test_extras else ["-e ."])
