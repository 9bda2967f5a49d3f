"""The README must say what the code does: pinned loader URL, its SRI hash, every option."""

from __future__ import annotations

from tests.conftest import ROOT
from widget.assets import default_assets
from widget.render.options import OPTIONS

README = (ROOT / "README.md").read_text(encoding="utf-8")


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
