"""Start Square's production processes: `make serve` (web) and `make worker` (tasks).

    python scripts/serve.py web [--dry-run]
    python scripts/serve.py worker [--dry-run]

Both read the same environment as every other command (the variables, then `.env`),
with DEBUG forced off. On a machine with nothing configured they still start: a
SECRET_KEY is generated once into `.secret_key` (git-ignored) and passed as
SECRET_KEY_FILE; without a TLS proxy (BEHIND_TLS_PROXY off) the site is plain HTTP on
127.0.0.1, so the HTTPS redirect, HSTS and secure-only cookies default to off; local
uploads are served by Django. Every such choice is printed with the variable that
changes it. `web` collects the static files, migrates (unless SERVE_MIGRATE=0) and
then becomes granian (WSGI, threaded workers); `worker` becomes `manage.py db_worker`.
"""

import os
import secrets
import subprocess
import sys
from pathlib import Path

import environ

BASE_DIR = Path(__file__).resolve().parent.parent
PYTHON = sys.executable


def _say(line: str = "") -> None:
    print(f"  {line}" if line else "", flush=True)


def _prepare(role: str) -> dict[str, str]:
    """The environment the processes get, with the local defaults filled in."""
    environ.Env.read_env(BASE_DIR / ".env", overwrite=False)  # the environment wins
    env = dict(os.environ)
    if env.get("DEBUG", "").strip().lower() in ("1", "true", "on", "yes"):
        _say("DEBUG is set in the environment or .env; serving with DEBUG off regardless.")
    env["DEBUG"] = "0"
    env.setdefault("DJANGO_SETTINGS_MODULE", "square.project.settings")

    if not env.get("SECRET_KEY") and not env.get("SECRET_KEY_FILE"):
        key_file = BASE_DIR / ".secret_key"
        if not key_file.exists():
            key_file.write_text(secrets.token_urlsafe(50) + "\n")
            key_file.chmod(0o600)
            _say(f"Generated a secret key in {key_file.name} (git-ignored).")
        env["SECRET_KEY_FILE"] = str(key_file)
        _say(
            "No SECRET_KEY set: using the one in .secret_key. In production set SECRET_KEY "
            "(the same on every app server): see .env.example and docs/deploy.md."
        )

    if env.get("BEHIND_TLS_PROXY", "0").strip().lower() not in ("1", "true", "on", "yes"):
        plain = {
            "SECURE_SSL_REDIRECT": "0",
            "SECURE_HSTS_SECONDS": "0",
            "SESSION_COOKIE_SECURE": "0",
            "CSRF_COOKIE_SECURE": "0",
        }
        defaulted = [name for name in plain if name not in env]
        for name in defaulted:
            env[name] = plain[name]
        if defaulted and role == "web":
            _say(
                "No TLS proxy (BEHIND_TLS_PROXY=0): plain HTTP, so "
                + ", ".join(defaulted)
                + " default to off. Behind a TLS-terminating proxy set BEHIND_TLS_PROXY=1."
            )

    if env.get("MEDIA_STORAGE", "local") == "local" and "SERVE_MEDIA" not in env:
        env["SERVE_MEDIA"] = "1"
    if env.get("SERVE_MEDIA") == "1" and role == "web":
        _say(
            "Uploads are served from MEDIA_ROOT by the app (SERVE_MEDIA=1). With several "
            "app servers use MEDIA_STORAGE=s3 (docs/deploy.md)."
        )

    database = env.get("DATABASE_URL", "sqlite:///db.sqlite3")
    if database.startswith("sqlite"):
        _say("Database: SQLite (one machine only). Production: DATABASE_URL=postgres://…")
    cache = env.get("CACHE_URL", "")
    if not cache or cache.startswith("locmem"):
        _say(
            "WARNING: CACHE_URL is the local-memory cache: rate limits and cached pages are "
            "per process, so each worker counts on its own. Production: "
            "CACHE_URL=redis://HOST:6379/0"
        )
    return env


def _manage(env: dict, *args: str) -> None:
    subprocess.run([PYTHON, "manage.py", *args], cwd=BASE_DIR, env=env, check=True)


def web_command(env: dict) -> list[str]:
    """granian, WSGI interface: WEB_CONCURRENCY processes, each running requests on
    WEB_THREADS threads, HTTP/1.1 keep-alive (docs/deploy.md: why granian)."""
    host = env.get("HOST", "127.0.0.1")
    port = env.get("PORT", "8000")
    workers = env.get("WEB_CONCURRENCY") or str(os.cpu_count() or 1)
    threads = env.get("WEB_THREADS", "4")
    # Each thread holds one database connection while it serves a request.
    env.setdefault("DATABASE_POOL_MAX_SIZE", threads)
    env["WEB_CONCURRENCY"] = workers
    return [
        PYTHON,
        "-m",
        "granian",
        "--interface=wsgi",
        f"--host={host}",
        f"--port={port}",
        f"--workers={workers}",
        f"--blocking-threads={threads}",
        "--no-ws",
        "--access-log",
        "--respawn-failed-workers",
        "--workers-kill-timeout=30",
        "square.project.wsgi:application",
    ]


def worker_command(env: dict) -> list[str]:
    return [PYTHON, "manage.py", "db_worker", "--no-reload", "--queue-name=*"]


def main(argv: list[str]) -> int:
    role = argv[0] if argv and not argv[0].startswith("-") else "web"
    dry_run = "--dry-run" in argv
    if role not in ("web", "worker"):
        print(f"usage: {sys.argv[0]} web|worker [--dry-run]", file=sys.stderr)
        return 2
    _say()
    env = _prepare(role)
    if role == "worker":
        if env.get("TASKS_BACKEND", "immediate") != "database":
            _say(
                "TASKS_BACKEND is not 'database': tasks run inside the web processes and "
                "there is nothing for a worker to do. Set TASKS_BACKEND=database for both "
                "`make serve` and `make worker` (with PostgreSQL: docs/deploy.md)."
            )
            return 1
        command = worker_command(env)
        _say("Worker: runs the tasks queued in the database (Ctrl+C stops it after the task).")
    else:
        command = web_command(env)
        backend = env.get("TASKS_BACKEND", "immediate")
        _say(
            f"Background tasks: {backend}"
            + (
                " (start `make worker` too)."
                if backend == "database"
                else " (in the web processes)."
            )
        )
        _say(
            f"Square on granian: http://{env.get('HOST', '127.0.0.1')}:{env.get('PORT', '8000')}/"
            f"  ({env['WEB_CONCURRENCY']} workers × {env.get('WEB_THREADS', '4')} threads;"
            " WEB_CONCURRENCY, WEB_THREADS)"
        )
    _say()
    if dry_run:
        print(" ".join(command))
        return 0
    if role == "web":
        _manage(env, "collectstatic", "--noinput", "--verbosity=0")
        if env.get("SERVE_MIGRATE", "1") != "0":  # several nodes: migrate once per release
            _manage(env, "migrate", "--noinput", "--verbosity=1")
    os.chdir(BASE_DIR)
    os.execve(command[0], command, env)
    return 0  # not reached


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
