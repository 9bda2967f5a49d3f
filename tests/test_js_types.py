"""The `// @ts-check` in static/*.js is checked: TypeScript's compiler, strict, no output."""

from __future__ import annotations

import subprocess

from tests.conftest import ROOT
from tests.servers import need

TSC = ROOT / "node_modules" / ".bin" / "tsc"
STATIC = ROOT / "static"


def test_the_scripts_type_check() -> None:
    need(TSC.exists(), f"{TSC} is missing (npm ci)")
    checked = subprocess.run([str(TSC), "-p", str(ROOT / "tsconfig.json"), "--pretty", "false",
                              "--listFiles"],
                             cwd=ROOT, capture_output=True, text=True, timeout=120)
    output = checked.stdout + checked.stderr
    assert checked.returncode == 0, f"tsc found errors:\n{output}"
    # tsconfig.json must keep covering every script, including ones added later.
    listed = {line.strip() for line in checked.stdout.splitlines()}
    scripts = sorted(STATIC.glob("*.js"))
    assert scripts, "no scripts in static/"
    for script in scripts:
        assert str(script) in listed, f"{script.name} is not type-checked by tsconfig.json"
        assert script.read_text(encoding="utf-8").startswith("// @ts-check\n"), script.name


def test_the_scripts_are_told_the_frame_constants_the_service_writes_in() -> None:
    # The declaration tsc checks the scripts against names the same keys the service
    # writes in place of the token, so a constant added on one side fails here.
    import re

    from widget.assets import default_assets
    from widget.render.frames import LOADER_KEYS, LOADER_TOKEN, frame_constants, script_tokens

    declared = (ROOT / "tests" / "js" / "frame.d.ts").read_text()
    body = declared[declared.index("interface SwFrame {"):declared.index("\n}")]
    keys = set(re.findall(r"^\s+(\w+):", body, re.M))
    assert keys == set(frame_constants())
    loader = re.search(rf"declare const {LOADER_TOKEN}: Pick<SwFrame, ([^>]*)>", declared)
    assert loader, "the loader's token is not declared"
    assert set(re.findall(r'"(\w+)"', loader.group(1))) == set(LOADER_KEYS)
    for asset in default_assets():
        if asset.name.endswith(".js"):
            for token in script_tokens():
                assert token.encode() not in asset.body, (asset.name, token)
