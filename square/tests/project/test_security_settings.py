"""The security settings decided in issue 8's last round: the sign-up limit per client
address, the trusted proxy hops behind which that address is read, the CSRF cookie out
of scripts' reach, and a Permissions-Policy on every response (docs/security.md)."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client, RequestFactory

from square.login_throttle import client_ip
from square.models import User
from square.tests.factories import PASSWORD

SIGNUP = "/accounts/signup/"
LIMITED_EN = "Too many new accounts from your network: at most 5 an hour."
LIMITED_ZH = "你所在的网络注册的新账号太多了：每小时最多 5 个。"


def sign_up(name: str, ip: str = "10.6.0.1", language: str = "en", **headers):
    client = Client(HTTP_ACCEPT_LANGUAGE=language)
    data = {"username": name, "password1": PASSWORD, "password2": PASSWORD}
    return client.post(SIGNUP, data, REMOTE_ADDR=ip, **headers)


# --- sign-up limit ----------------------------------------------------------------------


@pytest.mark.django_db
def test_five_accounts_an_hour_per_address_then_429_and_nothing_created():
    assert settings.SQUARE_RATE_LIMITS["signup"] == (5, 3600)
    assert [sign_up(f"new{n}").status_code for n in range(5)] == [302] * 5
    refused = sign_up("new5")
    assert refused.status_code == 429
    assert LIMITED_EN in refused.content.decode() and 'role="alert"' in refused.content.decode()
    assert not User.objects.filter(username="new5").exists()
    assert "_auth_user_id" not in refused.client.session
    chinese = sign_up("new6", language="zh-hans")
    assert chinese.status_code == 429 and LIMITED_ZH in chinese.content.decode()
    assert sign_up("new7", ip="10.6.0.2").status_code == 302  # another address is fine
    assert User.objects.count() == 6


@pytest.mark.django_db
def test_forms_that_would_create_nothing_are_not_counted():
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    for n in range(8):
        data = {"username": f"oops{n}", "password1": PASSWORD, "password2": "typo"}
        assert client.post(SIGNUP, data, REMOTE_ADDR="10.6.1.1").status_code == 200
    assert [sign_up(f"new{n}", ip="10.6.1.1").status_code for n in range(5)] == [302] * 5


@pytest.mark.django_db
def test_a_sign_up_the_service_refuses_is_taken_back(monkeypatch):
    """A form can pass and the service still refuse (the name was taken a moment ago):
    that attempt created nothing, so it does not count."""
    from django.core.exceptions import ValidationError

    from square.views import accounts

    real = accounts.user_create

    def taken(**kwargs):
        raise ValidationError({"username": "This username is already taken."})

    monkeypatch.setattr(accounts, "user_create", taken)
    assert [sign_up(f"late{n}", ip="10.6.2.1").status_code for n in range(7)] == [200] * 7
    monkeypatch.setattr(accounts, "user_create", real)
    assert [sign_up(f"new{n}", ip="10.6.2.1").status_code for n in range(5)] == [302] * 5


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("hops", "chain"),
    [(1, "{spoof}, 203.0.113.9"), (2, "{spoof}, 203.0.113.9, 198.51.100.4")],
    ids=["tls-proxy", "cdn-and-proxy"],
)
def test_behind_trusted_proxies_prepended_entries_do_not_escape_the_limit(settings, hops, chain):
    settings.SQUARE_TRUSTED_PROXY_HOPS = hops
    statuses = [
        sign_up(f"new{n}", ip="10.0.0.2", HTTP_X_FORWARDED_FOR=chain.format(spoof=f"9.9.9.{n}"))
        for n in range(6)
    ]
    assert [r.status_code for r in statuses] == [302] * 5 + [429]
    another_client = chain.format(spoof="9.9.9.1").replace("203.0.113.9", "203.0.113.10")
    assert (
        sign_up("elsewhere", ip="10.0.0.2", HTTP_X_FORWARDED_FOR=another_client).status_code == 302
    )


# --- the client address -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("hops", "forwarded", "expected"),
    [
        (0, "1.1.1.1, 2.2.2.2, 3.3.3.3", "10.0.0.2"),  # no proxy trusted: the peer
        (1, "1.1.1.1, 2.2.2.2, 3.3.3.3", "3.3.3.3"),
        (2, "1.1.1.1, 2.2.2.2, 3.3.3.3", "2.2.2.2"),
        (3, "1.1.1.1, 2.2.2.2, 3.3.3.3", "1.1.1.1"),
        (4, "1.1.1.1, 2.2.2.2, 3.3.3.3", "10.0.0.2"),  # too short: not through every proxy
        (2, "2001:db8:5:6::1, 3.3.3.3", "2001:db8:5:6::/64"),
        (1, "1.1.1.1, ", "unknown"),  # the last entry is empty: nothing to trust
        (2, "", "10.0.0.2"),
    ],
)
def test_the_client_address_is_the_entry_the_outermost_trusted_proxy_added(
    settings, hops, forwarded, expected
):
    settings.SQUARE_TRUSTED_PROXY_HOPS = hops
    meta = {"REMOTE_ADDR": "10.0.0.2"}
    if forwarded:
        meta["HTTP_X_FORWARDED_FOR"] = forwarded
    assert client_ip(RequestFactory().get("/", **meta)) == expected


SHOW_HOPS = """
import json, django
django.setup()
from django.conf import settings as s
print(json.dumps([s.SQUARE_TRUSTED_PROXY_HOPS, s.SECURE_PROXY_SSL_HEADER]))
"""


def _hops_with(**env) -> subprocess.CompletedProcess:
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "SQUARE_"))}
    clean.pop("BEHIND_TLS_PROXY", None)
    clean.update(DJANGO_SETTINGS_MODULE="square.project.settings", DEBUG="0", SECRET_KEY="k" * 50,
                 DATABASE_URL="sqlite:///:memory:", **env)  # fmt: skip
    return subprocess.run(
        [sys.executable, "-c", SHOW_HOPS], cwd=Path(settings.BASE_DIR), env=clean,
        capture_output=True, text=True, timeout=120,
    )  # fmt: skip


def test_the_hops_default_keeps_the_tls_proxy_rule_and_can_be_set():
    assert json.loads(_hops_with().stdout) == [0, None]
    assert json.loads(_hops_with(BEHIND_TLS_PROXY="1").stdout)[0] == 1
    both = _hops_with(BEHIND_TLS_PROXY="1", SQUARE_TRUSTED_PROXY_HOPS="2")
    assert json.loads(both.stdout) == [2, ["HTTP_X_FORWARDED_PROTO", "https"]]
    refused = _hops_with(SQUARE_TRUSTED_PROXY_HOPS="-1")
    assert refused.returncode != 0 and "SQUARE_TRUSTED_PROXY_HOPS" in refused.stderr


# --- headers and cookies ----------------------------------------------------------------


def test_no_script_reads_the_csrf_cookie_so_it_is_httponly(client):
    scripts = (Path(settings.BASE_DIR) / "static" / "js").rglob("*.js")
    assert not [p.name for p in scripts if "cookie" in p.read_text(encoding="utf-8")]
    assert settings.CSRF_COOKIE_HTTPONLY is True
    response = client.get("/accounts/login/")
    assert response.cookies["csrftoken"]["httponly"] is True


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("method", "path", "status"),
    [
        ("get", "/", 200),
        ("get", "/accounts/login/", 200),
        ("get", "/no-such-page/", 404),
        ("get", "/tags/a%00b/", 400),
        ("post", "/compose/", 302),  # to the login page
        ("get", "/admin/login/", 200),
        ("get", "/static/css/square.css", 200),  # WhiteNoise answers before the middleware
    ],
)
def test_every_response_carries_the_permissions_policy(client, method, path, status):
    response = getattr(client, method)(path)
    assert response.status_code == status
    policy = response["Permissions-Policy"]
    assert policy == settings.PERMISSIONS_POLICY
    for feature in ("camera=()", "microphone=()", "geolocation=()", "payment=()", "usb=()"):
        assert feature in policy.split(", ")
