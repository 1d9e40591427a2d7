"""The watchdog that cuts off a PostgreSQL transaction whose network hangs."""

from __future__ import annotations

import contextlib
import logging
import os
import socket
import threading
import time
from typing import Any

log = logging.getLogger(__name__)

TRANSACTION_DEADLINE_S = 8.0


class Watchdog:
    """Shuts down the socket of a PostgreSQL transaction that outlives its deadline.

    The server's statement_timeout cannot help when the network itself hangs, and psycopg's
    blocking calls have no client-side timeout: a shut-down socket makes them fail at once.
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._deadlines: dict[int, tuple[float, int]] = {}
        self._next = 0
        self._thread: threading.Thread | None = None

    def guard(self, raw: Any) -> int | None:
        try:
            fd = raw.driver_connection.pgconn.socket
        except Exception:  # not connected: nothing to guard
            return None
        with self._lock:
            self._next += 1
            self._deadlines[self._next] = (time.monotonic() + TRANSACTION_DEADLINE_S, fd)
            if self._thread is None:
                self._thread = threading.Thread(target=self._run, name="db-watchdog", daemon=True)
                self._thread.start()
            return self._next

    def release(self, token: int) -> None:
        with self._lock:
            self._deadlines.pop(token, None)

    def _run(self) -> None:
        while True:
            time.sleep(0.25)
            now = time.monotonic()
            with self._lock:
                late = [t for t, (deadline, _) in self._deadlines.items() if deadline < now]
                fds = [self._deadlines.pop(t)[1] for t in late]
            for fd in fds:
                log.warning(
                    "database: a transaction hung for %ss; cutting it off", TRANSACTION_DEADLINE_S
                )
                try:
                    sock = socket.socket(fileno=os.dup(fd))
                except OSError:
                    continue
                with contextlib.suppress(OSError):
                    sock.shutdown(socket.SHUT_RDWR)
                sock.close()


WATCHDOG = Watchdog()
