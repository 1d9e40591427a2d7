"""Notice edited flow files (and their patient stories) in the running bot (watchfiles)."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from pathlib import Path

from watchfiles import awatch

from bot.flow.loader import FLOW_SUFFIXES

log = logging.getLogger(__name__)

RETRY_AFTER_S = 5.0


def _flow_file(_change: object, path: str) -> bool:
    return path.endswith(FLOW_SUFFIXES)


async def watch_flows(
    flows_dir: Path, on_change: Callable[[], Awaitable[None]], *, debounce_ms: int = 1600
) -> None:
    """Call ``on_change`` after flow files under ``flows_dir`` changed and settled.

    Runs until cancelled; a watcher failure (the folder removed, say) is logged and the
    watch starts again a little later."""
    while True:
        try:
            async for _changes in awatch(
                flows_dir, watch_filter=_flow_file, debounce=debounce_ms, step=min(50, debounce_ms)
            ):
                await on_change()
        except asyncio.CancelledError:
            raise
        except Exception as exc:  # keep serving; the old flows are still live
            log.warning("watching %s failed (%s); trying again shortly", flows_dir, exc)
        await asyncio.sleep(RETRY_AFTER_S)
