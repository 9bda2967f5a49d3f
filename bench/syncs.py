"""Phase 5, syncs: what a sync costs against a feed on 127.0.0.1 that answers like a
well-kept server (ETag, Last-Modified, gzip; bench/feedserver.py, its own process), at
10,000 posts: the first sync (wall clock and CPU), then syncs with nothing changed
(requests to the feed, CPU). The sync runs in this process, as `solidarity-widget
sync` runs it (widget.sync.sync_all: fetch, parse, sanitise, store, the strikes file,
the copy the workers read), without the command's start-up.

When a real WordPress answers on 127.0.0.1 (../shared/wordpress, as `make test` uses it;
WP_TEST_URL or its state folder's url), the same is measured for a `wordpress` source:
its requests are counted from that WordPress's own nginx access log."""

from __future__ import annotations

import datetime as dt
import gzip
import os
import socket
import statistics
import subprocess
import sys
import time
import urllib.request
from collections.abc import Callable
from dataclasses import replace
from email.utils import format_datetime
from functools import partial
from pathlib import Path
from xml.sax.saxutils import escape

from bench.data import REPO, Sites, make_posts
from bench.outcome import Line, Outcome, table, verdict
from bench.plan import SYNC_FIRST_TARGET_S, SYNC_POSTS, SYNC_UNCHANGED_CPU_MS, DataSet, Plan
from bench.server import free_port
from widget.config import Config, load_config
from widget.model import Post
from widget.sync import SourceResult, open_for_sync, sync_all

TITLE = "Syncs: a 10,000-post feed, the first sync and syncs with nothing changed"
UNCHANGED_RUNS = 5
FIRST_RUNS = 3
WP_STATE = Path(os.environ.get("WP_TEST_STATE", "/var/lib/wp-test"))
WP_AGENT = "SolidarityWidget/"  # the sync's User-Agent, in WordPress's access log


def _rss(posts: list[Post]) -> str:
    items = []
    for p in posts:
        items.append(
            f"<item><title>{escape(p.title)}</title><link>{escape(p.url)}</link>"
            f"<guid>{escape(p.url)}</guid>"
            f"<pubDate>{format_datetime(p.published)}</pubDate>"
            + "".join(f"<category>{escape(c)}</category>" for c in p.categories)
            + f"<description>{escape(p.excerpt)}</description>"
            f"<content:encoded>{escape(p.content_html)}</content:encoded></item>")
    return ('<?xml version="1.0" encoding="utf-8"?>\n<rss version="2.0" '
            'xmlns:content="http://purl.org/rss/1.0/modules/content/"><channel>'
            "<title>Bench</title><link>https://is4pp.example/</link>"
            "<description>Generated</description>" + "".join(items) + "</channel></rss>\n")


def _wait(port: int, timeout: float = 15) -> None:
    deadline = time.monotonic() + timeout
    while True:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                return
        except OSError:
            if time.monotonic() > deadline:
                raise RuntimeError(f"the feed server on port {port} did not start") from None
            time.sleep(0.05)


def _site(folder: Path, kind: str, url: str, settings: str = "") -> Config:
    """A site of one source (named as its kind) and no strikes, in `folder`."""
    folder.mkdir(exist_ok=True)
    (folder / "strikes.toml").write_text("", encoding="utf-8")
    (folder / "widget.toml").write_text(
        'site_name = "Bench"\nsite_url = "https://is4pp.example/"\n'
        'database = "var/bench.sqlite3"\nstrikes_file = "strikes.toml"\n' + settings
        + f'[[sources]]\nname = "{kind}"\ntype = "{kind}"\nurl = "{url}"\nlang = "en"\n',
        encoding="utf-8")
    config = load_config(folder / "widget.toml", environ={})
    config.database.parent.mkdir(parents=True, exist_ok=True)
    return config


def _row(sync: str, wall: float, cpu: float, requests: str) -> list[str]:
    """A line of a syncs table: times in ms."""
    return [sync, f"{wall * 1000:,.0f}", f"{cpu * 1000:,.0f}", requests]


def _failures(failed: list[SourceResult]) -> str:
    return f" Failed: {'; '.join(f'{r.name}: {r.detail}' for r in failed)}." if failed else ""


