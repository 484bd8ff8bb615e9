"""Production settings pass Django's deployment checklist, and required values are required."""

import json
import os
import secrets
import shutil
import subprocess
import sys
from pathlib import Path

from django.conf import settings

BASE = Path(settings.BASE_DIR)


def _manage(*args, **env):
    clean = {k: v for k, v in os.environ.items() if k not in {"DJANGO_SETTINGS_MODULE"}}
    clean.update(env)
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=BASE,
        env=clean,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_check_deploy_is_clean_with_production_variables(tmp_path):
    result = _manage(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        DEBUG="0",
        SECRET_KEY=secrets.token_urlsafe(50),
        ALLOWED_HOSTS="square.example.com",
        DATABASE_URL=f"sqlite:///{tmp_path / 'deploy.sqlite3'}",
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_secret_key_is_required_without_debug(tmp_path):
    result = _manage("check", DEBUG="0", SECRET_KEY="", DATABASE_URL="sqlite:///:memory:")
    assert result.returncode != 0
    assert "SECRET_KEY must be set" in result.stderr


def test_time_zone_and_languages():
    assert settings.TIME_ZONE == "Asia/Shanghai"
    assert settings.USE_TZ is True
    assert settings.LANGUAGE_CODE == "zh-hans"
    assert [code for code, _ in settings.LANGUAGES] == ["zh-hans", "en"]


# --- the production stack ---------------------------------------------------------------

PRODUCTION = {"DEBUG": "0", "SECRET_KEY": "k" * 50, "DATABASE_URL": "sqlite:///:memory:"}
SHOW = """
import json, django
django.setup()
from django.conf import settings as s
from django.tasks import task_backends
tasks = type(task_backends["default"])
print(json.dumps({
    "middleware": s.MIDDLEWARE[:2],
    "staticfiles": s.STORAGES["staticfiles"]["BACKEND"],
    "media": s.STORAGES["default"],
    "img_src": s.SECURE_CSP["img-src"],
    "tasks": f"{tasks.__module__}.{tasks.__name__}",
    "database": {k: v for k, v in s.DATABASES["default"].items() if k != "TEST"},
    "cache": s.CACHES["default"]["BACKEND"],
    "sessions": s.SESSION_ENGINE,
    "serve_media": s.SERVE_MEDIA,
    "hosts": s.ALLOWED_HOSTS,
    "key": s.SECRET_KEY,
}, default=str))
"""


def _settings_with(**env) -> dict:
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "TASKS_"))}
    clean.update({"DJANGO_SETTINGS_MODULE": "square.project.settings", **env})
    result = subprocess.run(
        [sys.executable, "-c", SHOW], cwd=BASE, env=clean, capture_output=True, text=True
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def test_without_debug_whitenoise_serves_compressed_hashed_static_files():
    shown = _settings_with(**PRODUCTION)
    assert shown["middleware"] == [
        "django.middleware.security.SecurityMiddleware",
        "whitenoise.middleware.WhiteNoiseMiddleware",
    ]
    assert shown["staticfiles"] == "whitenoise.storage.CompressedManifestStaticFilesStorage"
    assert shown["serve_media"] is False
    assert "localhost" in shown["hosts"] and "127.0.0.1" in shown["hosts"]
    debug = _settings_with(DEBUG="1", DATABASE_URL="sqlite:///:memory:")
    assert debug["staticfiles"] == "django.contrib.staticfiles.storage.StaticFilesStorage"
    assert debug["serve_media"] is True


def test_the_tests_use_plain_static_storage_and_run_tasks_in_process():
    assert settings.STORAGES["staticfiles"]["BACKEND"].endswith(".StaticFilesStorage")
    assert settings.TASKS["default"]["BACKEND"].endswith(".ImmediateBackend")


def test_the_task_backend_comes_from_the_environment():
    assert _settings_with(**PRODUCTION)["tasks"] == (
        "django.tasks.backends.immediate.ImmediateBackend"
    )
    shown = _settings_with(**PRODUCTION, TASKS_BACKEND="database")
    assert shown["tasks"] == "django_tasks_db.backend.DatabaseBackend"
    result = _manage("check", **PRODUCTION, TASKS_BACKEND="celery")
    assert result.returncode != 0
    assert "TASKS_BACKEND must be one of" in result.stderr


def test_postgresql_goes_through_the_psycopg_pool():
    url = "postgres://square:pw@db.internal:5432/square"
    pg = {**PRODUCTION, "DATABASE_URL": url}
    database = _settings_with(**pg)["database"]
    assert database["ENGINE"] == "django.db.backends.postgresql"
    assert database["CONN_MAX_AGE"] == 0
    assert database["OPTIONS"]["pool"] == {"min_size": 1, "max_size": 4, "timeout": 10.0}
    sized = _settings_with(**pg, DATABASE_POOL_MAX_SIZE="8")
    assert sized["database"]["OPTIONS"]["pool"]["max_size"] == 8
    bouncer = _settings_with(
        **pg,
        DATABASE_POOL="0",
        CONN_MAX_AGE="300",
        DATABASE_DISABLE_SERVER_SIDE_CURSORS="1",
    )["database"]
    assert "pool" not in bouncer.get("OPTIONS", {})
    assert bouncer["CONN_MAX_AGE"] == 300
    assert bouncer["DISABLE_SERVER_SIDE_CURSORS"] is True


def test_redis_holds_the_cache_and_fronts_the_sessions():
    shown = _settings_with(**PRODUCTION, CACHE_URL="redis://cache.internal:6379/0")
    # Django's, one client per pool
    assert shown["cache"] == "square.project.redis_cache.RedisCache"
    assert shown["sessions"] == "django.contrib.sessions.backends.cached_db"
    local = _settings_with(**PRODUCTION)  # a per-process cache cannot front sessions
    assert local["cache"] == "django.core.cache.backends.locmem.LocMemCache"
    assert local["sessions"] == "django.contrib.sessions.backends.db"


def test_media_can_live_in_s3_compatible_storage():
    shown = _settings_with(
        **PRODUCTION,
        MEDIA_STORAGE="s3",
        AWS_STORAGE_BUCKET_NAME="square-media",
        AWS_S3_ENDPOINT_URL="https://s3.example.net",
        AWS_S3_REGION_NAME="auto",
    )
    assert shown["media"]["BACKEND"] == "storages.backends.s3.S3Storage"
    assert shown["media"]["OPTIONS"]["bucket_name"] == "square-media"
    assert shown["media"]["OPTIONS"]["endpoint_url"] == "https://s3.example.net"
    assert shown["media"]["OPTIONS"]["file_overwrite"] is False
    assert "https://s3.example.net" in shown["img_src"]
    cdn = _settings_with(
        **PRODUCTION,
        MEDIA_STORAGE="s3",
        AWS_STORAGE_BUCKET_NAME="square-media",
        AWS_S3_CUSTOM_DOMAIN="media.example.com",
    )
    assert "https://media.example.com" in cdn["img_src"]
    local = _settings_with(**PRODUCTION)
    assert local["media"] == {"BACKEND": "django.core.files.storage.FileSystemStorage"}


def test_the_secret_key_can_come_from_a_file(tmp_path):
    key_file = tmp_path / "key"
    key_file.write_text("from-a-file-" + "x" * 40 + "\n")
    shown = _settings_with(**{**PRODUCTION, "SECRET_KEY": ""}, SECRET_KEY_FILE=str(key_file))
    assert shown["key"] == "from-a-file-" + "x" * 40


# --- make serve / make worker -------------------------------------------------------------


def _launcher(tmp_path, *args, **env):
    """scripts/serve.py run from a copy of the project root holding only the script, so
    the key it may generate lands in tmp_path."""
    (tmp_path / "scripts").mkdir(exist_ok=True)
    shutil.copy(BASE / "scripts" / "serve.py", tmp_path / "scripts" / "serve.py")
    keep = {"PATH", "HOME", "LANG", "SYSTEMROOT"}
    clean = {k: v for k, v in os.environ.items() if k in keep}
    clean.update(env)
    return subprocess.run(
        [sys.executable, str(tmp_path / "scripts" / "serve.py"), *args, "--dry-run"],
        cwd=tmp_path,
        env=clean,
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_make_serve_starts_on_a_bare_machine_and_says_what_to_set(tmp_path):
    result = _launcher(tmp_path, "web", DEBUG="1")
    assert result.returncode == 0, result.stderr
    out = result.stdout
    key = (tmp_path / ".secret_key").read_text().strip()
    assert len(key) >= 50
    assert oct((tmp_path / ".secret_key").stat().st_mode & 0o777) == "0o600"
    assert "SECRET_KEY" in out and "WARNING: CACHE_URL" in out and "per process" in out
    assert "BEHIND_TLS_PROXY" in out and "SERVE_MEDIA=1" in out
    assert "-m granian --interface=wsgi --host=127.0.0.1 --port=8000 " in out
    again = _launcher(tmp_path, "web")
    assert again.returncode == 0 and "Generated" not in again.stdout
    assert (tmp_path / ".secret_key").read_text().strip() == key  # generated once


def test_make_serve_takes_production_settings_from_the_environment(tmp_path):
    result = _launcher(
        tmp_path,
        "web",
        SECRET_KEY="s" * 50,
        CACHE_URL="redis://cache.internal:6379/0",
        BEHIND_TLS_PROXY="1",
        PORT="9000",
        WEB_CONCURRENCY="3",
        WEB_THREADS="8",
    )
    assert result.returncode == 0, result.stderr
    assert not (tmp_path / ".secret_key").exists()
    assert "WARNING" not in result.stdout and "BEHIND_TLS_PROXY=0" not in result.stdout
    assert "--port=9000 " in result.stdout
    assert "--workers=3 --blocking-threads=8" in result.stdout


def test_make_worker_needs_the_database_task_backend(tmp_path):
    refused = _launcher(tmp_path, "worker", SECRET_KEY="s" * 50)
    assert refused.returncode == 1
    assert "TASKS_BACKEND" in refused.stdout
    ok = _launcher(tmp_path, "worker", SECRET_KEY="s" * 50, TASKS_BACKEND="database")
    assert ok.returncode == 0, ok.stderr
    assert "manage.py db_worker" in ok.stdout
