"""The strikes file: every mistake is named as FILE:LINE: strike "SLUG": FIELD: message."""

from __future__ import annotations

import datetime as dt
import textwrap

import pytest

from widget.model import Outcome, Status
from widget.strikes import StrikesFileError, parse_strikes

GOOD = textwrap.dedent("""\
    # comment
    [strike.zehra-kurtay]
    name = "Zehra Kurtay"
    country = "FR"
    place = "Paris"
    timezone = "Europe/Paris"
    start_date = 2025-03-03
    kind = "indefinite"
    status = "active"
    demands = ["Right to residence"]
    last_confirmed = 2025-07-13

    [strike.ali-hasan-akgul]
    name = "Ali Hasan Akgül"
    country = "TR"
    place = "Prison"
    timezone = "Europe/Istanbul"
    start_date = 2025-02-18
    end_date = 2025-07-11
    kind = "indefinite"
    status = "ended"
    outcome = "released"
    """)


def test_a_good_file_parses_in_order() -> None:
    strikes = parse_strikes(GOOD)
    assert [s.slug for s in strikes] == ["zehra-kurtay", "ali-hasan-akgul"]
    assert strikes[0].start_date == dt.date(2025, 3, 3)
    assert strikes[1].status is Status.ENDED
    assert strikes[1].outcome is Outcome.RELEASED


def errors(text: str) -> list[str]:
    with pytest.raises(StrikesFileError) as info:
        parse_strikes(text, file="strikes.toml")
    return [str(p) for p in info.value.problems]


def replace(old: str, new: str) -> str:
    assert old in GOOD
    return GOOD.replace(old, new, 1)


@pytest.mark.parametrize("old, new, expected", [
    ('start_date = 2025-03-03', 'start_date = "2025-03-03"',
     'strikes.toml:7: strike "zehra-kurtay": start_date: must be a TOML date'),
    ('start_date = 2025-03-03', 'start_date = 2025-03-03T10:00:00',
     'strikes.toml:7: strike "zehra-kurtay": start_date: must be a TOML date'),
    ('timezone = "Europe/Paris"', 'timezone = "Paris"',
     'strikes.toml:6: strike "zehra-kurtay": timezone: \'Paris\' is not an IANA timezone'),
    ('country = "FR"', 'country = "XX"',
     'strikes.toml:4: strike "zehra-kurtay": country: \'XX\' is not an ISO 3166-1'),
    ('country = "FR"', 'country = "France"',
     'strikes.toml:4: strike "zehra-kurtay": country: is 6 characters long'),
    ('kind = "indefinite"', 'kind = "forever"',
     'strikes.toml:8: strike "zehra-kurtay": kind: \'forever\' is not one of: indefinite'),
    ('status = "active"', 'status = "over"',
     'strikes.toml:9: strike "zehra-kurtay": status: \'over\' is not one of'),
    ('outcome = "released"', 'outcome = "freed"',
     'strikes.toml:22: strike "ali-hasan-akgul": outcome: \'freed\' is not one of'),
    ('outcome = "released"\n', '',
     'strikes.toml:13: strike "ali-hasan-akgul": outcome: is required when status is "ended"'),
    ('end_date = 2025-07-11', 'end_date = 2025-01-11',
     'strikes.toml:19: strike "ali-hasan-akgul": end_date: 2025-01-11 is before start_date'),
    ('end_date = 2025-07-11\n', '',
     'strikes.toml:13: strike "ali-hasan-akgul": end_date: is required when status is "ended"'),
    ('status = "active"', 'status = "active"\nend_date = 2025-04-01',
     'strikes.toml:10: strike "zehra-kurtay": end_date: a strike that is "active" has no end'),
    ('status = "active"', 'status = "active"\noutcome = "victory"',
     'strikes.toml:10: strike "zehra-kurtay": outcome: only an ended strike has an outcome'),
    ('name = "Zehra Kurtay"\n', '',
     'strikes.toml:2: strike "zehra-kurtay": name: is required'),
    ('name = "Zehra Kurtay"', 'name = ""',
     'strikes.toml:3: strike "zehra-kurtay": name: must be a non-empty string'),
    ('demands = ["Right to residence"]', 'demands = "Right to residence"',
     'strikes.toml:10: strike "zehra-kurtay": demands: must be a list of non-empty strings'),
    ('last_confirmed = 2025-07-13', 'last_confirmed = 2024-07-13',
     'strikes.toml:11: strike "zehra-kurtay": last_confirmed: 2024-07-13 is before start_date'),
    ('last_confirmed = 2025-07-13', 'date_of_birth = 1970-01-01',
     'strikes.toml:11: strike "zehra-kurtay": date_of_birth: is not a known field'),
    ('last_confirmed = 2025-07-13', 'day_offset = 1.5',
     'strikes.toml:11: strike "zehra-kurtay": day_offset: must be a whole number'),
    ('last_confirmed = 2025-07-13', 'sources = ["javascript:alert(1)"]',
     'strikes.toml:11: strike "zehra-kurtay": sources: \'javascript:alert(1)\' is not an http'),
    ('[strike.zehra-kurtay]', '[strike.Zehra_Kurtay]',
     'strikes.toml:2: strike "Zehra_Kurtay": slug must be lowercase letters'),
    ('[strike.zehra-kurtay]', '[strikes.zehra-kurtay]',
     'strikes.toml:1: strikes: unknown top-level entry'),
])
def test_each_mistake_names_file_line_and_field(old: str, new: str, expected: str) -> None:
    found = errors(replace(old, new))
    assert any(e.startswith(expected) for e in found), found


def test_every_problem_is_reported_at_once() -> None:
    text = replace('timezone = "Europe/Paris"', 'timezone = "Mars/Olympus"')
    text = text.replace('outcome = "released"', 'outcome = "freed"')
    found = errors(text)
    assert len(found) == 2
    assert found[0].startswith('strikes.toml:6: strike "zehra-kurtay": timezone:')
    assert found[1].startswith('strikes.toml:22: strike "ali-hasan-akgul": outcome:')


def test_syntax_errors_name_the_line() -> None:
    found = errors(replace('place = "Paris"', 'place = "Paris'))
    assert found[0].startswith("strikes.toml:5: not valid TOML")


def test_duplicate_tables_are_a_syntax_error() -> None:
    found = errors(GOOD + '\n[strike.zehra-kurtay]\nname = "Again"\n')
    assert found[0].startswith("strikes.toml:24: not valid TOML")  # where the table repeats
    assert "zehra-kurtay" in found[0]


def test_tombstones() -> None:
    from widget.strikes import parse_file

    parsed = parse_file(GOOD + '\n[removed.old-strike]\nremoved_on = 2025-08-01\nnote = "x"\n')
    assert parsed.removed == {"old-strike": dt.date(2025, 8, 1)}
    assert len(parsed.strikes) == 2


@pytest.mark.parametrize("extra, expected", [
    ('\n[removed.zehra-kurtay]\nremoved_on = 2025-08-01\n',
     'strikes.toml:24: strike "zehra-kurtay": is listed as a strike and as removed'),
    ('\n[removed.old]\nremoved_on = "2025-08-01"\n',
     'strikes.toml:25: strike "old": removed_on: must be a TOML date'),
    ('\n[removed.old]\nremoved_on = 2025-08-01\nname = "Someone"\n',
     'strikes.toml:26: strike "old": name: a removed strike has only removed_on and note'),
])
def test_tombstone_mistakes(extra: str, expected: str) -> None:
    found = errors(GOOD + extra)
    assert any(e.startswith(expected) for e in found), found