def _timed(work: Callable[[], list[SourceResult]]) -> tuple[float, float, list[SourceResult]]:
    """(wall seconds, CPU seconds of this process, what `work` returned)."""
    wall, cpu = time.perf_counter(), time.process_time()
    done = work()
    return time.perf_counter() - wall, time.process_time() - cpu, done


def run(plan: Plan, sites: Sites, tmp: Path) -> Outcome:
    outcome = Outcome("syncs", TITLE)
    now = dt.datetime.now(dt.UTC)
    posts = make_posts(DataSet("sync feed", posts=SYNC_POSTS), now)
    feed = tmp / "sync-feed.xml"
    feed.write_text(_rss(posts), encoding="utf-8")
    port = free_port()
    config = _site(tmp / "sync-site", "feed", f"http://127.0.0.1:{port}/",
                   f"fetch_max_bytes = {4 * feed.stat().st_size}\n")
    print(f"syncs: {SYNC_POSTS:,} posts, {feed.stat().st_size / 1e6:.1f} MB of RSS …",
          file=sys.stderr, flush=True)
    server = subprocess.Popen([sys.executable, "-m", "bench.feedserver", str(feed), str(port)],
                              cwd=REPO, start_new_session=True)
    try:
        _wait(port)

        def asked() -> int:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/requests", timeout=10) as r:
                return int(r.read())

        # The first sync FIRST_RUNS times, each into a new database (the median counts:
        # one run on these shared cores varied by a third); the last one's database
        # then gets the syncs with nothing changed.
        firsts = []
        for n in range(1, FIRST_RUNS + 1):
            fresh = replace(config, database=config.database.with_name(f"first-{n}.sqlite3"))
            before = asked()
            with open_for_sync(fresh.database) as store:
                wall, cpu, results = _timed(partial(sync_all, fresh, store))
            firsts.append((wall, cpu, asked() - before, results))
        first_wall = statistics.median(f[0] for f in firsts)
        first_cpu = statistics.median(f[1] for f in firsts)
        first_requests = max(f[2] for f in firsts)
        first = [r for f in firsts for r in f[3]]
        config = fresh
        with open_for_sync(config.database) as store:
            unchanged = []
            for _ in range(UNCHANGED_RUNS):
                before = asked()
                wall, cpu, results = _timed(lambda: sync_all(config, store))
                unchanged.append((wall, cpu, asked() - before, results))
    finally:
        server.terminate()
        try:
            server.wait(timeout=10)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()
    failed = [r for r in [*first, *(x for u in unchanged for x in u[3])] if not r.ok]
    errors = len(failed)
    outcome.lines.append(Line(
        f"first sync of {SYNC_POSTS:,} posts",
        f"{first_wall:.2f} s ({first_cpu:.2f} s CPU, {first_requests} request; median of "
        f"{len(firsts)}, {min(f[0] for f in firsts):.2f} to {max(f[0] for f in firsts):.2f} s)",
        f"≤ {SYNC_FIRST_TARGET_S:g} s",
        verdict(first_wall <= SYNC_FIRST_TARGET_S, errors=errors)))
    cpu_ms = statistics.median(u[1] for u in unchanged) * 1000
    # Each must have been a revalidation answered "not modified" (widget/sync.py).
    not_modified = all(any(r.name == "feed" and r.detail.startswith("not modified")
                           for r in u[3]) for u in unchanged)
    most = max(u[2] for u in unchanged)
    outcome.lines.append(Line(
        "a sync with nothing changed",
        f"{most} request{'s' if most != 1 else ''} to the feed, {cpu_ms:.0f} ms CPU "
        f"(median of {len(unchanged)})"
        + ("" if not_modified else "; not every one was answered 304"),
        f"≤ 1 request, ≤ {SYNC_UNCHANGED_CPU_MS:g} ms CPU",
        verdict(most == 1 and not_modified and cpu_ms <= SYNC_UNCHANGED_CPU_MS,
                errors=errors)))
    rows = [_row(f"first {i}", w, c, str(n)) for i, (w, c, n, _) in enumerate(firsts, 1)]
    rows += [_row(f"unchanged {i}", w, c, str(n))
             for i, (w, c, n, _) in enumerate(unchanged, 1)]
    outcome.sections += [
        f"One RSS source of {SYNC_POSTS:,} generated posts (about 1,500 characters of HTML "
        f"each, {feed.stat().st_size / 1e6:.1f} MB, {len(_gz(feed)) / 1e6:.1f} MB gzipped), "
        "served by [feedserver.py](feedserver.py) with an ETag and a Last-Modified; an "
        "empty strikes file. CPU is this process's (the sync's threads included, the feed "
        "server's not). A sync with nothing changed gets a 304, keeps every stored post, "
        "records the check and writes the workers' copy again (VACUUM INTO)."
        + _failures(failed),
        table(["sync", "wall ms", "CPU ms", "requests to the feed"], rows),
    ]
    _wordpress(outcome, tmp)
    return outcome


