"""Start the site as production does (`make serve`), on the benchmark's database and
cache, wait until it answers, and stop it afterwards (its whole process group, which
this module created)."""

import os
import signal
import subprocess
import time
import urllib.error
import urllib.request
from contextlib import contextmanager
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
STOP_SIGNALS = (signal.SIGTERM, signal.SIGHUP)


def has_make_serve() -> bool:
    makefile = (BASE_DIR / "Makefile").read_text()
    return any(line.startswith("serve:") for line in makefile.splitlines())


def command(host: str, port: int) -> tuple[list[str], str]:
    """`make serve` when the Makefile has it; else Django's runserver as a stand-in
    (one process, threads) — the report says which."""
    if has_make_serve():
        return ["make", "--no-print-directory", "serve"], "make serve"
    python = str(BASE_DIR / ".venv" / "bin" / "python")
    cmd = [python, "manage.py", "runserver", "--noreload", f"{host}:{port}"]
    return cmd, "manage.py runserver --noreload (stand-in: no `make serve` yet)"


def _answers(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=2) as response:
            return response.status == 200
    except (urllib.error.URLError, OSError):
        return False


def wait_idle(base: str, *, limit: float = 300.0) -> float:
    """Wait until the server has worked off what the last load run left queued (it
    keeps serving requests whose client has gone): the bare view answers within 30 ms
    three times in a row and the database runs no other query. Returns the seconds
    waited, so the next run starts on an idle server and measures only itself."""
    started = time.monotonic()
    quick = 0
    while quick < 3 and time.monotonic() - started < limit:
        t = time.monotonic()
        ok = _answers(base + "/bench/bare/") and time.monotonic() - t < 0.03
        quick = quick + 1 if ok and _database_idle() else 0
        time.sleep(0.3)
    return time.monotonic() - started


def _database_idle() -> bool:
    from django.db import connection

    if connection.vendor != "postgresql":
        return True
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
            "AND state = 'active' AND pid <> pg_backend_pid()"
        )
        return cursor.fetchone()[0] == 0


def _stop(process: subprocess.Popen) -> None:
    """SIGTERM to the group this module started, then wait until every process of it
    (the server finishes its requests first) is gone; SIGKILL after a minute."""
    try:
        os.killpg(process.pid, signal.SIGTERM)
    except ProcessLookupError:
        return
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        process.poll()
        try:
            os.killpg(process.pid, 0)
        except ProcessLookupError:
            return
        time.sleep(0.5)
    os.killpg(process.pid, signal.SIGKILL)


def _described(log: Path) -> str:
    """What the server said about itself (`make serve` prints its workers and threads)."""
    for line in log.read_text(errors="replace").splitlines():
        if "workers" in line and "http://" in line:
            return " — " + line.strip()
    return ""


def _exit_on_signal(signum, frame):
    for sig in STOP_SIGNALS:  # a second signal must not cut the server's stop short
        signal.signal(sig, signal.SIG_IGN)
    raise SystemExit(128 + signum)


@contextmanager
def _stoppable():
    """SIGTERM and SIGHUP end the benchmark like Ctrl-C does: as an exception, so the
    `finally` below stops the server (killed without it, the server outlived us)."""
    previous = {sig: signal.signal(sig, _exit_on_signal) for sig in STOP_SIGNALS}
    try:
        yield
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)


@contextmanager
def running(env: dict, *, host: str, port: int, log: Path, wait: int = 180):
    """The server, up and answering /bench/bare/; yields how it was started."""
    with _stoppable(), _serving(env, host=host, port=port, log=log, wait=wait) as how:
        yield how


@contextmanager
def _serving(env: dict, *, host: str, port: int, log: Path, wait: int):
    cmd, how = command(host, port)
    env = {**os.environ, **env, "HOST": host, "PORT": str(port)}
    log.parent.mkdir(parents=True, exist_ok=True)
    with open(log, "wb") as out:
        process = subprocess.Popen(
            cmd, cwd=BASE_DIR, env=env, stdout=out, stderr=subprocess.STDOUT,
            start_new_session=True,
        )  # fmt: skip
        try:
            deadline = time.monotonic() + wait
            while not _answers(f"http://{host}:{port}/bench/bare/"):
                if process.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError(f"the server did not start ({how}); see {log}")
                time.sleep(0.5)
            yield how + _described(log)
        finally:
            _stop(process)
