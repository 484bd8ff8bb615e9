"""Debian's haproxy in front of several app servers, round robin: the benchmark's
two-node soak and the two-node coherence test (`campaigns/tests/test_two_nodes.py`)
start it the same way."""

import os
import shutil
import subprocess
from contextlib import contextmanager
from pathlib import Path


def haproxy_path() -> str | None:
    """haproxy's path, installing Debian's package when it is missing and apt-get is
    here; None when it cannot be had (the caller says so in one line)."""
    if shutil.which("haproxy") is None and shutil.which("apt-get") is not None:
        subprocess.run(
            "apt-get install -y -qq haproxy"
            " || (apt-get update -qq && apt-get install -y -qq haproxy)",
            shell=True, capture_output=True, check=False,
            env={**os.environ, "DEBIAN_FRONTEND": "noninteractive"},
        )  # fmt: skip
    path = shutil.which("haproxy") or "/usr/sbin/haproxy"
    return path if os.path.exists(path) else None


def config(port: int, node_ports: list[int], *, timeout_s: int = 30) -> str:
    """A minimal HTTP balancer on 127.0.0.1:`port` over the nodes, round robin."""
    servers = "".join(f"  server n{i} 127.0.0.1:{p}\n" for i, p in enumerate(node_ports))
    return (
        "defaults\n  mode http\n  timeout connect 5s\n"
        f"  timeout client {timeout_s}s\n  timeout server {timeout_s}s\n"
        f"frontend square\n  bind 127.0.0.1:{port}\n  default_backend nodes\n"
        f"backend nodes\n  balance roundrobin\n{servers}"
    )


@contextmanager
def balancing(haproxy: str, *, port: int, node_ports: list[int], workdir: Path):
    """haproxy running in the foreground of its own process group; yields its URL and
    stops it afterwards."""
    cfg = Path(workdir) / f"haproxy-{port}.cfg"
    cfg.write_text(config(port, node_ports))
    process = subprocess.Popen(
        [haproxy, "-f", str(cfg), "-db"], start_new_session=True,
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
