"""Load runs with wrk (a real HTTP load generator, C, event loop): a fixed number of
connections for a fixed time against the server, with bench/wrk.lua counting the
answers by status class. The request rate is whatever the server sustains."""

import os
import re
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

SCRIPT = Path(__file__).resolve().parent / "wrk.lua"
LINE = re.compile(r"^BENCH (.*)$", re.MULTILINE)


@dataclass
class LoadResult:
    requests: int
    seconds: float
    p50_ms: float
    p99_ms: float
    max_ms: float
    status_2xx: int
    status_3xx: int
    status_4xx: int
    status_5xx: int
    socket_errors: int

    @property
    def rps(self) -> float:
        return self.requests / self.seconds if self.seconds else 0.0

    @property
    def errors(self) -> int:
        """Everything that is not a 2xx or 3xx answer: 4xx, 5xx, and sockets that
        failed or timed out."""
        return self.status_4xx + self.status_5xx + self.socket_errors


def ensure_wrk() -> str:
    """wrk's path; installs the Debian package when it is missing (and apt-get is here)."""
    found = shutil.which("wrk")
    if found:
        return found
    if shutil.which("apt-get") and os.geteuid() == 0:
        subprocess.run(["apt-get", "install", "-y", "wrk"], check=True)
    found = shutil.which("wrk")
    if not found:
        raise SystemExit(
            "wrk is needed for the HTTP runs: apt-get install wrk (or brew install wrk)"
        )
    return found


def parse(output: str) -> LoadResult:
    match = LINE.search(output)
    if not match:
        raise RuntimeError(f"wrk printed no result:\n{output}")
    v = {k: int(x) for k, x in (pair.split("=") for pair in match.group(1).split())}
    return LoadResult(
        requests=v["requests"], seconds=v["duration_us"] / 1e6,
        p50_ms=v["p50_us"] / 1000, p99_ms=v["p99_us"] / 1000, max_ms=v["max_us"] / 1000,
        status_2xx=v["s2"], status_3xx=v["s3"], status_4xx=v["s4"], status_5xx=v["s5"],
        socket_errors=v["connect"] + v["read"] + v["write"] + v["timeout"],
    )  # fmt: skip


def run(
    url: str, *, connections: int, seconds: int, cookie: str = "", paths: list[str] = (),
    threads: int = 2, timeout: int = 30, headers: tuple[str, ...] = (),
) -> LoadResult:  # fmt: skip
    """One wrk run. `paths`: rotate over these paths (the soak) instead of `url`'s.
    With a 30 s `timeout` a slow answer shows in the latencies; only one nobody would
    wait for counts as an error."""
    cmd = [
        ensure_wrk(), f"-t{min(threads, connections)}", f"-c{connections}", f"-d{seconds}s",
        f"--timeout={timeout}s", "-s", str(SCRIPT),
    ]  # fmt: skip
    if cookie:
        cmd += ["-H", f"Cookie: {cookie}"]
    for header in headers:
        cmd += ["-H", header]
    env = {**os.environ, "BENCH_PATHS": " ".join(paths)} if paths else None
    done = subprocess.run(
        [*cmd, url], capture_output=True, text=True, env=env, timeout=seconds + 60
    )
    if done.returncode != 0:
        raise RuntimeError(f"wrk failed ({done.returncode}): {done.stderr or done.stdout}")
    return parse(done.stdout)
