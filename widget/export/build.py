"""The entry point: `export()` builds the whole tree beside OUTDIR (answers, manifest,
nginx snippet, marker) and swaps it in at once; `Report` says what it wrote."""

from __future__ import annotations

import datetime as dt
import os
import shutil
import tempfile
import time
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

import orjson

from widget.config import Config
from widget.export.exporter import Exporter
from widget.export.nginx import DayLifetime, nginx_snippet, plan_locations
from widget.export.tree import MANIFEST, MARKER, NGINX_SNIPPET, Tree, check_replaceable, swap_in
from widget.store import Store


@dataclass
class Report:
    outdir: Path
    files: int = 0
    bytes: int = 0
    seconds: float = 0.0
    version: str = ""
    notes: list[str] = field(default_factory=list)
    # The first local midnight after the build at which a day number changes: the
    # export shows the old one from then on, until it is built again.
    changes_at: dt.datetime | None = None

    def summary(self) -> str:
        lines = [f"exported {self.files} files, {self.bytes:,} bytes in {self.seconds:.1f} s "
                 f"to {self.outdir} (snapshot {self.version})"]
        if self.changes_at is not None:
            at = self.changes_at.astimezone(dt.UTC)
            lines.append(f"day numbers change at {at:%Y-%m-%d %H:%M:%S} UTC (a local "
                         "midnight): build again just after it")
        lines += [f"note: {n}" for n in self.notes]
        return "\n".join(lines)


def export(config: Config, outdir: Path, *, extra_urls: Iterable[str] = (),
           day_max_age: int = 60, now: dt.datetime | None = None) -> Report:
    """Write the static export of `config`'s store to `outdir`, replacing it whole."""
    started = time.monotonic()
    outdir = Path(os.path.abspath(outdir))
    check_replaceable(outdir)
    outdir.parent.mkdir(parents=True, exist_ok=True)
    now = now or dt.datetime.now(dt.UTC)
    tmp = Path(tempfile.mkdtemp(prefix=outdir.name + ".tmp-", dir=outdir.parent))
    try:
        tree = Tree(tmp, outdir)
        with Store(config.database, readonly=True) as store:
            exporter = Exporter(config, store, now, tree)
            exporter.run(extra_urls)
            locations = plan_locations(exporter.written, exporter.not_found,
                                       exporter.removed)
        day = DayLifetime(day_max_age, config.stale_if_error, exporter.changes_at)
        tree.write(MANIFEST, orjson.dumps({
            "base_url": config.base_url,
            "built_at": now.isoformat(),
            "version": exporter.version,
            "changes_at": day.changes_at.isoformat() if day.changes_at else None,
            "files": [{"url": w.url, "file": w.file, "content_type": w.content_type,
                       "bytes": w.size, "status": w.status} for w in exporter.written],
            "notes": exporter.notes,
        }, option=orjson.OPT_INDENT_2))
        summary = (f"snapshot {exporter.version}, built {now:%Y-%m-%d %H:%M} UTC "
                   f"for {config.base_url}")
        tree.write(NGINX_SNIPPET, nginx_snippet(
            outdir, locations, exporter.preflight, summary, day).encode())
        tree.write(MARKER, b"written by solidarity-widget build\n")
        os.chmod(tmp, 0o755)
        swap_in(tmp, outdir)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    return Report(outdir, files=tree.files, bytes=tree.bytes,
                  seconds=time.monotonic() - started, version=exporter.version,
                  notes=exporter.notes, changes_at=exporter.changes_at)
