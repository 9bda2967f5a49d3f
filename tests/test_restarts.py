"""Worker restarts with broken files, on a real gunicorn: the widgets stay up.

A HUP (what `systemctl reload` sends), a killed worker (timeout, OOM) or a recycle
start new workers; with a typo in widget.toml or a corrupt database they used to fail
to boot and the master exited, taking every widget offline.
"""

from __future__ import annotations

import datetime as dt
import os
import shutil
import signal
import subprocess
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import orjson
import pytest

from tests.servers import Gunicorn, cli, eventually
from widget.store import Store

pytestmark = pytest.mark.server


def get(url: str) -> tuple[int, bytes]:
    try:
        with urllib.request.urlopen(url, timeout=10) as reply:
            return reply.status, reply.read()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read()


@pytest.fixture
def server(demo_dir: Path) -> Iterator[Gunicorn]:
    config = demo_dir / "widget.toml"
    synced = cli(config, "sync")
    assert synced.returncode == 0, synced.stderr
    running = Gunicorn(config, env={"WIDGET_RELOAD_INTERVAL": "1"})
    yield running
    running.stop()


def strikes(server: Gunicorn) -> list[str]:
    status, body = get(server.url + "/api/v1/strikes?status=all")
    assert status == 200, body
    return [s["slug"] for s in orjson.loads(body)["strikes"]]


def degraded(server: Gunicorn, part: str) -> bool:
    status, body = get(server.url + "/healthz")
    problems = orjson.loads(body).get("problems", [])
    return status == 503 and any(p["part"] == part for p in problems)


def workers(server: Gunicorn) -> set[int]:
    found = subprocess.run(["pgrep", "-P", str(server.process.pid)], capture_output=True,
                           text=True)
    return {int(pid) for pid in found.stdout.split()}


def reload(server: Gunicorn) -> None:
    """HUP, as `systemctl reload` sends, then wait until only new workers serve."""
    before = workers(server)
    os.kill(server.process.pid, signal.SIGHUP)
    eventually(lambda: len(workers(server)) == 2 and not workers(server) & before)


def test_a_config_typo_then_a_reload_keeps_serving(server: Gunicorn, demo_dir: Path) -> None:
    before = strikes(server)
    config = demo_dir / "widget.toml"
    edited = config.read_text().replace('site_name = "International Solidarity',
                                        'site_name = "Edited: International Solidarity')
    config.write_text(edited)
    reload(server)  # a good edit becomes the last good configuration
    assert b"Edited: International" in get(server.url + "/embed/news")[1]
    config.write_text(edited + "\nreload_intervall = 3\n")
    reload(server)
    assert server.process.poll() is None
    assert degraded(server, "config")
    assert strikes(server) == before
    assert b"Edited: International" in get(server.url + "/embed/news")[1]
    assert "reload_intervall" in server.log.read_text()  # the detail, for the operator
    # A worker killed (a timeout, the OOM killer) comes back the same way.
    victim = next(iter(workers(server)))
    os.kill(victim, signal.SIGKILL)
    eventually(lambda: victim not in workers(server) and len(workers(server)) == 2)
    assert strikes(server) == before and degraded(server, "config")
    config.write_text(edited)
    reload(server)
    eventually(lambda: get(server.url + "/healthz")[0] == 200)


def test_a_corrupt_database_then_a_reload_keeps_serving(server: Gunicorn,
                                                        demo_dir: Path) -> None:
    before = strikes(server)
    database = demo_dir / "var" / "demo.sqlite3"
    subprocess.run(["dd", "if=/dev/urandom", f"of={database}", "bs=4096", "count=4",
                    "conv=notrunc"], check=True, capture_output=True)
    eventually(lambda: degraded(server, "database"))
    assert strikes(server) == before
    reload(server)  # the new workers answer from the copy the last sync left
    assert server.process.poll() is None
    assert degraded(server, "database")
    assert strikes(server) == before
    synced = cli(demo_dir / "widget.toml", "sync")
    assert synced.returncode == 1 and "Traceback" not in synced.stderr
    assert str(database) in synced.stderr


def test_a_database_restored_with_mv_is_what_the_next_sync_publishes(
        server: Gunicorn, demo_dir: Path, tmp_path: Path) -> None:
    assert len(strikes(server)) == 3
    database = demo_dir / "var" / "demo.sqlite3"
    backup = tmp_path / "backup.sqlite3"
    shutil.copyfile(database.with_name(database.name + ".last-good"), backup)
    with Store(backup) as store:  # a source only the backup knows tells the two apart
        store.record_failure("old-ally", "feed", "gone", dt.datetime.now(dt.UTC))
    os.replace(backup, database)  # while the workers and their files stay up
    strikes_file = demo_dir / "strikes.toml"
    text = strikes_file.read_text()
    start = text.index("[strike.s-r-y-type-prisons]")
    strikes_file.write_text(text[:start] + text[text.index("\n[", start + 1) + 1:])
    synced = cli(demo_dir / "widget.toml", "sync")
    assert synced.returncode == 0, synced.stderr

    def published() -> bool:
        health = orjson.loads(get(server.url + "/healthz")[1])
        return "old-ally" in {s["name"] for s in health["sources"]}

    eventually(lambda: published() and
               sorted(strikes(server)) == ["ali-hasan-akgul", "zehra-kurtay"])
