"""What the browser journeys share: watched pages, logging in, screenshots, UI words.

Every page a journey opens comes from `Web.page()`, whose browser context reports to one
`Watch`: JavaScript errors (console errors and uncaught exceptions), Content-Security-
Policy violations and dialogs (`alert`, `confirm`, `prompt`). The plugin fails the test
when the watch saw anything (see `square.tests.browser.plugin`).
"""

import re
from pathlib import Path

from django.utils import translation
from playwright.sync_api import BrowserContext, Dialog, Page, Response, expect

from square.tests.factories import PASSWORD

DESKTOP = {"width": 1280, "height": 800}
PHONE = {"width": 390, "height": 844}
TIMEOUT_MS = 15_000

# Runs before the page's own scripts in every document (Playwright injects it, so the
# page's CSP does not apply); `__squareReport` is the binding exposed by `Watch.attach`.
CSP_LISTENER = """
document.addEventListener("securitypolicyviolation", (event) => {
  window.__squareReport("csp", `${event.violatedDirective} blocked ${event.blockedURI || "inline"}`
    + ` (${event.sourceFile || document.URL}:${event.lineNumber})`);
});
"""

expect.set_options(timeout=TIMEOUT_MS)


def t(message: str, lang: str = "zh-hans", /, **values) -> str:
    """`message` as the site shows it in `lang` (the catalogs are the test's own):
    `t("counts for #%(tag)s", tag=TAG)`."""
    with translation.override(lang):
        text = translation.gettext(message)
    return text % values if values else text


class Watch:
    """Everything a page did that a visitor must never see happen."""

    def __init__(self) -> None:
        self.seen: list[tuple[str, str, str]] = []  # (kind, text, url)
        self.dialogs: list[str] = []
        self.allowed: set[tuple[str, int]] = set()  # (url, status) a test asked for

    def attach(self, context: BrowserContext) -> None:
        context.expose_binding("__squareReport", self._report)
        context.add_init_script(CSP_LISTENER)
        context.on("console", self._console)
        context.on("weberror", self._uncaught)
        context.on("dialog", self._dialog)

    def _report(self, source, kind: str, text: str) -> None:
        self.seen.append((kind, text, source["page"].url))

    def _console(self, message) -> None:
        if message.type == "error":
            url = message.location.get("url") or (message.page.url if message.page else "")
            self.seen.append(("console error", message.text, url))

    def _uncaught(self, error) -> None:
        self.seen.append(("uncaught", str(error.error), error.page.url if error.page else ""))

    def _dialog(self, dialog: Dialog) -> None:
        self.dialogs.append(f"{dialog.type}: {dialog.message} on {dialog.page.url}")
        self.seen.append(("dialog", f"{dialog.type}: {dialog.message}", dialog.page.url))
        dialog.dismiss()

    def problems(self) -> list[str]:
        """What was seen, less the error pages a test opened on purpose (Chromium logs
        "Failed to load resource" for a document answered with 4xx)."""
        found = []
        for kind, text, url in self.seen:
            status = re.search(r"Failed to load resource: .* status of (\d+)", text)
            if kind == "console error" and status and (url, int(status[1])) in self.allowed:
                continue
            found.append(f"{kind}: {text} on {url}")
        return found

    def clear(self) -> None:
        self.seen.clear()
        self.dialogs.clear()


class Web:
    """Opens watched pages on the live server; logs people in; takes screenshots."""

    def __init__(self, new_context, base_url: str, shots: Path) -> None:
        self.new_context, self.base_url, self.shots = new_context, base_url, shots
        self.watch = Watch()
        self.pages: list[Page] = []
        self.n = 0

    def page(self, locale: str = "zh-CN") -> Page:
        """A fresh browser (own cookies) on the desktop viewport; zh-CN by default, as
        most of the square's visitors, so pages come in the site's default Chinese."""
        context = self.new_context(
            base_url=self.base_url, locale=locale, viewport=DESKTOP, timezone_id="Asia/Shanghai"
        )
        context.set_default_timeout(TIMEOUT_MS)
        self.watch.attach(context)
        page = context.new_page()
        self.pages.append(page)
        return page

    def log_in(self, username: str, password: str = PASSWORD, *, admin: bool = False) -> Page:
        """A new browser in which `username` logs in through the site's (or the admin's)
        login form, as a person would."""
        page = self.page()
        page.goto("/admin/login/" if admin else "/accounts/login/")
        page.locator("#id_username").fill(username)
        page.locator("#id_password").fill(password)
        page.locator("#id_password").press("Enter")
        page.wait_for_url(f"{self.base_url}/admin/" if admin else f"{self.base_url}/")
        return page

    def visit(self, page: Page, path: str, status: int = 200) -> Response:
        """Open `path` and check the answer's status; an error page asked for here is
        not a problem of the page."""
        response = page.goto(path)
        assert response is not None and response.status == status, (path, response)
        if status >= 400:
            self.watch.allowed.add((response.url, status))
        return response

    def shot(self, page: Page, name: str) -> None:
        """Screenshots of the page as it is, on the desktop and on a phone."""
        self.n += 1
        self.shots.mkdir(parents=True, exist_ok=True)
        stem = self.shots / f"{self.n:02d}-{name}"
        page.evaluate("window.scrollTo(0, 0)")  # else sticky headers land mid-picture
        page.screenshot(path=f"{stem}-desktop.png", full_page=True)
        page.set_viewport_size(PHONE)
        page.screenshot(path=f"{stem}-phone.png", full_page=True)
        page.set_viewport_size(DESKTOP)

    def settle(self) -> list[str]:
        """Let every open page deliver its pending events, then say what was seen."""
        for page in self.pages:
            if not page.is_closed():
                page.evaluate("0")
        return self.watch.problems()
