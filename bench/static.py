"""The static export (`solidarity-widget build OUTDIR`, widget/export/), timed."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

from bench.data import REPO, Site

EXPORT_MODULE = REPO / "widget" / "export" / "__init__.py"
SNIPPET = "nginx-site.conf"  # written by the export into OUTDIR


class ExportUnavailable(Exception):
    """The export cannot be run here: the reason goes into the report as "not run"."""


def missing() -> str | None:
    if not EXPORT_MODULE.is_file():
        return f"missing {EXPORT_MODULE.relative_to(REPO)}"
    return None


def build(site: Site, outdir: Path, *, base_url: str | None = None,
          timeout: float = 300) -> float:
    """Run `solidarity-widget --config … build OUTDIR`; seconds it took (wall clock)."""
    if (why := missing()) is not None:
        raise ExportUnavailable(why)
    cli = Path(sys.executable).with_name("solidarity-widget")
    args = [str(cli), "--config", str(site.config), "build", str(outdir)]
    if base_url is not None:
        args += ["--base-url", base_url]
    started = time.monotonic()
    done = subprocess.run(args, cwd=site.config.parent, env={**os.environ, **site.env()},
                          capture_output=True, text=True, timeout=timeout)
    seconds = time.monotonic() - started
    if done.returncode != 0:
        raise ExportUnavailable(f"`solidarity-widget build` failed ({done.returncode}): "
                                + (done.stderr or done.stdout).strip()[-300:])
    if not (outdir / SNIPPET).is_file():
        raise ExportUnavailable(f"`solidarity-widget build` wrote no {SNIPPET}")
    return seconds
