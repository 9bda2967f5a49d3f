"""Hostile strikes files and editor input: a refusal on one line each, never a traceback."""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.conftest import FIXTURE_STRIKES, copy_demo
from widget.cli import main
from widget.strikes import StrikesFileError, parse_file

DEMO = Path(__file__).resolve().parents[1] / "examples" / "demo"
GOOD = FIXTURE_STRIKES.read_text()

# Pieces a broken or hostile file is made of: TOML syntax, line breaks TOML does and
# does not count, escapes, brackets that urllib cannot split, nested tables.
PIECES = [
    "[strike.a]\n", "[strike.'b']\n", '[strike."c\\u002dd"]\n', "[strike.a.extra]\n",
    "[removed.a]\n", "[[strike]]\n", "[strike]\n", 'name = "N"\n', "name = 1\n",
    'country = "FR"\n', 'timezone = "Europe/Paris"\n', "start_date = 2025-01-01\n",
    'kind = "indefinite"\n', 'status = "ended"\n', "removed_on = 2025-08-01\n",
    'sources = ["http://[::1"]\n', 'related_posts = ["https://x:99999/"]\n',
    'summary = """\n[strike.z]\n"""\n', "a.b.c = 1\n", "x = {y = {z = 1}}\n",
    "demands = [\n  'one',\n  \"two\",\n]\n", "\u2028", "\u2029", "\x85", "\r\n", "\r",
    "\n", "#", '"', "'", "[", "]", "=", "\\", "\x00", "\x0b", "\x1c", " ", "\t",
]
hostile_text = st.lists(st.one_of(st.sampled_from(PIECES), st.text(max_size=8)),
                        max_size=30).map("".join)


def assert_refused_properly(text: str, exc: StrikesFileError) -> None:
    last = text.count("\n") + 1
    assert exc.problems
    for problem in exc.problems:
        assert 1 <= problem.line <= last, (problem, text)
        assert len(str(problem).splitlines()) == 1 and "\n" not in str(problem), problem


@settings(max_examples=300, deadline=None)
@given(hostile_text)
def test_any_text_is_parsed_or_refused_line_by_line(text: str) -> None:
    try:
        parse_file(text)
    except StrikesFileError as exc:
        assert_refused_properly(text, exc)


@settings(max_examples=200, deadline=None)
@given(st.integers(0, len(GOOD)), hostile_text)
def test_the_demo_file_with_anything_inserted(at: int, inserted: str) -> None:
    text = GOOD[:at] + inserted + GOOD[at:]
    try:
        parse_file(text)
    except StrikesFileError as exc:
        assert_refused_properly(text, exc)


# --- The editor's commands ---------------------------------------------------------------

hostile_arg = st.one_of(
    st.sampled_from(["zehra-kurtay", "ali-hasan-akgul", "abc\n", "a b", "http://[::1",
                     "https://x.example:99999/", "\udcff", "", "-", "bogus", "summary",
                     "\u2029", '"', "'", "[strike.x]", "zehra-kurtay\n", "Europe/Paris",
                     "FR", "2025-08-01", "victory"]),
    st.text(max_size=12),
    st.text(alphabet=st.characters(codec="utf-8", categories=["Cc", "Zl", "Zp", "Cs", "Ll"]),
            max_size=6),
)
def either(*good: str) -> st.SearchStrategy[str]:
    """Mostly a value click accepts, so the editor itself is reached; sometimes not."""
    return st.one_of(st.sampled_from(good), st.sampled_from(good), hostile_arg)


dates = either("2025-08-01", "2024-01-01", "2030-12-31", "2025-03-03")
VALUES: dict[str, st.SearchStrategy[str]] = {
    "--name": hostile_arg, "--place": hostile_arg, "--summary": hostile_arg,
    "--demand": hostile_arg, "--source": hostile_arg, "--related": hostile_arg,
    "--country": either("FR", "tr", "XX", "ß"), "--timezone": either("Europe/Paris", "Paris"),
    "--start-date": dates, "--confirmed": dates, "--date": dates,
    "--kind": either("indefinite", "death-fast"),
    "--status": either("active", "ended", "suspended", "announced"),
    "--outcome": either("victory", "released", "died"),
    "--day-offset": either("0", "-3", "99999"), "--participants": either("1", "0", "8"),
    "--unset": either("summary", "participants", "name", "demands", "bogus"),
}
COMMANDS = {
    "add": ["--name", "--country", "--place", "--timezone", "--start-date", "--kind",
            "--status", "--demand", "--summary", "--source", "--related", "--day-offset",
            "--participants", "--confirmed"],
    "update": ["--place", "--summary", "--source", "--unset", "--related", "--participants",
               "--timezone", "--name", "--status", "--demand", "--day-offset"],
    "end": ["--date"],
    "suspend": ["--date"],
    "confirm": ["--date"],
    "remove": ["--date"],
}
ADD_OK = ["--name", "N", "--country", "FR", "--place", "P", "--timezone", "Europe/Paris",
          "--start-date", "2025-08-01", "--kind", "indefinite"]


