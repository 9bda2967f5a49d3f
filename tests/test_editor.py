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
     'strike "zehra-kurtay": timezone: \'Paris\' is not a canonical IANA timezone'),
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


# --- Tables found by the parser's reading ------------------------------------------------

ZEHRA = '[strike.zehra-kurtay]'


def edit_demo(demo_dir: Path, old: str, new: str) -> Path:
    path = demo_dir / "strikes.toml"
    text = path.read_text()
    assert old in text
    path.write_text(text.replace(old, new, 1))
    return path


def test_remove_finds_a_table_with_a_literal_string_key(demo_dir: Path) -> None:
    path = edit_demo(demo_dir, ZEHRA, "[strike.'zehra-kurtay']")
    code, out = run(demo_dir, "remove", "zehra-kurtay", "--date", "2025-08-03", "--no-publish")
    assert code == 0, out
    parsed = parse_file(path.read_text())
    assert "zehra-kurtay" not in [s.slug for s in parsed.strikes]
    assert parsed.removed["zehra-kurtay"] == dt.date(2025, 8, 3)
    assert "Zehra Kurtay" not in path.read_text()


def test_remove_finds_a_table_with_an_escaped_key(demo_dir: Path) -> None:
    path = edit_demo(demo_dir, ZEHRA, '[strike."zehra\\u002dkurtay"]')
    code, out = run(demo_dir, "remove", "zehra-kurtay", "--date", "2025-08-03", "--no-publish")
    assert code == 0, out
    assert "Zehra Kurtay" not in path.read_text()


HEADER_IN_SUMMARY = '''summary = """Demands:
[1] an end to isolation


[strike.ali-hasan-akgul]
# not a comment

"""'''


def put_header_in_summary(demo_dir: Path) -> Path:
    path = demo_dir / "strikes.toml"
    text = path.read_text()
    start = text.index('summary = """Political refugee')
    end = text.index('"""', start + 13) + 3
    path.write_text(text[:start] + HEADER_IN_SUMMARY + text[end:])
    return path


def test_remove_a_strike_whose_summary_holds_lines_like_headers(demo_dir: Path) -> None:
    path = put_header_in_summary(demo_dir)
    code, out = run(demo_dir, "remove", "zehra-kurtay", "--date", "2025-08-03", "--no-publish")
    assert code == 0, out
    after = path.read_text()
    parsed = parse_file(after)
    assert [s.slug for s in parsed.strikes] == ["ali-hasan-akgul", "s-r-y-type-prisons"]
    assert "an end to isolation" not in after and "Zehra" not in after
    assert after.count("[strike.ali-hasan-akgul]") == 1


@pytest.mark.parametrize("args", [
    ["remove", "s-r-y-type-prisons", "--date", "2025-08-03"],
    ["remove", "ali-hasan-akgul", "--date", "2025-08-03"],
    ["add", "new-strike", "--name", "N", "--country", "FR", "--place", "P", "--timezone",
     "Europe/Paris", "--start-date", "2025-08-01", "--kind", "indefinite"],
    ["update", "zehra-kurtay", "--place", "Saint-Denis"],
])
def test_text_that_looks_like_a_table_inside_a_summary_is_left_alone(
        demo_dir: Path, args: list[str]) -> None:
    path = put_header_in_summary(demo_dir)
    code, out = run(demo_dir, *args, "--no-publish")
    assert code == 0, out
    after = path.read_text()
    assert HEADER_IN_SUMMARY in after  # blank lines and all, byte for byte
    zehra = next(s for s in parse_file(after).strikes if s.slug == "zehra-kurtay")
    assert zehra.summary.startswith("Demands:\n[1] an end to isolation\n\n\n[strike.ali")


