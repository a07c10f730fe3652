"""Helpers for tests about processes: is a process still running, and a busy CPU for a while."""

from __future__ import annotations

import contextlib
import subprocess
import sys
import time
from collections.abc import Iterator


def running(pid: int, wait: float = 15) -> bool:
    """True when process ``pid`` is still running (not gone, not a zombie) after up to ``wait`` seconds."""
    import psutil

    deadline = time.monotonic() + wait
    while time.monotonic() < deadline:
        try:
            if psutil.Process(pid).status() == psutil.STATUS_ZOMBIE:
                return False
        except psutil.NoSuchProcess:
            return False
        time.sleep(0.3)
    return True


@contextlib.contextmanager
def busy_cpu(processes: int = 2, seconds: float = 900) -> Iterator[list[subprocess.Popen]]:
    """``processes`` busy loops (one core each) for at most ``seconds``; always ended when the block ends."""
    loop = f"import time\nend = time.monotonic() + {float(seconds)}\nwhile time.monotonic() < end:\n    pass\n"
    procs = [subprocess.Popen([sys.executable, "-c", loop]) for _ in range(processes)]
    try:
        yield procs
    finally:
        for proc in procs:
            proc.kill()
        for proc in procs:
            proc.wait(timeout=30)
