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
     'strikes.toml:6: strike "zehra-kurtay": timezone: \'Paris\' is not a canonical IANA '
     'timezone that browsers know'),
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
     'strikes.toml:2: strikes: unknown top-level entry'),  # at its header, not line 1
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


# --- Lines as TOML counts them, headers as the parser reads them -------------------------

@pytest.mark.parametrize("separator", ["\u2028", "\u2029", "\x85"])
@pytest.mark.parametrize("where", ["string", "comment"])
def test_line_separators_that_toml_allows_do_not_shift_later_lines(separator: str,
                                                                    where: str) -> None:
    # str.splitlines() breaks at these; TOML counts only LF and CRLF.
    old, new = (('place = "Paris"', f'place = "Paris{separator}Saint-Denis"')
                if where == "string" else ("# comment", f"# comment{separator}more"))
    text = replace(old, new).replace('outcome = "released"', 'outcome = "freed"')
    found = errors(text)
    assert len(found) == 1
    assert found[0].startswith('strikes.toml:22: strike "ali-hasan-akgul": outcome: '
                               "'freed' is not one of: "), found


def test_a_quoted_slug_with_escapes_is_reported_at_its_own_header() -> None:
    text = replace("[strike.ali-hasan-akgul]", '[strike."ali\\u002dhasan-akgul"]')
    text = text.replace('outcome = "released"\n', "")
    assert errors(text) == ['strikes.toml:13: strike "ali-hasan-akgul": outcome: '
                            'is required when status is "ended"']


def test_a_header_inside_a_multiline_string_is_text() -> None:
    # The first [strike.ali-hasan-akgul] is inside the summary; the table is at line 16.
    text = replace('last_confirmed = 2025-07-13',
                   'last_confirmed = 2025-07-13\nsummary = """\n[strike.ali-hasan-akgul]\n"""')
    text = text.replace('outcome = "released"\n', "")
    assert errors(text) == ['strikes.toml:16: strike "ali-hasan-akgul": outcome: '
                            'is required when status is "ended"']


def test_a_sub_table_is_refused_at_its_own_line() -> None:
    text = GOOD + '\n[strike.ali-hasan-akgul.extra]\nnote = "x"\n'
    found = errors(text)
    assert len(found) == 1
    assert found[0].startswith('strikes.toml:24: strike "ali-hasan-akgul": extra: '
                               'is a sub-table, and not a language of the interface')


def test_keys_are_found_by_the_parser_whatever_their_quoting() -> None:
    text = replace('timezone = "Europe/Paris"', "'timezone' = \"Paris\"")
    text = text.replace('outcome = "released"', '"out\\u0063ome" = "freed"')
    assert [e.split(":")[:4] for e in errors(text)] == [
        ["strikes.toml", "6", ' strike "zehra-kurtay"', " timezone"],
        ["strikes.toml", "22", ' strike "ali-hasan-akgul"', " outcome"]]


def test_a_literal_string_slug_is_a_slug() -> None:
    strikes = parse_strikes(replace("[strike.zehra-kurtay]", "[strike.'zehra-kurtay']"))
    assert [s.slug for s in strikes] == ["zehra-kurtay", "ali-hasan-akgul"]


def test_crlf_files_are_counted_like_lf_files() -> None:
    text = replace('outcome = "released"', 'outcome = "freed"').replace("\n", "\r\n")
    assert errors(text)[0].startswith('strikes.toml:22: strike "ali-hasan-akgul": outcome:')


def test_a_lone_cr_is_not_a_newline() -> None:
    found = errors(replace('place = "Paris"\n', 'place = "Paris"\r'))
    assert found[0].startswith("strikes.toml:5: not valid TOML")


# --- Slugs and links ----------------------------------------------------------------------

@pytest.mark.parametrize("slug", ["abc\\n", "abc\\r\\n", "-abc", "abc-", "a--b", "a" * 65, ""])
def test_a_slug_is_validated_whole(slug: str) -> None:
    found = errors(replace("[strike.zehra-kurtay]", f'[strike."{slug}"]'))
    assert len(found) == 1 and "slug must be lowercase letters" in found[0], found
    assert found[0].startswith("strikes.toml:2: strike ")
    assert "\n" not in found[0] and "\r" not in found[0]  # one line, the newline escaped


