"""One structured log line and the metrics for each update the inbox worker handles.

The line names the update id, an opaque person key (a keyed hash: never a chat id, name or
text), the state before and after, the duration and the result. With ``LOG_FORMAT=json``
its fields become JSON keys (see ``bot.logs``).
"""

from __future__ import annotations

import logging
import time
from collections.abc import Iterator
from contextlib import contextmanager

from bot.channels.conversations import STEP_REPORT
from bot.channels.telegram import metrics
from bot.privacy.redaction import opaque

log = logging.getLogger("bot.updates")


class UpdateRecord:
    """What happened to one update; ``result`` is set by the worker."""

    def __init__(self, update_id: int) -> None:
        self.update_id = update_id
        self.result = "done"
        self.step: dict[str, str | None] = {}


@contextmanager
def recorded(update_id: int, person: str | None) -> Iterator[UpdateRecord]:
    """Time the handling of an update, then log its line and count it."""
    record = UpdateRecord(update_id)
    token = STEP_REPORT.set(record.step)
    begin = time.perf_counter()
    try:
        yield record
    except BaseException:
        record.result = "failed"
        raise
    finally:
        STEP_REPORT.reset(token)
        seconds = time.perf_counter() - begin
        metrics.UPDATE_SECONDS.observe(seconds)
        metrics.UPDATES_HANDLED.labels(record.result).inc()
        step = record.step
        if step.get("outcome"):
            metrics.OUTCOMES.labels(step.get("flow") or "-", step["outcome"]).inc()
        if log.isEnabledFor(logging.INFO):  # the keyed hash costs more than the rest
            _log_line(update_id, person, record, seconds)


def _log_line(update_id: int, person: str | None, record: UpdateRecord, seconds: float) -> None:
    step = record.step
    fields = {
        "update_id": update_id,
        "person": opaque(person) if person is not None else "-",
        "state_before": step.get("before"),
        "state_after": step.get("after"),
        "outcome": step.get("outcome"),
        "duration_ms": round(seconds * 1000, 2),
        "result": record.result,
    }
    log.info(" ".join(f"{name}=%s" for name in fields), *fields.values(), extra={"fields": fields})
