"""The footer's language switcher turns the interface from 中文 to English and back,
and the choice holds on the next pages (issue 8's journey 5)."""

import pytest
from playwright.sync_api import Page, expect

from square.tests.browser.web import t
from square.tests.factories import ServicePostFactory, UserFactory

pytestmark = pytest.mark.browser

# Interface words that differ between the two languages, and where they are.
WORDS = [
    (".topnav-campaigns", "Campaigns"),
    (".lang-switch span", "Language:"),
    (".footer p.muted", "All times are Beijing time (UTC+8)."),
]


def speaks(page: Page, lang: str) -> None:
    """Every word of WORDS, the search box and the page's language are `lang`'s."""
    expect(page.locator("html")).to_have_attribute("lang", lang)
    for selector, message in WORDS:
        expect(page.locator(selector)).to_have_text(t(message, lang))
    placeholder = t("Search posts, #topics, $tokens and @people", lang)
    expect(page.locator(".topsearch input")).to_have_attribute("placeholder", placeholder)


def switch(page: Page, button: str) -> None:
    with page.expect_navigation():
        page.locator(".lang-switch").get_by_role("button", name=button, exact=True).click()


def test_the_language_switcher_changes_the_interface(web):
    assert all(t(message, "zh-hans") != t(message, "en") for _, message in WORDS)
    author = UserFactory(username="lin", display_name="林小雨")
    post = ServicePostFactory(author=author, body="新年的第一场雪落在了外滩 #上海")
    page = web.page()
    page.goto(post.get_absolute_url())
    speaks(page, "zh-hans")
    web.shot(page, "chinese")

    switch(page, "English")
    assert page.url.endswith(post.get_absolute_url())  # the same page, now in English
    speaks(page, "en")
    expect(page.locator(".post-body")).to_contain_text("新年的第一场雪")  # posts stay as written
    web.shot(page, "english")
    page.locator(".topnav-campaigns").click()
    expect(page.locator("h1")).to_have_text(t("Campaigns", "en"))  # the choice holds
    speaks(page, "en")

    switch(page, "中文")
    speaks(page, "zh-hans")
    expect(page.locator("h1")).to_have_text(t("Campaigns", "zh-hans"))
    web.shot(page, "chinese-again")
