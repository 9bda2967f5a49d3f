"""Settings are declared once, validated, overridable from the environment, and documented."""

from __future__ import annotations

import dataclasses
import typing
from pathlib import Path

import pytest

from tests.conftest import ROOT
from widget.config import SETTINGS, Config, ConfigError, load_config


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "widget.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_config_has_a_field_of_its_type_for_every_setting_and_no_other() -> None:
    fields = {f.name: f for f in dataclasses.fields(Config)}
    types = typing.get_type_hints(Config)
    for setting in SETTINGS:
        assert setting.name in fields, f"Config has no field {setting.name}"
        assert types[setting.name] is setting.type, setting.name
        # Config's defaults are read from SETTINGS by name: this catches a field that
        # reads another setting's default (the two names written differently).
        assert fields[setting.name].default == setting.type(setting.default), setting.name
    assert set(fields) - {s.name for s in SETTINGS} == {"sources", "country_names", "root"}


def test_every_setting_is_documented() -> None:
    docs = (ROOT / "docs" / "configuration.md").read_text(encoding="utf-8")
    missing = [s.name for s in SETTINGS if f"`{s.name}`" not in docs or s.env not in docs]
    assert not missing, f"docs/configuration.md does not describe: {missing}"


def test_paths_are_relative_to_the_config_file(tmp_path: Path) -> None:
    config = load_config(write(tmp_path, 'database = "db/x.sqlite3"\n'), environ={})
    assert config.database == tmp_path / "db" / "x.sqlite3"
    assert config.strikes_file == tmp_path / "strikes.toml"


def test_environment_overrides_the_file(tmp_path: Path) -> None:
    path = write(tmp_path, 'max_age = 100\nbase_url = "https://a.example/"\n')
    config = load_config(path, environ={"WIDGET_MAX_AGE": "120",
                                        "WIDGET_BASE_URL": "https://b.example/"})
    assert config.max_age == 120
    assert config.base_url == "https://b.example"


def test_config_from_widget_config_variable(tmp_path: Path) -> None:
    path = write(tmp_path, 'site_name = "Org"\n')
    assert load_config(None, environ={"WIDGET_CONFIG": str(path)}).site_name == "Org"


@pytest.mark.parametrize("text, env, message", [
    ("max_ag = 1\n", {}, "max_ag: unknown setting"),
    ("max_age = -1\n", {}, "max_age: -1 is outside 0…86400"),
    ('max_age = "soon"\n', {}, "max_age: 'soon' is not a whole number"),
    ("", {"WIDGET_MAX_AGE": "x"}, "WIDGET_MAX_AGE: max_age: 'x' is not a whole number"),
    ('base_url = "ftp://x"\n', {}, "base_url: must start with http"),
    ('[[sources]]\nname = "a"\ntype = "rss"\nurl = "https://x"\n', {}, "sources[1]: type:"),
    ('[[sources]]\nname = "a"\ntype = "feed"\nurl = "gopher://x"\n', {}, "sources[1]: url:"),
    ('[[sources]]\nname = "a"\ntype = "feed"\nurl = "file:a"\n'
     '[[sources]]\nname = "a"\ntype = "feed"\nurl = "file:b"\n', {}, "'a' is used twice"),
    ("max_age = \n", {}, "not valid TOML"),
])
def test_bad_config_names_the_problem(tmp_path: Path, text: str, env: dict[str, str],
                                      message: str) -> None:
    path = write(tmp_path, text)
    with pytest.raises(ConfigError) as info:
        load_config(path, environ=env)
    assert any(message in p for p in info.value.problems), info.value.problems