def test_a_comment_closing_a_string_above_a_header_stays_with_the_string(
        demo_dir: Path) -> None:
    # The line right above [strike.ali-hasan-akgul] starts with "#" but ends a string.
    path = edit_demo(demo_dir, 'last_confirmed = 2025-07-13\n\n[strike.ali-hasan-akgul]',
                     'last_confirmed = 2025-07-13\nsummary = """x\n# still the summary"""\n'
                     '[strike.ali-hasan-akgul]')
    path.write_text(path.read_text().replace(
        'summary = """Political refugee in France, Zehra Kurtay is on indefinite hunger strike \\\n'
        'against her expulsion and for her right to residence, in a resistance tent in '
        'Saint-Denis."""\n', ""))
    code, out = run(demo_dir, "remove", "ali-hasan-akgul", "--date", "2025-08-03",
                    "--no-publish")
    assert code == 0, out
    zehra = parse_file(path.read_text()).strikes[0]
    assert zehra.summary == "x\n# still the summary"


@pytest.mark.parametrize("args", [
    ["confirm", "zehra-kurtay", "--date", "2025-08-01"],
    ["update", "zehra-kurtay", "--place", "Saint-Denis", "--participants", "2"],
    ["end", "zehra-kurtay", "--outcome", "victory", "--date", "2025-08-02"],
    ["remove", "ali-hasan-akgul", "--date", "2025-08-03"],
    ["add", "new-strike", "--name", "N", "--country", "FR", "--place", "P", "--timezone",
     "Europe/Paris", "--start-date", "2025-08-01", "--kind", "indefinite"],
])
def test_a_crlf_file_stays_crlf(demo_dir: Path, args: list[str]) -> None:
    path = demo_dir / "strikes.toml"
    path.write_bytes(path.read_bytes().replace(b"\n", b"\r\n"))
    code, out = run(demo_dir, *args, "--no-publish")
    assert code == 0, out
    data = path.read_bytes()
    assert data.count(b"\n") == data.count(b"\r\n") > 50
    assert data != path.read_bytes().replace(b"\r\n", b"\n")


def test_an_lf_file_stays_lf(demo_dir: Path) -> None:
    path = demo_dir / "strikes.toml"
    code, out = run(demo_dir, "update", "zehra-kurtay", "--participants", "2", "--no-publish")
    assert code == 0, out
    assert b"\r" not in path.read_bytes()


# --- Hostile or mistaken input: one line, non-zero, nothing written ----------------------

@pytest.mark.parametrize("args, message", [
    (["update", "zehra-kurtay", "--unset", "bogus"], 'unknown field: "bogus"'),
    (["update", "zehra-kurtay", "--place", "X", "--unset", "summary", "--unset", "b\nogus"],
     'unknown field: "b\\nogus"'),
    (["add", "abc\n", "--name", "A", "--country", "FR", "--place", "P", "--timezone",
      "Europe/Paris", "--start-date", "2025-08-01", "--kind", "indefinite"],
     '"abc\\n": slug must be lowercase letters'),
    (["add", "Abc", "--name", "A", "--country", "FR", "--place", "P", "--timezone",
      "Europe/Paris", "--start-date", "2025-08-01", "--kind", "indefinite"],
     '"Abc": slug must be lowercase letters'),
    (["add", "abc", "--name", "A", "--country", "FR", "--place", "P", "--timezone",
      "Europe/Paris", "--start-date", "2025-08-01", "--kind", "indefinite",
      "--source", "http://[::1"],
     "strikes.toml:74: strike \"abc\": sources: 'http://[::1' is not a valid link: "
     "Invalid IPv6 URL"),
    (["update", "zehra-kurtay", "--related", "https://x.example:99999/"],
     "strike \"zehra-kurtay\": related_posts: 'https://x.example:99999/' is not a valid link"),
    (["confirm", "no\nbody", "--date", "2025-01-01"], 'no strike "no\\nbody" in the file'),
    (["confirm", "no\nbody"], 'no strike "no\\nbody" in the file'),
])
def test_mistakes_are_one_line_and_write_nothing(demo_dir: Path, args: list[str],
                                                 message: str) -> None:
    before = (demo_dir / "strikes.toml").read_bytes()
    result = CliRunner().invoke(main, ["--config", str(demo_dir / "widget.toml"),
                                       "strike", *args])
    assert result.exit_code == 1 and isinstance(result.exception, SystemExit), result.output
    assert message in result.output
    assert "Traceback" not in result.output
    errors = [line for line in result.output.splitlines() if "rror" in line]
    assert errors and all(message in line or "nothing was written" in line
                          for line in errors), result.output
    assert (demo_dir / "strikes.toml").read_bytes() == before