@st.composite
def invocations(draw: st.DrawFn) -> list[str]:
    command = draw(st.sampled_from(sorted(COMMANDS)))
    slugs = ("new-strike", "x") if command == "add" else ("zehra-kurtay", "s-r-y-type-prisons")
    args = [command, draw(either(*slugs))]
    if command == "add" and draw(st.booleans()):
        args += ADD_OK
    if command == "end":
        args += ["--outcome", draw(VALUES["--outcome"])]
    for option in draw(st.lists(st.sampled_from(COMMANDS[command]), max_size=4)):
        args += [option, draw(VALUES[option])]
    return args + draw(st.sampled_from([["--no-publish"], ["--dry-run"], []]))


def invoke(folder: Path, args: list[str]) -> Result:
    return CliRunner().invoke(main, ["--config", str(folder / "widget.toml"), "strike", *args])


def assert_clean(result: Result) -> None:
    """Exit 0; 2, click's usage message; or 1 with nothing but one-line errors."""
    assert result.exception is None or isinstance(result.exception, SystemExit), (
        result.exc_info)
    assert "Traceback" not in result.output
    assert result.exit_code in (0, 1, 2), result.output
    if result.exit_code == 1:
        for line in result.output.splitlines():
            assert line.startswith(("error: ", "Error: ")), result.output


@pytest.fixture(scope="module")
def pristine(tmp_path_factory: pytest.TempPathFactory) -> Path:
    target = tmp_path_factory.mktemp("pristine") / "demo"
    copy_demo(target)
    return target


@settings(max_examples=150, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(args=invocations(), state=st.sampled_from(["good", "crlf", "invalid", "missing",
                                                  "empty", "not-toml"]))
def test_hostile_editor_input_never_gives_a_traceback(pristine: Path, args: list[str],
                                                      state: str) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "demo"
        shutil.copytree(pristine, folder)
        path = folder / "strikes.toml"
        if state == "crlf":
            path.write_bytes(path.read_bytes().replace(b"\n", b"\r\n"))
        elif state == "invalid":
            path.write_text(GOOD.replace('timezone = "Europe/Paris"', 'timezone = "Paris"'))
        elif state == "missing":
            path.unlink()
        elif state == "empty":
            path.write_bytes(b"")
        elif state == "not-toml":
            path.write_text(GOOD.replace('place = "High-security prison"', "place = [::1"))
        before = path.read_bytes() if path.exists() else None
        result = invoke(folder, args)
        assert_clean(result)
        if result.exit_code != 0 or "--dry-run" in args:
            assert (path.read_bytes() if path.exists() else None) == before
        elif path.exists():
            parse_file(path.read_bytes().decode())  # what the editor writes is valid
            if state == "crlf":
                data = path.read_bytes()
                assert data.count(b"\n") == data.count(b"\r\n")


@pytest.mark.parametrize("args", [
    ["add", "new", *ADD_OK, "--summary", "bad \udcff byte"],
    ["update", "zehra-kurtay", "--place", "\udcff"],
    ["confirm", "\udcff"],
    ["remove", "zehra-kurtay\udcff", "--date", "2025-08-01"],
])
def test_bytes_that_are_not_utf8_in_arguments_are_refused(pristine: Path,
                                                          args: list[str]) -> None:
    # A shell passes undecodable bytes to Python as lone surrogates (surrogateescape).
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "demo"
        shutil.copytree(pristine, folder)
        before = (folder / "strikes.toml").read_bytes()
        result = invoke(folder, [*args, "--no-publish"])
        assert result.exit_code == 1, result.output
        assert_clean(result)
        assert "\\udcff" in result.output
        assert "is not UTF-8 text" in result.output or "no strike" in result.output
        assert "UnicodeEncodeError" not in result.output
        assert (folder / "strikes.toml").read_bytes() == before