def test_a_tombstone_slug_is_validated_too() -> None:
    found = errors(GOOD + '\n[removed."old\\n"]\nremoved_on = 2025-08-01\n')
    assert found == ['strikes.toml:24: strike "old\\n": slug must be lowercase letters, '
                     'digits and single hyphens (zehra-kurtay), at most 64 characters']


@pytest.mark.parametrize("field", ["sources", "related_posts"])
@pytest.mark.parametrize("url, reason", [
    ("http://[::1", "Invalid IPv6 URL"),
    ("http://[::1]:http/", "Port could not be cast"),
    ("https://example.org:99999/", "Port out of range"),
    ("http://[not-an-address]/", "does not appear to be an IPv4 or IPv6 address"),
])
def test_a_link_that_urllib_cannot_split_is_a_problem_not_a_crash(field: str, url: str,
                                                                  reason: str) -> None:
    found = errors(replace('last_confirmed = 2025-07-13',
                           f'{field} = ["https://ok.example/", "{url}"]'))
    assert found == [f'strikes.toml:11: strike "zehra-kurtay": {field}: '
                     f'{url!r} is not a valid link: ' + found[0].split("valid link: ")[1]]
    assert reason in found[0]


def test_a_link_needs_a_host() -> None:
    found = errors(replace('last_confirmed = 2025-07-13', 'sources = ["https:///path"]'))
    assert found[0].startswith('strikes.toml:11: strike "zehra-kurtay": sources: '
                               "'https:///path' is not an http or https link")


# --- Empty and truncated files -----------------------------------------------------------

@pytest.mark.parametrize("text", ["", "\n\n", "   \r\n", "# all strikes went here\n"])
def test_an_empty_file_parses_and_says_so(text: str) -> None:
    from widget.strikes import parse_file

    parsed = parse_file(text)
    assert parsed.is_empty and parsed.strikes == [] and parsed.removed == {}


def test_a_file_with_strikes_or_tombstones_is_not_empty() -> None:
    from widget.strikes import parse_file

    assert not parse_file(GOOD).is_empty
    assert not parse_file("[removed.old]\nremoved_on = 2025-08-01\n").is_empty


def test_a_truncated_file_is_refused_with_a_line_or_parses_whole_tables() -> None:
    """Cut GOOD after every character: a cut mid-table is refused, with a line in the file."""
    from widget.strikes import parse_file

    refused = 0
    for cut in range(len(GOOD)):
        text = GOOD[:cut]
        try:
            parsed = parse_file(text)
        except StrikesFileError as exc:
            refused += 1
            assert all(1 <= p.line <= text.count("\n") + 1 for p in exc.problems), (cut, exc)
            continue
        # Only a cut between tables (or inside a comment) leaves a valid file.
        slugs = [s.slug for s in parsed.strikes]
        assert slugs in ([], ["zehra-kurtay"]) or cut >= len(GOOD) - 1, (cut, slugs)
    assert refused > len(GOOD) * 0.9
    cut = GOOD.index('place = "Paris"') + len('place = "Pa')
    assert errors(GOOD[:cut])[0].startswith("strikes.toml:5: not valid TOML")
    cut = GOOD.index('kind = "indefinite"')
    assert errors(GOOD[:cut]) == [
        'strikes.toml:2: strike "zehra-kurtay": kind: is required',
        'strikes.toml:2: strike "zehra-kurtay": status: is required']


def test_every_problem_is_one_line() -> None:
    text = replace("[strike.zehra-kurtay]", '[strike."zehra\\u2029kurtay"]')
    text = text.replace('outcome = "released"', '"out\\ncome" = "x\\u2028y"')
    text += '\n[strike.a]\nname = "\\u0085"\n'
    for problem in errors(text):
        assert len(problem.splitlines()) == 1 and "\n" not in problem, problem


