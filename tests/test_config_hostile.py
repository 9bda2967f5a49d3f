"""A broken widget.toml is one clear problem naming the file and the field, never a traceback:
URLs that urlsplit() cannot take, URLs without a host, bytes that are not UTF-8."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from widget.cli import main
from widget.config import ConfigError, load_config

SOURCE = '[[sources]]\nname = "a"\ntype = "feed"\nurl = "{}"\n'


def problems(path: Path, environ: dict[str, str] | None = None) -> list[str]:
    with pytest.raises(ConfigError) as info:
        load_config(path, environ=environ or {})
    return info.value.problems


def write(tmp_path: Path, data: bytes | str) -> Path:
    path = tmp_path / "widget.toml"
    path.write_bytes(data.encode() if isinstance(data, str) else data)
    return path


@pytest.mark.parametrize("text, field, said", [
    # urlsplit() raises ValueError on these; .port on the port ones.
    ('base_url = "http://[::1"\n', "base_url", "'[' that is not closed"),
    ('site_url = "https://[::1"\n', "site_url", "'[' that is not closed"),
    ('frame_ancestors = "https://ally.example http://[::1"\n', "frame_ancestors",
     "'[' that is not closed"),
    (SOURCE.format("http://[::1"), "sources[1]: url", "'[' that is not closed"),
    ('base_url = "http://[ally.example]/"\n', "base_url", "is not a valid URL"),
    ('base_url = "https://ally.example:99999"\n', "base_url", "is not a valid URL"),
    ('site_url = "https://ally.example:http"\n', "site_url", "is not a valid URL"),
    (SOURCE.format("https://ally.example:-1/feed"), "sources[1]: url", "is not a valid URL"),
    # No host at all.
    ('base_url = "http://"\n', "base_url", "has no host name"),
    ('site_url = "https:///path"\n', "site_url", "has no host name"),
    (SOURCE.format("https://"), "sources[1]: url", "has no host name"),
    ('frame_ancestors = "https://"\n', "frame_ancestors", "has no host name"),
    (SOURCE.format("file:"), "sources[1]: url", "has no path"),
    # Spaces and control characters (TOML escapes make them easy to write).
    ('base_url = "http://ally example.org"\n', "base_url", "space or a control character"),
    ('site_url = "https://ally.example/\\u0000"\n', "site_url", "space or a control character"),
    (SOURCE.format("https://ally.example/feed\\t"), "sources[1]: url",
     "space or a control character"),
    ('base_url = "https://ally.example/\\u2028"\n', "base_url", "space or a control character"),
    # frame_ancestors is written into the CSP header as it is.
    ('frame_ancestors = "https://ally.example\\r\\nX-Evil: 1"\n', "frame_ancestors",
     "space or a control character"),
    ('frame_ancestors = "https://ally.example;script-src"\n', "frame_ancestors",
     "not allowed in an origin"),
    ('frame_ancestors = "   "\n', "frame_ancestors", "no origin is given"),
    ('database = "var/a\\u0000b.sqlite3"\n', "database", "control character"),
])
def test_a_bad_value_is_one_problem_naming_file_and_field(tmp_path: Path, text: str,
                                                          field: str, said: str) -> None:
    path = write(tmp_path, text)
    (problem,) = problems(path)
    assert problem.startswith(f"{path}: {field}: "), problem
    assert said in problem, problem
    assert "\n" not in problem


def test_a_bad_value_from_the_environment_names_the_variable(tmp_path: Path) -> None:
    path = write(tmp_path, 'site_name = "Org"\n')
    (problem,) = problems(path, {"WIDGET_BASE_URL": "http://[::1"})
    assert problem.startswith("WIDGET_BASE_URL: base_url: "), problem
    (problem,) = problems(path, {"WIDGET_FRAME_ANCESTORS": "https://a.example:65536"})
    assert problem.startswith("WIDGET_FRAME_ANCESTORS: frame_ancestors: "), problem


@pytest.mark.parametrize("text", [
    'base_url = "http://[::1]:8000"\n',
    'base_url = "https://widgets.ally.example/solidarity"\n',
    'site_url = "HTTPS://Ally.Example"\n',
    'frame_ancestors = "https://ally.example https://*.ally.example http://[::1]:8080"\n',
    'frame_ancestors = "https://ally.example:*  https://other.example"\n',
    SOURCE.format("file:posts%20old.xml"),
    SOURCE.format("file:///srv/feeds/posts.xml"),
    SOURCE.format("https://[2001:db8::1]:8443/feed"),
])
def test_good_urls_are_still_accepted(tmp_path: Path, text: str) -> None:
    load_config(write(tmp_path, text), environ={})


@pytest.mark.parametrize("data, line, byte", [
    (b'site_name = "Caf\xe9"\n', 1, 16),  # Latin-1
    (b'# ok\nsite_name = "\xc3"\n', 2, 18),  # a UTF-8 sequence cut short
    ("site_name = 'x'\n".encode("utf-16"), 1, 0),  # "Unicode" in a Windows editor
])
def test_a_file_that_is_not_utf8_is_named_with_the_line(tmp_path: Path, data: bytes, line: int,
                                                        byte: int) -> None:
    path = write(tmp_path, data)
    (problem,) = problems(path)
    assert problem.startswith(f"{path}: line {line}: is not UTF-8 text (byte {byte} "), problem
    assert "save the file as UTF-8" in problem


@pytest.mark.parametrize("text, where", [
    ('site_name = "Org"\nmax_age = \n', "line 2, column 11"),
    # TOML counts lines at "\n" only: U+2029 in a value must not shift the line.
    ('site_name = "a\u2029b\u2028c\x85d"\n\nmax_age = =\n', "line 3, column 11"),
])
def test_a_toml_error_names_the_line(tmp_path: Path, text: str, where: str) -> None:
    path = write(tmp_path, text)
    (problem,) = problems(path)
    assert problem.startswith(f"{path}: {where}: not valid TOML: "), problem


def test_an_unreadable_config_path_is_a_problem(tmp_path: Path) -> None:
    (problem,) = problems(tmp_path / "a\x00b.toml")
    assert "cannot be read" in problem
    (problem,) = problems(tmp_path)  # a folder
    assert problem.startswith(f"{tmp_path}: cannot be read: "), problem


@pytest.mark.parametrize("data", [b'base_url = "http://[::1"\n', b'site_name = "\xff"\n'])
def test_check_says_it_in_one_line(tmp_path: Path, data: bytes) -> None:
    path = write(tmp_path, data)
    result = CliRunner().invoke(main, ["--config", str(path), "check"])
    assert result.exit_code == 2, result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)
    (line,) = result.output.strip().splitlines()
    assert line.startswith(f"error: {path}: "), line
