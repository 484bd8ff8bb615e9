"""No payload of the hostile-input suite runs in a real browser (issue 8; the browser
part of docs/security.md).

Every case of square/tests/test_hostile.py that carries a script payload — script tags,
event handlers, `javascript:` and `data:` URLs in posts, quotes, comments, replies,
display names, bios, hashtags, searches, the compose prefill, the topic URL, a report
note, file names, SVG and polyglot uploads — is made to happen, and Chromium, logged in
as alice, opens the page that shows it; then staff open the admin pages that list it
all. A dialog handler records any `alert`/`confirm`/`prompt`, and no link or form may
carry a script URL; the watch of every page (square.tests.browser.web) also fails the
test on a CSP violation or a script error.
"""

import html
import re
from urllib.parse import urlencode

import pytest
from django.test import Client
from playwright.sync_api import Page

from square.models import Post, Report
from square.tests.browser.web import Web
from square.tests.hostile import Case
from square.tests.test_hostile import CASES

pytestmark = pytest.mark.browser

PAYLOAD = re.compile(r"alert\(|javascript:|data:text/html|<script|<svg", re.IGNORECASE)
# What a visitor could still set off by clicking: links and forms with a script scheme.
SCRIPT_URLS = """() => [...document.querySelectorAll("a[href], area[href], form[action]")]
  .map((el) => el.href || el.action)
  .filter((url) => /^\\s*(javascript|vbscript|data):/i.test(url))"""
# What the page shows as text, with what its fields hold (a search box, a prefill).
SHOWN = """() => [document.title, document.body.innerText,
  ...[...document.querySelectorAll("input, textarea")].map((el) => el.value)].join("\\n")"""
INLINE_SCRIPT = "document.head.append(Object.assign(document.createElement('script'), {text: '1'}))"
IMAGE_LINKS = "(links) => links.map((link) => link.href)"
ADMIN_PAGES = [
    "/admin/square/post/",
    "/admin/square/post/{post}/change/",
    "/admin/square/comment/",
    "/admin/square/user/",
    "/admin/square/user/{alice}/change/",
    "/admin/square/hashtag/",
    "/admin/square/report/",
    "/admin/square/report/{report}/change/",
]


def carried(case: Case, world) -> tuple[object, str]:
    """The case's data (fresh uploads when it makes them) and all it carries as text:
    the URL, the fields, the files' names and bytes."""
    data = case.data(world) if callable(case.data) else case.data
    text = [case.url, repr(data)]
    for value in data.values() if isinstance(data, dict) else ():
        for item in value if isinstance(value, list) else [value]:
            if hasattr(item, "read"):
                text.append(repr(item.read()))
                item.seek(0)
    return data, " ".join(text)


def as_file(upload) -> dict:
    """A Django upload as Playwright puts it in a file input."""
    return {"name": upload.name, "mimeType": upload.content_type, "buffer": upload.read()}


class Payloads:
    """Makes each case happen and opens, in alice's browser, the page showing it."""

    def __init__(self, web: Web, world) -> None:
        self.web, self.world = web, world
        self.page = web.log_in("alice")

    def show(self, case: Case, data) -> str:
        """Writes are sent as the suite sends them (its users, data and URL); a refused
        upload, which only the answer shows, goes through the form in the browser."""
        url = case.url.format(**self.world.ids)
        if case.method == "get":
            path = f"{url}?{urlencode(data)}" if data else url
            self.web.visit(self.page, path, case.status)
            return path
        if case.status == 200:
            return self.submit(url, data)
        client = Client(HTTP_ACCEPT_LANGUAGE="en")
        if case.who != "anon":
            client.force_login(self.world.users[case.who])
        response = client.post(url, data)
        assert response.status_code == case.status, (case.id, response.status_code)
        path = case.shows.format(**self.world.ids) if case.shows else response["Location"]
        self.web.visit(self.page, path)
        return path

    def submit(self, url: str, data: dict) -> str:
        """Fill the form at `url` with `data`, files too, and send it: the answer is the
        form again, with the refusal."""
        self.page.goto(url)
        form = self.page.locator("form.form")
        for name, value in data.items():
            items = value if isinstance(value, list) else [value]
            if items and hasattr(items[0], "read"):
                form.locator(f"[name={name}]").set_input_files([as_file(f) for f in items])
            else:
                form.locator(f"[name={name}]").fill(value)
        with self.page.expect_navigation() as answer:
            form.locator("[type=submit]").click()
        assert answer.value.status == 200, url
        return url


def inert(page: Page) -> None:
    assert page.evaluate(SCRIPT_URLS) == [], page.url


def test_no_payload_of_the_hostile_suite_runs_in_the_browser(web, world):
    payloads, opened = Payloads(web, world), []
    for case in CASES:
        data, text = carried(case, world)
        if not PAYLOAD.search(text):
            continue
        opened.append(payloads.show(case, data))
        page = payloads.page
        inert(page)
        if case.escaped:
            assert html.unescape(case.escaped) in page.evaluate(SHOWN), (case.id, page.url)
        for image in page.locator("article.post .grid-cell").evaluate_all(IMAGE_LINKS):
            web.visit(page, image)  # an upload opened on its own is only a picture
    assert len(opened) >= 27, opened  # every payload case of the suite was found
    web.shot(payloads.page, "last-payload-page")
    staff_pages_stay_inert(web, world)
    assert web.watch.dialogs == []


def staff_pages_stay_inert(web: Web, world) -> None:
    """The admin lists every post, comment, user, hashtag and report note sent above."""
    ids = {
        "post": Post.objects.filter(author=world.users["alice"]).latest("pk").pk,
        "alice": world.ids["alice"],
        "report": Report.objects.latest("pk").pk,
    }
    root = web.log_in("root", admin=True)
    for path in ADMIN_PAGES:
        web.visit(root, path.format(**ids))
        inert(root)
    assert "<script>alert(13)</script>" in root.evaluate(SHOWN)  # the report's note
    web.shot(root, "admin-report")


def test_the_watch_sees_dialogs_errors_and_csp_violations(web):
    """The watch can fail a test: each kind of trouble, caused on purpose, is seen."""
    page = web.page()
    page.goto("/")
    page.evaluate("alert('probe')")
    page.evaluate("console.error('probe')")
    page.evaluate(INLINE_SCRIPT)
    page.evaluate("setTimeout(() => { throw new Error('probe'); }, 0)")
    page.evaluate("new Promise((done) => setTimeout(done, 100))")
    kinds = {problem.split(":")[0] for problem in web.settle()}
    assert kinds == {"dialog", "console error", "csp", "uncaught"}
    assert web.watch.dialogs == [f"alert: probe on {page.url}"]
    web.watch.clear()  # seen on purpose: this test must not fail for them