def test_the_reading_finds_every_header_and_key() -> None:
    """Pins the tomlkit parser hooks the reading relies on (widget.strikes._Parser)."""
    from widget.strikes import Reading

    text = ('top = 1\n[strike.a]\nname = "x"  # note\nsummary = """\n[strike.b]\n"""\n'
            "t = {x = 1}\nd.e = 2\n\n# about c\n[strike.'c']\n[strike.a.extra]\ny = 1\n")
    reading = Reading(text)
    assert [(t.path, reading.line_at(t.start)) for t in reading.tables] == [
        (("strike", "a"), 2), (("strike", "c"), 11), (("strike", "a", "extra"), 12)]
    assert [reading.line(*path) for path in [
        ("top",), ("strike", "a", "name"), ("strike", "a", "summary"), ("strike", "a", "t"),
        ("strike", "a", "t", "x"), ("strike", "a", "d", "e"), ("strike", "a", "d"),
        ("strike", "a", "extra", "y"), ("strike", "nobody"), ("strike",), ("elsewhere",)]] == [
        1, 3, 4, 7, 7, 8, 8, 13, 2, 2, 1]
    a, c, extra = reading.tables
    assert text[a.gap_start:a.start] == "" and a.gap_start == len("top = 1\n")
    assert text[a.end:c.start] == "\n# about c\n" and text[c.end:extra.start] == ""
    assert extra.end == len(text)
    assert reading.document.as_string() == text


@pytest.mark.parametrize("text", ["a = " + "[" * 5000 + "]" * 5000,
                                  "a = " + "{b=" * 3000 + "1" + "}" * 3000])
def test_deep_nesting_is_refused_not_a_crash(text: str) -> None:
    assert errors(text)[0].startswith("strikes.toml:1: not valid TOML")


# --- The counter's fields and dates (honest counters) ----------------------------------------

NOW = dt.datetime(2025, 7, 24, 12, 0, tzinfo=dt.UTC)


def errors_at(text: str, **options: object) -> list[str]:
    with pytest.raises(StrikesFileError) as info:
        parse_strikes(text, file="strikes.toml", now=NOW, **options)  # type: ignore[arg-type]
    return [str(p) for p in info.value.problems]


@pytest.mark.parametrize("zone, expected", [
    ("localtime", "'localtime' is not a canonical IANA timezone that browsers know "
                  "(Europe/Paris, Asia/Kolkata, …)"),
    ("Factory", "'Factory' is not a canonical IANA timezone that browsers know "
                "(Europe/Paris, Asia/Kolkata, …)"),
    ("EST5EDT", "'EST5EDT' is not a canonical IANA timezone that browsers know "
                "(Europe/Paris, Asia/Kolkata, …)"),
    ("Asia/Calcutta", "'Asia/Calcutta' is an old name of the IANA timezone 'Asia/Kolkata': "
                      "write 'Asia/Kolkata'"),
])
def test_only_canonical_timezones(zone: str, expected: str) -> None:
    found = errors_at(replace('timezone = "Europe/Paris"', f'timezone = "{zone}"'))
    assert found == [f'strikes.toml:6: strike "zehra-kurtay": timezone: {expected}']


@pytest.mark.parametrize("offset", [-1, -10_000])
def test_day_offset_can_never_make_a_day_below_one(offset: int) -> None:
    found = errors_at(replace("last_confirmed = 2025-07-13", f"day_offset = {offset}"))
    assert found == [f'strikes.toml:11: strike "zehra-kurtay": day_offset: {offset} would make '
                     "the first days of the strike day 0 or less; move start_date to the "
                     "organisation's day 1 instead"]
    ok = parse_strikes(replace("last_confirmed = 2025-07-13", "day_offset = 0"), now=NOW)
    assert ok[0].day_offset == 0


