"""A small tmpfs the test owns: to fill it up, or to turn it read-only and back.

Root ignores file permissions, so a read-only file system is the honest way to make a
file unwritable here. Remounting read-only needs no file open for writing on it.
"""

from __future__ import annotations

import contextlib
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest


@contextlib.contextmanager
def tmpfs(path: Path, size: str = "3m") -> Iterator[Path]:
    """Mount a fresh tmpfs of ``size`` at ``path`` for the duration of the block."""
    path.mkdir()
    done = subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(path)])
    if done.returncode:
        pytest.skip("needs root to mount a tmpfs")
    try:
        yield path
    finally:
        subprocess.run(["umount", "-l", str(path)])


def remount(path: Path, mode: str) -> None:
    """Turn the tmpfs at ``path`` read-only (``"ro"``) or writable (``"rw"``)."""
    subprocess.run(["mount", "-o", f"remount,{mode}", str(path)], check=True)
