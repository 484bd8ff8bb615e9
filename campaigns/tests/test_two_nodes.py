"""Two app servers agree (issue 18 §4): two `make serve` processes on two ports, one
PostgreSQL and one Redis, Debian's haproxy balancing between them. A post edit, a like,
a moderation hide, a ban, a campaign admin save and a publish made through node A are
what node B serves within BOUND seconds — no stale page, card or results version.

PostgreSQL only (two processes on one SQLite file is not a deployment): on SQLite this
is skipped with one line; `.ci/run` runs it in its PostgreSQL pass.
"""

import http.cookiejar
import json
import os
import re
import signal
import socket
import subprocess
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
from html.parser import HTMLParser
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.auth.hashers import PBKDF2PasswordHasher
from django.db import connection

from bench import balancer
from campaigns.models import Award, Campaign
from campaigns.services import campaign_close, draw_run, results_publish
from campaigns.tests.factories import AFTER, RECORDED, CampaignFactory, four_tier_campaign
from square.models import User
from square.services.posts import post_create
from square.tests.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db(transaction=True)
ROOT = Path(__file__).resolve().parents[2]
BOUND = 2.0  # seconds: what docs/deploy.md promises
REDIS_DB = "redis://127.0.0.1:6379/13"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _wait(url: str, seconds: float = 60) -> None:
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        try:
            urllib.request.urlopen(url, timeout=2).close()
            return
        except (urllib.error.URLError, OSError):
            time.sleep(0.3)
    raise AssertionError(f"{url} did not answer in {seconds} s")


def _haproxy() -> str:
    """Debian's haproxy, installed when missing (skipped with one line if it cannot be)."""
    path = balancer.haproxy_path()
    if path is None:
        pytest.skip("haproxy is not installed and could not be installed here")
    return path


class Node:
    """One `make serve` process (granian, one worker) against the test database."""

    def __init__(self, port: int, env: dict) -> None:
        self.port, self.url = port, f"http://127.0.0.1:{port}"
        self.log = Path(tempfile.mkstemp(prefix=f"node-{port}-", suffix=".log")[1])
        with self.log.open("wb") as log:
            self.process = subprocess.Popen(
                ["make", "serve", f"PORT={port}"], cwd=ROOT, env=env,
                stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
            )  # fmt: skip

    def stop(self) -> None:
        try:
            os.killpg(self.process.pid, signal.SIGTERM)
            self.process.wait(timeout=20)
        except (ProcessLookupError, subprocess.TimeoutExpired):
            os.killpg(self.process.pid, signal.SIGKILL)


def _node_env(media: str) -> dict:
    db = connection.settings_dict
    return {
        **os.environ,
        # Production settings, not the test run's (which keep the cache in each process).
        "DJANGO_SETTINGS_MODULE": "square.project.settings",
        "DATABASE_URL": f"postgres://{db['USER']}@{db['HOST']}:{db['PORT']}/{db['NAME']}",
        "CACHE_URL": REDIS_DB,
        "SECRET_KEY": "two-nodes-share-one-secret-key-" + "x" * 30,
        "SERVE_MIGRATE": "0",
        "WEB_CONCURRENCY": "1",
        "WEB_THREADS": "4",
        "MEDIA_ROOT": media,
        "STATIC_ROOT": str(Path(media) / "static"),
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "TASKS_BACKEND": "immediate",
    }


@pytest.fixture
def cluster():
    """Node A, node B and haproxy in front; everything stopped (and the test database
    let go of) afterwards."""
    if connection.vendor != "postgresql":
        pytest.skip("two app servers need PostgreSQL: run in .ci/run's PostgreSQL pass")
    try:
        socket.create_connection(("127.0.0.1", 6379), timeout=2).close()
    except OSError:
        pytest.skip("two app servers share Redis, and none answers on 127.0.0.1:6379")
    haproxy = _haproxy()
    subprocess.run(["redis-cli", "-n", "13", "flushdb"], capture_output=True, check=False)
    media = settings.MEDIA_ROOT
    env = _node_env(media)
    nodes = []
    try:
        for _ in range(2):  # one after the other: each collects the static files first
            node = Node(_free_port(), env)
            nodes.append(node)
            _wait(node.url + "/campaigns/")
        ports = [n.port for n in nodes]
        with balancer.balancing(haproxy, port=_free_port(), node_ports=ports, workdir=media) as lb:
            _wait(lb + "/campaigns/")
            yield nodes[0], nodes[1], lb
    finally:
        for node in nodes:
            node.stop()