@pytest.mark.parametrize("args", [
    ["confirm", "zehra-kurtay"],
    ["end", "zehra-kurtay", "--outcome", "victory"],
    ["suspend", "zehra-kurtay"],
    ["remove", "zehra-kurtay"],
    ["confirm", "zehra-kurtay", "--date", "2025-08-01"],
    ["update", "zehra-kurtay", "--place", "Saint-Denis"],
])
def test_an_invalid_file_is_reported_line_by_line(demo_dir: Path, args: list[str]) -> None:
    path = edit_demo(demo_dir, 'timezone = "Europe/Paris"', 'timezone = "Paris"')
    path.write_text(path.read_text().replace('country = "TR"', 'country = "XX"', 1))
    before = path.read_bytes()
    code, out = run(demo_dir, *args)
    assert code == 1, out
    lines = out.splitlines()
    assert lines[0] == (f'error: {path}:14: strike "zehra-kurtay": timezone: \'Paris\' '
                        "is not a canonical IANA timezone that browsers know "
                        "(Europe/Paris, Asia/Kolkata, …)")
    assert lines[1].startswith(f'error: {path}:30: strike "ali-hasan-akgul": country: ')
    assert lines[2].startswith("error: ") and lines[2].endswith("nothing was written")
    assert len(lines) == 3 and "Traceback" not in out
    assert path.read_bytes() == before


def test_a_file_that_is_not_toml_is_reported_with_its_line(demo_dir: Path) -> None:
    path = edit_demo(demo_dir, 'place = "High-security prison"', 'place = "High-security')
    code, out = run(demo_dir, "update", "zehra-kurtay", "--place", "X", "--no-publish")
    assert code == 1
    assert out.splitlines()[0].startswith(f"error: {path}:31: not valid TOML")


def test_add_creates_a_missing_file(demo_dir: Path) -> None:
    path = demo_dir / "strikes.toml"
    path.unlink()
    code, out = run(demo_dir, "add", "new-strike", "--name", "N", "--country", "FR",
                    "--place", "P", "--timezone", "Europe/Paris", "--start-date", "2025-08-01",
                    "--kind", "indefinite", "--no-publish")
    assert code == 0, out
    assert [s.slug for s in parse_file(path.read_text()).strikes] == ["new-strike"]
    assert path.read_text().startswith("[strike.new-strike]\nname = \"N\"\n")
    assert path.stat().st_mode & 0o044 == 0o044 or path.stat().st_mode & 0o004 == 0


@pytest.mark.parametrize("args", [
    ["confirm", "zehra-kurtay"],
    ["confirm", "zehra-kurtay", "--date", "2025-08-01"],
    ["end", "zehra-kurtay", "--outcome", "victory"],
    ["suspend", "zehra-kurtay", "--date", "2025-08-01"],
    ["remove", "zehra-kurtay"],
    ["update", "zehra-kurtay", "--place", "X"],
])
def test_other_commands_say_the_file_is_missing(demo_dir: Path, args: list[str]) -> None:
    path = demo_dir / "strikes.toml"
    path.unlink()
    result = CliRunner().invoke(main, ["--config", str(demo_dir / "widget.toml"),
                                       "strike", *args])
    assert result.exit_code == 1 and isinstance(result.exception, SystemExit)
    assert result.output == f"Error: no strikes file at {path}\n"
    assert not path.exists()


