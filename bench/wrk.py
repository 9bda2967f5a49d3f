"""Run wrk against a loopback URL and read requests/s and latency percentiles from --latency."""

from __future__ import annotations

import re
import shutil
import subprocess
from collections.abc import Callable, Mapping
from dataclasses import dataclass

from bench.plan import Load

WRK = shutil.which("wrk") or "/usr/bin/wrk"
_UNITS_MS = {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60_000.0}
_REQ_S = re.compile(r"^Requests/sec:\s+([\d.]+)", re.M)
_TOTAL = re.compile(r"^\s*(\d+) requests in ", re.M)
_PCT = re.compile(r"^\s+(50|75|90|99)(?:\.0+)?%\s+([\d.]+)(us|ms|s|m)\s*$", re.M)
_MAX = re.compile(r"^\s+Latency\s+\S+\s+\S+\s+([\d.]+)(us|ms|s|m)", re.M)
_NON_2XX = re.compile(r"Non-2xx or 3xx responses:\s+(\d+)")
_SOCKET = re.compile(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)")


@dataclass(frozen=True, slots=True)
class Result:
    requests_per_s: float
    requests: int
    p50_ms: float
    p99_ms: float
    errors: int  # socket errors + non-2xx/3xx answers
    max_ms: float = 0.0


def parse(output: str) -> Result:
    rate, total = _REQ_S.search(output), _TOTAL.search(output)
    pct = {p: float(v) * _UNITS_MS[u] for p, v, u in _PCT.findall(output)}
    if rate is None or total is None or not {"50", "99"} <= pct.keys():
        raise ValueError(f"cannot read wrk output:\n{output}")
    errors = sum(int(n) for n in _SOCKET.findall(output)[0]) if _SOCKET.search(output) else 0
    if bad := _NON_2XX.search(output):
        errors += int(bad.group(1))
    longest = _MAX.search(output)
    max_ms = float(longest.group(1)) * _UNITS_MS[longest.group(2)] if longest else 0.0
    return Result(float(rate.group(1)), int(total.group(1)), pct["50"], pct["99"], errors,
                  max_ms)


def command(url: str, load: Load, seconds: int,
            headers: Mapping[str, str] | None = None) -> list[str]:
    if not url.startswith("http://127.0.0.1:"):
        raise ValueError(f"only loopback is loaded: {url}")
    args = [WRK, f"-t{load.threads}", f"-c{load.connections}", f"-d{seconds}s",
            "--timeout", "5s", "--latency"]
    for name, value in (headers or {}).items():
        args += ["-H", f"{name}: {value}"]
    return args + [url]


def run(url: str, load: Load, seconds: int, headers: Mapping[str, str] | None = None, *,
        keep_going: Callable[[int], bool] | None = None) -> Result | None:
    """One wrk run. `keep_going(wrk_pid)`, asked after load.check_after_s, may stop it: None."""
    proc = subprocess.Popen(command(url, load, seconds, headers), stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)
    try:
        if keep_going is not None and seconds > load.check_after_s:
            try:
                proc.wait(load.check_after_s)
            except subprocess.TimeoutExpired:
                if not keep_going(proc.pid):
                    return None
        out, err = proc.communicate(timeout=seconds + 30)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.communicate()
    if proc.returncode != 0:
        raise RuntimeError(f"wrk failed ({proc.returncode}): {err or out}")
    return parse(out)