class _Form(HTMLParser):
    """The named fields of the first form with `id` (or the first form), as a browser
    would send them back."""

    def __init__(self, form_id: str | None) -> None:
        super().__init__()
        self.form_id, self.inside, self.done = form_id, False, False
        self.fields: dict[str, str] = {}
        self.select, self.textarea = None, None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if (
            tag == "form"
            and not self.done
            and (self.form_id is None or a.get("id") == self.form_id)
        ):
            self.inside = True
        if not self.inside:
            return
        name = a.get("name")
        if tag == "input" and name and a.get("type") not in ("submit", "file", "checkbox"):
            self.fields[name] = a.get("value", "")
        elif tag == "input" and name and a.get("type") == "checkbox" and "checked" in a:
            self.fields[name] = a.get("value", "on")
        elif tag == "select" and name:
            self.select = name
        elif tag == "option" and self.select and "selected" in a:
            self.fields[self.select] = a.get("value", "")
        elif tag == "textarea" and name:
            self.textarea = name
            self.fields[name] = ""

    def handle_data(self, data):
        if self.textarea:
            self.fields[self.textarea] += data

    def handle_endtag(self, tag):
        if tag == "select":
            self.select = None
        elif tag == "textarea":
            self.textarea = None
        elif tag == "form" and self.inside:
            self.inside, self.done = False, True


class Browser:
    """Cookies, CSRF tokens and forms over plain HTTP, against one node."""

    def __init__(self, base: str) -> None:
        self.base = base
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar())
        )

    def get(self, path: str) -> tuple[int, str]:
        try:
            with self.opener.open(self.base + path, timeout=30) as response:
                return response.status, response.read().decode()
        except urllib.error.HTTPError as error:
            return error.code, error.read().decode()

    def form(self, path: str, form_id: str | None = None) -> dict:
        parser = _Form(form_id)
        parser.feed(self.get(path)[1])
        return parser.fields

    def post(self, path: str, data: dict, form_from: str | None = None) -> int:
        fields = self.form(form_from or path) if form_from is not False else {}
        token = fields.get("csrfmiddlewaretoken") or self.form("/admin/login/").get(
            "csrfmiddlewaretoken"
        )
        body = urllib.parse.urlencode({"csrfmiddlewaretoken": token, **data}, doseq=True)
        request = urllib.request.Request(self.base + path, data=body.encode(), method="POST")
        try:
            with self.opener.open(request, timeout=60) as response:
                return response.status
        except urllib.error.HTTPError as error:
            return error.code

    def log_in(self, username: str, admin: bool = False) -> None:
        path = "/admin/login/" if admin else "/accounts/login/"
        status = self.post(path, {"username": username, "password": PASSWORD}, form_from=path)
        assert status == 200, status  # followed to the next page


def _until(check, what: str) -> float:
    """Seconds until `check()` holds on node B; fails past BOUND."""
    start = time.monotonic()
    while True:
        if check():
            return time.monotonic() - start
        if time.monotonic() - start > BOUND:
            raise AssertionError(f"node B still served the old {what} after {BOUND} s")
        time.sleep(0.05)


def _world():
    writer = UserFactory(username="writer")
    UserFactory(username="fan")
    UserFactory(username="root", is_staff=True, is_superuser=True)
    # The nodes run the production settings, whose hashers do not read the test run's.
    production = PBKDF2PasswordHasher().encode(PASSWORD, PBKDF2PasswordHasher().salt())
    User.objects.filter(username__in=["writer", "fan", "root"]).update(password=production)
    post = post_create(author=writer, body="the first words of the post")
    published, _people, _posts = four_tier_campaign()
    published = results_publish(campaign=draw_run(
        campaign=campaign_close(campaign=published, now=AFTER), beacon=RECORDED))  # fmt: skip
    drawn = CampaignFactory(slug="to-publish")
    drawn = draw_run(campaign=campaign_close(campaign=drawn, now=AFTER), beacon=RECORDED)
    return post, published, drawn


