"""CPU accounting around one wrk run: how the work spread over the workers, what else ran."""

from __future__ import annotations

import os
import resource
import time
from dataclasses import dataclass

from bench.server import CLOCK_TICK_S, Server, cpu_ticks, system_busy_ticks, tree_ticks


@dataclass(frozen=True, slots=True)
class Reading:
    busiest_share: float  # the busiest worker's share of the workers' CPU time
    workers_s: float  # CPU seconds the workers used
    others: float  # CPUs kept busy meanwhile by anything but these workers and wrk


def _children_cpu_s() -> float:
    """CPU time of this process's finished (reaped) children: the wrk runs."""
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


class Meter:
    """Readings taken when created, compared with the machine's state at each read()."""

    def __init__(self, server: Server):
        self._server = server
        self._workers = server.cpu_ticks()
        self._busy = system_busy_ticks()
        self._children = _children_cpu_s()
        self._started = time.monotonic()

    def read(self, wrk_pid: int | None = None) -> Reading:
        """Pass wrk's pid while it runs; None once it has finished and been reaped."""
        now = self._server.cpu_ticks()
        used = [now[pid] - self._workers.get(pid, 0) for pid in now]
        workers_s = sum(used) * CLOCK_TICK_S
        share = max(used) / sum(used) if sum(used) else 1.0
        if wrk_pid is None:
            wrk_s = _children_cpu_s() - self._children
        else:
            wrk_s = (cpu_ticks(wrk_pid) or 0) * CLOCK_TICK_S
        busy_s = (system_busy_ticks() - self._busy) * CLOCK_TICK_S
        elapsed = max(time.monotonic() - self._started, 0.001)
        return Reading(share, workers_s, max(0.0, (busy_s - workers_s - wrk_s) / elapsed))


class Others:
    """CPUs kept busy by processes outside this one's tree (other developers' work),
    between creation and each read(): for phases without wrk, e.g. the browser's."""

    def __init__(self) -> None:
        self._busy = system_busy_ticks()
        self._ours = tree_ticks(os.getpid())
        self._started = time.monotonic()

    def read(self) -> float:
        busy = system_busy_ticks() - self._busy
        ours = tree_ticks(os.getpid()) - self._ours
        elapsed = max(time.monotonic() - self._started, 0.001)
        return max(0.0, (busy - ours) * CLOCK_TICK_S / elapsed)
