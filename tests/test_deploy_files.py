"""The deployment examples say what the program does."""

from __future__ import annotations

import configparser

from tests.conftest import ROOT

DEPLOY = ROOT / "examples" / "deploy"


def unit(name: str) -> configparser.ConfigParser:
    parser = configparser.ConfigParser(strict=False, interpolation=None)
    parser.optionxform = str  # type: ignore[assignment,method-assign]
    parser.read(DEPLOY / name)
    return parser


def test_sync_units_run_sync_and_accept_busy_exit() -> None:
    service = unit("solidarity-widget-sync.service")
    assert service["Service"]["ExecStart"].endswith("solidarity-widget sync")
    assert service["Service"]["SuccessExitStatus"] == "75"  # see widget/cli.py sync
    timer = unit("solidarity-widget-sync.timer")
    assert "OnUnitActiveSec" in timer["Timer"]
    assert "solidarity-widget sync" in (DEPLOY / "crontab").read_text()


def test_service_unit_serves_with_the_package_config() -> None:
    service = unit("solidarity-widget.service")["Service"]
    assert service["ExecStart"].endswith("solidarity-widget serve")
    assert service["ExecReload"] == "/bin/kill -HUP $MAINPID"  # gunicorn's graceful reload