def test_two_nodes_agree_within_the_bound(cluster):
    post, published, drawn = _world()
    a, b, lb = cluster
    seen = {}
    anyone_b = Browser(b.url)
    writer, fan, root = Browser(a.url), Browser(a.url), Browser(a.url)
    writer.log_in("writer")
    fan.log_in("fan")
    root.log_in("root", admin=True)
    post_path = f"/posts/{post.pk}/"
    # Node B has every page warm (kept for visitors, cards rendered) before each write.
    assert "the first words" in anyone_b.get(post_path)[1]
    assert "the first words" in anyone_b.get("/?tab=latest")[1]

    status = writer.post(
        f"{post_path}edit/", {"body": "edited on node A"}, form_from=f"{post_path}edit/"
    )
    post.refresh_from_db()
    assert (status, post.body) == (200, "edited on node A")
    seen["post edit"] = _until(
        lambda: (
            "edited on node A" in anyone_b.get(post_path)[1]
            and "edited on node A" in anyone_b.get("/?tab=latest")[1]
        ),
        "post",
    )

    anyone_b.get(post_path)
    fan.post(f"{post_path}like/", {}, form_from=post_path)
    seen["like"] = _until(lambda: _likes(anyone_b.get(post_path)[1]) == 1, "like count")

    results_path = f"/campaigns/{published.slug}/results.json"
    winners = _winner_ids(anyone_b.get(results_path)[1])
    banned = Award.objects.filter(tier__campaign=published, tier__slug="top").first().user
    assert banned.pk in winners
    root.post("/admin/square/user/", {"action": "ban", "_selected_action": banned.pk,
                                      "post": "yes", "reason": "two accounts"},
              form_from="/admin/square/user/")  # fmt: skip
    seen["ban"] = _until(
        lambda: banned.pk not in _winner_ids(anyone_b.get(results_path)[1]), "results version"
    )

    root.post("/admin/square/post/", {"action": "hide", "_selected_action": post.pk},
              form_from="/admin/square/post/")  # fmt: skip
    seen["moderation hide"] = _until(
        lambda: (
            anyone_b.get(post_path)[0] == 404
            and "edited on node A" not in anyone_b.get("/?tab=latest")[1]
        ),
        "hidden post",
    )

    campaign_path = f"/campaigns/{drawn.slug}/"
    anyone_b.get(campaign_path)
    change = f"/admin/campaigns/campaign/{drawn.pk}/change/"
    fields = root.form(change, "campaign_form")
    fields["title"] = "renamed on node A"
    root.post(change, fields, form_from=change)
    assert Campaign.objects.get(pk=drawn.pk).title == "renamed on node A"
    seen["campaign admin save"] = _until(
        lambda: "renamed on node A" in anyone_b.get(campaign_path)[1], "campaign page"
    )

    publish = f"/admin/campaigns/campaign/{drawn.pk}/publish/"
    root.post(publish, {}, form_from=publish)
    drawn_json = f"/campaigns/{drawn.slug}/results.json"
    seen["publish"] = _until(
        lambda: json.loads(anyone_b.get(drawn_json)[1])["winners_shown"], "results"
    )

    # Through the balancer, every answer is the same version, whichever node gives it.
    balanced = Browser(lb)
    etags = {_etag(lb + results_path) for _ in range(6)}
    assert len(etags) == 1, etags
    assert all(balanced.get(post_path)[0] == 404 for _ in range(4))
    print("seconds until node B agreed:", json.dumps({k: round(v, 3) for k, v in seen.items()}))


def _etag(url: str) -> str:
    with urllib.request.urlopen(url, timeout=30) as response:
        return response.headers["ETag"]


def _winner_ids(text: str) -> set[int]:
    return {w["user_id"] for tier in json.loads(text)["tiers"] for w in tier["winners"]}


def _likes(html: str) -> int:
    """The like count on a post's page as a visitor sees it (the heart link's number)."""
    found = re.search(r'class="action like"[^>]*>.*?</svg>\s*(\d+)', html, re.S)
    return int(found.group(1)) if found else -1