def test_an_empty_file_takes_a_first_strike(demo_dir: Path) -> None:
    path = demo_dir / "strikes.toml"
    path.write_text("# strikes\n")
    code, out = run(demo_dir, "add", "new-strike", "--name", "N", "--country", "FR",
                    "--place", "P", "--timezone", "Europe/Paris", "--start-date", "2025-08-01",
                    "--kind", "indefinite", "--no-publish")
    assert code == 0, out
    assert path.read_text().startswith("# strikes\n\n[strike.new-strike]\n")


def test_the_first_strike_goes_before_the_tombstones(demo_dir: Path) -> None:
    path = demo_dir / "strikes.toml"
    path.write_text("# Strikes.\n\n# Tombstones:\n[removed.old]\nremoved_on = 2025-07-01\n")
    code, out = run(demo_dir, "add", "new-strike", "--name", "N", "--country", "FR",
                    "--place", "P", "--timezone", "Europe/Paris", "--start-date", "2025-08-01",
                    "--kind", "indefinite", "--no-publish")
    assert code == 0, out
    text = path.read_text()
    assert text.startswith("# Strikes.\n\n[strike.new-strike]\n")
    assert text.endswith('status = "active"\n\n# Tombstones:\n[removed.old]\n'
                         "removed_on = 2025-07-01\n")


def test_actions_and_words_in_other_languages_are_edited(demo_dir: Path,
                                                        demo_config: Config) -> None:
    path = demo_dir / "strikes.toml"
    original = path.read_text()
    code, out = run(demo_dir, "add-action", "zehra-kurtay", "--kind", "petition",
                    "--label", "Sign the petition", "--url", "https://petition.example/z")
    assert code == 0, out
    code, out = run(demo_dir, "add-action", "zehra-kurtay", "--kind", "letter",
                    "--label", "Write to the prefect", "--url", "https://letter.example/")
    assert code == 0, out
    code, out = run(demo_dir, "words", "zehra-kurtay", "tr", "--place", "Paris'te",
                    "--action-label", "Dilekçeyi imzalayın", "--action-label", "Valiye yazın")
    assert code == 0, out
    zehra = parse_file(path.read_text()).strikes[0]
    assert [a.label for a in zehra.words("tr").actions] == ["Dilekçeyi imzalayın",
                                                           "Valiye yazın"]
    # Published: the API has them.
    with Store(demo_config.database) as store:
        stored = store.read_all()[2][0]
    assert stored.actions == zehra.actions and stored.texts == zehra.texts
    # Removing an action removes its label in every language with it.
    code, out = run(demo_dir, "remove-action", "zehra-kurtay", "1")
    assert code == 0, out
    zehra = parse_file(path.read_text()).strikes[0]
    assert [a.label for a in zehra.actions] == ["Write to the prefect"]
    assert [a.label for a in zehra.words("tr").actions] == ["Valiye yazın"]
    assert comments(path.read_text()) == comments(original)


@pytest.mark.parametrize("args, message", [
    (["add-action", "zehra-kurtay", "--kind", "petition", "--label", "Sign", "--url",
      "http://petition.example/"], "is not an https link"),
    (["remove-action", "zehra-kurtay", "3"], 'strike "zehra-kurtay" has 0 actions'),
    (["words", "zehra-kurtay", "tr", "--demand", "Bir", "--demand", "İki"],
     "tr.demands: has 2 demands; the strike has 1 demand"),
    (["words", "nobody", "tr", "--place", "x"], 'no strike "nobody"'),
])
def test_a_wrong_action_or_words_edit_writes_nothing(demo_dir: Path, args: list[str],
                                                     message: str) -> None:
    path = demo_dir / "strikes.toml"
    before = path.read_text()
    code, out = run(demo_dir, *args)
    assert code != 0 and message in out, out
    assert path.read_text() == before
