"""Records every network lookup and connection a Python process makes, for tests/test_no_outbound.py.

Python imports ``sitecustomize`` at start-up from any folder on its path, so a process started with this folder
on ``PYTHONPATH`` (and every worker it starts, which inherits the path) installs the audit hook below. It does
nothing unless ``SHORTLIST_NET_LOG`` names a file; then each event is appended to it as one JSON line. Audit
hooks see what Python's socket module does; native libraries that open sockets themselves are not seen.
"""

from __future__ import annotations

import json
import os
import sys

# Audit event, and the position of the host or address among its arguments.
_TARGET = {
    "socket.connect": 1,
    "socket.sendto": 1,
    "socket.getaddrinfo": 0,
    "socket.gethostbyname": 0,
    "socket.gethostbyname_ex": 0,
    "socket.gethostbyaddr": 0,
    "socket.getnameinfo": 0,
}


def _record(event: str, args: tuple[object, ...]) -> None:
    position = _TARGET.get(event)
    log = os.environ.get("SHORTLIST_NET_LOG")
    if position is None or not log:
        return
    entry = {"pid": os.getpid(), "event": event, "target": args[position]}
    with open(log, "a", encoding="utf-8") as handle:
        handle.write(json.dumps(entry, default=repr) + "\n")


sys.addaudithook(_record)