@pytest.mark.parametrize("old, new, expected", [
    # An ended strike that has not started yet.
    ("start_date = 2025-02-18", "start_date = 2025-08-01",
     'strikes.toml:18: strike "ali-hasan-akgul": start_date: 2025-08-01 is after today '
     '(2025-07-24 in Europe/Istanbul): a strike that is "ended" has started'),
    # ... which is also after its end: both are said.
    ("start_date = 2025-02-18", "start_date = 2025-08-01",
     'strikes.toml:19: strike "ali-hasan-akgul": end_date: 2025-07-11 is before start_date '
     "2025-08-01"),
    ("end_date = 2025-07-11", "end_date = 2025-07-25",
     'strikes.toml:19: strike "ali-hasan-akgul": end_date: 2025-07-25 is after today '
     '(2025-07-24 in Europe/Istanbul): set status "ended" once it has happened'),
    ("last_confirmed = 2025-07-13", "last_confirmed = 2025-07-25",
     'strikes.toml:11: strike "zehra-kurtay": last_confirmed: 2025-07-25 is after today '
     "(2025-07-24 in Europe/Paris)"),
    ("last_confirmed = 2025-07-13", "start_known = 0",
     'strikes.toml:11: strike "zehra-kurtay": start_known: must be true or false'),
    ("last_confirmed = 2025-07-13", 'start_known = "false"',
     'strikes.toml:11: strike "zehra-kurtay": start_known: must be true or false'),
    ("last_confirmed = 2025-07-13", "start_known = false\nday_offset = 3",
     'strikes.toml:12: strike "zehra-kurtay": day_offset: no day number is shown when '
     "start_known = false"),
    ('status = "active"', 'status = "announced"\nstart_known = false',
     'strikes.toml:10: strike "zehra-kurtay": start_known: an announced strike has its start '
     "date"),
    ("last_confirmed = 2025-07-13", "unverified_after_days = 1",
     'strikes.toml:11: strike "zehra-kurtay": unverified_after_days: must be a whole number '
     "from 2 to 3650, not 1"),
    ("last_confirmed = 2025-07-13", 'unverified_after_days = "60"',
     'strikes.toml:11: strike "zehra-kurtay": unverified_after_days: must be a whole number'),
])
def test_counter_mistakes_name_file_line_and_field(old: str, new: str, expected: str) -> None:
    found = errors_at(replace(old, new))
    assert any(e.startswith(expected) for e in found), found


def test_a_dated_edit_is_checked_in_the_strikes_own_timezone() -> None:
    # 21:30 UTC on 24 July is already 25 July in Istanbul (UTC+3), not in Paris (UTC+2).
    late = dt.datetime(2025, 7, 24, 21, 30, tzinfo=dt.UTC)
    text = replace("end_date = 2025-07-11", "end_date = 2025-07-25")
    assert parse_strikes(text, now=late)[1].end_date == dt.date(2025, 7, 25)
    text = replace("last_confirmed = 2025-07-13", "last_confirmed = 2025-07-25")
    with pytest.raises(StrikesFileError):
        parse_strikes(text, now=late)


def test_a_strikes_own_unverified_after_days_exceeds_the_configs_confirm_every_days() -> None:
    text = replace("last_confirmed = 2025-07-13", "unverified_after_days = 14")
    # Without the config (the parser alone), only the range is checked.
    assert parse_strikes(text, now=NOW)[0].unverified_after_days == 14
    assert errors_at(text, confirm_every_days=14) == [
        'strikes.toml:11: strike "zehra-kurtay": unverified_after_days: 14 must be more than '
        "confirm_every_days (14, the config's)"]
    assert parse_strikes(text, now=NOW, confirm_every_days=13)[0].unverified_after_days == 14


def test_start_known_parses() -> None:
    strikes = parse_strikes(replace("last_confirmed = 2025-07-13",
                                    "last_confirmed = 2025-07-13\nstart_known = false"), now=NOW)
    assert strikes[0].start_known is False and strikes[1].start_known is True
    assert parse_strikes(replace("last_confirmed = 2025-07-13", "start_known = true"),
                         now=NOW)[0].start_known is True


def test_the_demo_strikes_file_parses() -> None:
    from tests.conftest import DEMO
    from widget.strikes import load_file

    parsed = load_file(DEMO / "strikes.toml", confirm_every_days=14)
    assert parsed.strikes and all(s.timezone for s in parsed.strikes)
