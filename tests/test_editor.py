"""`solidarity-widget strike …` round-trips a commented strikes file."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from click.testing import CliRunner

from widget.cli import main
from widget.config import Config
from widget.store import Store
from widget.strikes import parse_file


def run(config_dir: Path, *args: str) -> tuple[int, str]:
    result = CliRunner().invoke(main, ["--config", str(config_dir / "widget.toml"),
                                       "strike", *args])
    return result.exit_code, result.output


def comments(text: str) -> list[str]:
    return [line for line in text.splitlines() if "#" in line]


def test_confirm_end_and_remove_keep_every_comment(demo_dir: Path,
                                                   demo_config: Config) -> None:
    path = demo_dir / "strikes.toml"
    original = path.read_text()
    code, out = run(demo_dir, "confirm", "zehra-kurtay", "--date", "2025-08-01")
    assert code == 0, out
    assert "-last_confirmed = 2025-07-13\n+last_confirmed = 2025-08-01" in out
    assert "published: 3 strikes, 1 removed" in out
    code, out = run(demo_dir, "end", "zehra-kurtay", "--outcome", "victory",
                    "--date", "2025-08-02")
    assert code == 0, out
    code, out = run(demo_dir, "remove", "s-r-y-type-prisons", "--date", "2025-08-03")
    assert code == 0, out
    text = path.read_text()
    # Comments of the tables that remain are all still there, in order.
    kept = [c for c in comments(original) if "campaign's first day" not in c]
    assert comments(text) == kept
    parsed = parse_file(text)
    zehra = next(s for s in parsed.strikes if s.slug == "zehra-kurtay")
    assert (zehra.status.value, zehra.outcome and zehra.outcome.value) == ("ended", "victory")
    assert zehra.end_date == dt.date(2025, 8, 2)
    assert parsed.removed["s-r-y-type-prisons"] == dt.date(2025, 8, 3)
    assert "Fikret Akar" not in text  # a tombstone keeps nothing about the people
    # Published: the store has what the file says.
    with Store(demo_config.database) as store:
        assert store.removed()["s-r-y-type-prisons"] == dt.date(2025, 8, 3)
        assert [s.slug for s in store.read_all()[2]] == ["zehra-kurtay", "ali-hasan-akgul"]


def test_add_places_the_strike_after_the_others(demo_dir: Path) -> None:
    code, out = run(demo_dir, "add", "new-strike", "--name", "Ayşe Yılmaz", "--country", "tr",
                    "--place", "Silivri", "--timezone", "Europe/Istanbul", "--start-date",
                    "2025-08-01", "--kind", "death-fast", "--demand", "An end to isolation",
                    "--demand", "Family visits", "--confirmed", "2025-08-05")
    assert code == 0, out
    text = (demo_dir / "strikes.toml").read_text()
    parsed = parse_file(text)
    assert [s.slug for s in parsed.strikes][-1] == "new-strike"
    new = parsed.strikes[-1]
    assert new.country == "TR" and new.demands == ("An end to isolation", "Family visits")
    assert new.status.value == "active"
    # The tombstone section (and its comment) stays last.
    assert text.index("[strike.new-strike]") < text.index("# A strike the editor took off")


def test_update_and_unset(demo_dir: Path) -> None:
    code, out = run(demo_dir, "update", "zehra-kurtay", "--place", "Saint-Denis",
                    "--day-offset", "2", "--unset", "summary")
    assert code == 0, out
    strike = parse_file((demo_dir / "strikes.toml").read_text()).strikes[0]
    assert strike.place == "Saint-Denis" and strike.day_offset == 2 and strike.summary == ""


@pytest.mark.parametrize("args, message", [
    (["add", "x", "--name", "X", "--country", "XX", "--place", "P", "--timezone",
      "Europe/Paris", "--start-date", "2025-01-01", "--kind", "indefinite"],
     'strike "x": country: \'XX\' is not an ISO 3166-1'),
    (["end", "zehra-kurtay", "--outcome", "released", "--date", "2024-01-01"],
     'strike "zehra-kurtay": end_date: 2024-01-01 is before start_date 2025-03-03'),
    (["update", "zehra-kurtay", "--timezone", "Paris"],
     'strike "zehra-kurtay": timezone: \'Paris\' is not an IANA timezone'),
])
def test_an_invalid_edit_writes_nothing(demo_dir: Path, args: list[str], message: str) -> None:
    path = demo_dir / "strikes.toml"
    before = path.read_bytes()
    code, out = run(demo_dir, *args)
    assert code == 1
    assert message in out and "nothing was written" in out
    assert path.read_bytes() == before
    assert not list(demo_dir.glob(".strikes.toml.*"))  # no temporary file left behind


@pytest.mark.parametrize("args, message", [
    (["confirm", "nobody"], 'no strike "nobody" in the file'),
    (["remove", "nobody", "--date", "2025-01-01"], 'no strike "nobody" in the file'),
    (["add", "zehra-kurtay", "--name", "Z", "--country", "FR", "--place", "P", "--timezone",
      "Europe/Paris", "--start-date", "2025-01-01", "--kind", "indefinite"],
     'strike "zehra-kurtay" is already in the file'),
    (["add", "y", "--name", "Y"], "missing: --country, --place, --timezone"),
])
def test_impossible_edits_are_refused(demo_dir: Path, args: list[str], message: str) -> None:
    before = (demo_dir / "strikes.toml").read_bytes()
    code, out = run(demo_dir, *args)
    assert code != 0 and message in out
    assert (demo_dir / "strikes.toml").read_bytes() == before


def test_dry_run_shows_the_change_and_writes_nothing(demo_dir: Path) -> None:
    before = (demo_dir / "strikes.toml").read_bytes()
    code, out = run(demo_dir, "confirm", "zehra-kurtay", "--date", "2025-09-09", "--dry-run")
    assert code == 0 and "+last_confirmed = 2025-09-09" in out and "dry run" in out
    assert (demo_dir / "strikes.toml").read_bytes() == before
