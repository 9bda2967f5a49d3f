"""The machine a run was measured on: CPU, cores, memory, OS, Python, packages, tools."""

from __future__ import annotations

import os
import platform
import re
import shutil
import subprocess
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

PACKAGES = ("falcon", "gunicorn", "orjson", "jinja2", "cachetools", "playwright")
TOOLS = {  # name: command that prints its version
    "nginx": ["nginx", "-v"],
    "wrk": ["wrk", "-v"],
    "chromium": ["/usr/bin/chromium", "--version"],
}


def _read(path: str) -> str:
    try:
        return Path(path).read_text()
    except OSError:
        return ""


def cpu_model() -> str:
    found = re.search(r"^model name\s*:\s*(.+)$", _read("/proc/cpuinfo"), re.M)
    return found.group(1).strip() if found else platform.processor() or "unknown"


def memory() -> str:
    found = re.search(r"^MemTotal:\s+(\d+) kB", _read("/proc/meminfo"), re.M)
    return f"{int(found.group(1)) / 1024 / 1024:.1f} GiB" if found else "unknown"


def os_name() -> str:
    found = re.search(r'^PRETTY_NAME="?([^"\n]+)', _read("/etc/os-release"), re.M)
    return f"{found.group(1) if found else platform.system()}, Linux {platform.release()}"


def package_versions() -> str:
    out = []
    for name in PACKAGES:
        try:
            out.append(f"{name} {version(name)}")
        except PackageNotFoundError:
            out.append(f"{name} (not installed)")
    return ", ".join(out)


def tool_versions() -> str:
    out = []
    for name, command in TOOLS.items():
        if shutil.which(command[0]) is None:
            out.append(f"{name} (not installed)")
            continue
        try:
            done = subprocess.run(command, capture_output=True, text=True, timeout=20)
            text = (done.stdout + done.stderr).strip().splitlines()
            found = re.search(r"\d+(\.\d+)+[\w.-]*", text[0] if text else "")
            out.append(f"{name} {found.group(0) if found else '?'}")
        except (OSError, subprocess.SubprocessError):
            out.append(f"{name} (?)")
    return ", ".join(out)


def load_average() -> str:
    one, five, _ = os.getloadavg()
    return f"{one:.2f} (1 min), {five:.2f} (5 min)"


def rows() -> list[list[str]]:
    return [
        ["CPU", f"{cpu_model()}, {os.cpu_count()} cores (shared with other developers)"],
        ["memory", memory()],
        ["OS", os_name()],
        ["Python", f"{platform.python_implementation()} {platform.python_version()}"],
        ["packages", package_versions()],
        ["tools", tool_versions()],
        ["load average at the start", load_average()],
    ]
