"""gunicorn's logger, without client addresses (widget.gunicorn_conf's `logger_class`).

The README promises no client address in any log. gunicorn itself writes some into
its error log: "Invalid request from ip=203.0.113.7: …" for every malformed request,
socket addresses such as "('203.0.113.7', 51234)" in some errors, and its workers'
tracebacks may hold either. So every line the error log writes, traceback included,
is scrubbed as it is formatted, whichever logger or handler (stream, file, syslog) it
went through:

- `ip=ANYTHING` becomes `ip=[address]`;
- a Python socket address, `('…', PORT)` or `('…', PORT, FLOW, SCOPE)`, becomes
  `[address]`;
- any other IPv4 or IPv6 address (with its port, if one follows) becomes `[address]`,
  except the server's own listening addresses, exactly as `bind` names them
  ("Listening at: http://127.0.0.1:8000" stays readable). A client's address can never
  equal one of those: its port is its own, not the one the server listens on.

The access log is off by default; when it is turned on, its atoms that carry a client
address (`%(h)s`, `{remote_addr}e`, `{x-forwarded-for}i`, …) are `-` whatever the
format asks for.

The gunicorn master loads this module too (it logs), so it imports nothing of the
service: a master that has run for months hands it to workers of newer code.
"""

from __future__ import annotations

import ipaddress
import logging
import re
from collections.abc import Iterable
from typing import Any

from gunicorn import glogging

HIDDEN = "[address]"

# "ip=VALUE", VALUE up to the next space (a colon that ends it, as in "ip=::1: …", stays).
_IP_EQUALS = re.compile(r"\bip=\S+?(?=:?(?:\s|$)|[,;)])")
_SOCKET_ADDRESS = re.compile(
    r"\(\s*(?:'[^']*'|\"[^\"]*\")\s*,\s*\d+\s*(?:,\s*\d+\s*,\s*\d+\s*)?\)")
_BRACKETED_V6 = re.compile(r"\[([0-9A-Fa-f:.]+(?:%[\w.-]+)?)\](?::(\d{1,5}))?")
_V4 = re.compile(r"(?<![\w.])(\d{1,3}(?:\.\d{1,3}){3})(?::(\d{1,5}))?(?![\w.])")
# Candidates only: ipaddress decides. "20:53:57" (a time) is not an IPv6 address.
_V6 = re.compile(r"(?<![\w:.[])([0-9A-Fa-f]{0,4}(?::[0-9A-Fa-f]{0,4}){2,7}"
                 r"(?::\d{1,3}(?:\.\d{1,3}){3})?(?:%[\w.-]+)?)(?![\w:.\]])")
# Request and environ atoms that hold a client's address, for the access log.
_ADDRESS_ATOMS = ("h", "{remote_addr}e", "{remote_port}e", "{x-forwarded-for}i",
                  "{x-real-ip}i", "{forwarded}i", "{true-client-ip}i", "{cf-connecting-ip}i")


def _is_ip(text: str) -> bool:
    try:
        ipaddress.ip_address(text.split("%", 1)[0])
    except ValueError:
        return False
    return True


def own_addresses(binds: Iterable[str]) -> frozenset[str]:
    """The `host:port` forms of the listening addresses that may be shown as they are."""
    kept = set()
    for bind in binds:
        if bind.startswith(("unix:", "fd://")):
            continue
        kept.add(bind)
        host, _, port = bind.rpartition(":")
        if host.startswith("[") and host.endswith("]"):
            kept.add(f"{host[1:-1]}:{port}")
    return frozenset(kept)


def scrub(text: str, keep: frozenset[str] = frozenset()) -> str:
    """`text` with every client address replaced by `[address]` (see the module's doc)."""
    text = _IP_EQUALS.sub(f"ip={HIDDEN}", text)
    text = _SOCKET_ADDRESS.sub(HIDDEN, text)

    def replace(match: re.Match[str]) -> str:
        if match.group(0) in keep or not _is_ip(match.group(1)):
            return match.group(0)
        return HIDDEN

    text = _BRACKETED_V6.sub(replace, text)
    text = _V4.sub(replace, text)
    return _V6.sub(replace, text)


class ScrubbingFormatter(logging.Formatter):
    """Formats with the handler's own formatter, then takes the addresses out."""

    def __init__(self, inner: logging.Formatter | None, keep: frozenset[str]):
        super().__init__()
        self.inner = inner or logging.Formatter()
        self.keep = keep

    def format(self, record: logging.LogRecord) -> str:
        return scrub(self.inner.format(record), self.keep)


class ScrubbingStream:
    """A text stream (gevent's hub prints failed greenlets to one) that scrubs each write."""

    def __init__(self, stream: Any, keep: frozenset[str]):
        self.stream = stream
        self.keep = keep

    def write(self, text: str) -> int:
        return int(self.stream.write(scrub(text, self.keep)) or 0)

    def flush(self) -> None:
        self.stream.flush()


class Logger(glogging.Logger):
    """gunicorn.glogging.Logger whose error log never shows a client's address."""

    def setup(self, cfg: Any) -> None:
        super().setup(cfg)  # also run again on SIGHUP: the handlers are new each time
        keep = own_addresses(cfg.bind or ())
        for handler in self.error_log.handlers:
            if not isinstance(handler.formatter, ScrubbingFormatter):
                handler.setFormatter(ScrubbingFormatter(handler.formatter, keep))

    def atoms(self, resp: Any, req: Any, environ: Any, request_time: Any) -> dict[str, Any]:
        atoms: dict[str, Any] = super().atoms(resp, req, environ, request_time)
        for name in _ADDRESS_ATOMS:
            if name in atoms:
                atoms[name] = "-"
        return atoms
