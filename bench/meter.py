"""Time and peak memory of one piece of work.

In its own process (the default for `python -m bench`) peak memory is the growth of
the resident set (VmHWM after resetting it through /proc/self/clear_refs, minus VmRSS
before): everything the work made resident, the database driver's buffers included.
In-process (the tests) it is tracemalloc's peak of Python allocations, which needs
no fresh process but slows the work, so those times mean little.
"""

import time
import tracemalloc
from contextlib import contextmanager
from pathlib import Path

STATUS = Path("/proc/self/status")


def _status_kb(field: str) -> int:
    for line in STATUS.read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1])
    return 0


def rss_supported() -> bool:
    try:
        Path("/proc/self/clear_refs").write_text("5")
    except OSError:
        return False
    return STATUS.exists()


class Meter:
    def __init__(self, mode: str):
        if mode == "rss" and not rss_supported():
            mode = "tracemalloc"
        self.mode = mode

    @contextmanager
    def measure(self):
        """Yields a dict that holds `seconds` and `peak_mb` when the block ends."""
        out: dict = {}
        if self.mode == "rss":
            Path("/proc/self/clear_refs").write_text("5")  # VmHWM := VmRSS
            before = _status_kb("VmRSS")
        else:
            tracemalloc.start()
        started = time.perf_counter()
        try:
            yield out
        finally:
            out["seconds"] = time.perf_counter() - started
            if self.mode == "rss":
                out["peak_mb"] = max(_status_kb("VmHWM") - before, 0) / 1024
            else:
                out["peak_mb"] = tracemalloc.get_traced_memory()[1] / 2**20
                tracemalloc.stop()
            out["memory"] = self.mode