def _wordpress_url() -> str | None:
    """A real WordPress answering on loopback, or None."""
    url = os.environ.get("WP_TEST_URL", "")
    if not url:
        try:
            url = (WP_STATE / "url").read_text().strip()
        except OSError:
            return None
    try:
        with urllib.request.urlopen(url.rstrip("/") + "/wp-json/", timeout=5) as reply:
            return url.rstrip("/") if reply.status == 200 else None
    except OSError:
        return None


def _wordpress(outcome: Outcome, tmp: Path) -> None:
    """The first sync of a real WordPress (read whole), then syncs with nothing changed."""
    row = "a WordPress sync with nothing changed"
    url, log = _wordpress_url(), WP_STATE / "log" / "nginx-access.log"
    if url is None or not log.is_file():
        outcome.lines.append(Line(row, "—", "≤ 1 request, ≤ "
                                  f"{SYNC_UNCHANGED_CPU_MS:g} ms CPU",
                                  "not run: no WordPress on 127.0.0.1 "
                                  "(bash ../shared/wordpress/up.sh)"))
        return
    config = _site(tmp / "sync-wordpress", "wordpress", f"{url}/")

    def asked() -> list[str]:
        """The sync's requests WordPress has logged so far (paths)."""
        lines = log.read_text(encoding="utf-8", errors="replace").splitlines()
        return [ln.split('"')[1] for ln in lines if WP_AGENT in ln and ln.count('"') >= 2]

    with open_for_sync(config.database) as store:
        before = len(asked())
        first_wall, first_cpu, first = _timed(lambda: sync_all(config, store))
        first_requests = asked()[before:]
        unchanged = []
        for _ in range(UNCHANGED_RUNS):
            before = len(asked())
            wall, cpu, results = _timed(lambda: sync_all(config, store))
            unchanged.append((wall, cpu, asked()[before:], results))
    failed = [r for r in [*first, *(x for u in unchanged for x in u[3])] if not r.ok]
    cpu_ms = statistics.median(u[1] for u in unchanged) * 1000
    most = max(len(u[2]) for u in unchanged)
    outcome.lines.append(Line(
        row,
        f"{most} request{'s' if most != 1 else ''} to WordPress, {cpu_ms:.0f} ms CPU "
        f"(median of {len(unchanged)}; the first sync, read whole: "
        f"{len(first_requests)} requests, {first_wall * 1000:,.0f} ms)",
        f"≤ 1 request, ≤ {SYNC_UNCHANGED_CPU_MS:g} ms CPU",
        verdict(most <= 1 and cpu_ms <= SYNC_UNCHANGED_CPU_MS, errors=len(failed))))
    def asked_for(paths: list[str]) -> str:
        return "<br>".join(f"`{r}`" for r in paths) or "none"

    rows = [_row("first (whole)", first_wall, first_cpu, asked_for(first_requests))]
    rows += [_row(f"unchanged {i}", w, c, asked_for(n))
             for i, (w, c, n, _) in enumerate(unchanged, 1)]
    outcome.sections += [
        f"A real WordPress ({url}, ../shared/wordpress: Debian's WordPress under nginx and "
        f"PHP-FPM, seeded with the demo posts) "
        "as a `wordpress` source, with the default `wordpress_full_every`: the first sync "
        "reads the site whole, the next ones ask for the newest posts' ids and dates and "
        "read only what changed. The requests are the lines WordPress's nginx logged with "
        "the sync's User-Agent."
        + _failures(failed),
        table(["sync", "wall ms", "CPU ms", "requests to WordPress"], rows),
    ]


def _gz(path: Path) -> bytes:
    return gzip.compress(path.read_bytes(), 6)
