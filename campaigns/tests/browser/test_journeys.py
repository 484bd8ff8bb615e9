"""Members in a live campaign, in a real browser: a newcomer's first post counts and is
ranked; a too-short post says why it does not count; likes, comments and reposts notify
the author and move the leaderboard (issue 8's journeys 1–3).

Pages are in the site's default Chinese (the browsers ask for zh-CN); the expected words
come from the catalogs through `t()`. Screenshots: test-artifacts/browser/<test>/.
"""

import re
from datetime import timedelta
from pathlib import Path

import pytest
from PIL import Image, ImageDraw
from playwright.sync_api import Page, expect

from campaigns.models import Campaign
from campaigns.rules import counted_length, distinct_count
from campaigns.tests.browser.world import live_campaign, newcomer_with_entry, regular
from campaigns.tests.factories import TAG, member
from square.tests.browser.web import Web, t

pytestmark = pytest.mark.browser

NEW_PASSWORD = "lantern-dumpling-2026"
FIRST_POST = (
    "新年第一天，我在广场写下第一帖：愿家人身体健康，朋友万事如意，我们一起把日子过得热气腾腾！"
)
NOT_OK = re.compile(r"\bnot-ok\b")


def picture(folder: Path) -> Path:
    """A JPEG a phone might upload: a red card with a golden panel."""
    path = folder / "new-year.jpg"
    image = Image.new("RGB", (640, 400), (200, 30, 40))
    ImageDraw.Draw(image).rectangle((80, 80, 560, 320), fill=(250, 200, 60))
    image.save(path, "JPEG")
    return path


def counts(campaign: Campaign, body: str) -> bool:
    """The rules' verdict on the text alone (campaigns.rules, which counter.js mirrors)."""
    tags = campaign.tag_keys
    return (
        counted_length(body, tags) >= campaign.min_chars
        and distinct_count(body, tags) >= campaign.min_distinct_chars
    )


def open_compose(page: Page, campaign: Campaign) -> None:
    """From the campaign page, the "post now" button: the compose box with the tag."""
    page.goto(campaign.get_absolute_url())
    page.get_by_role("link", name=t("Post now with #%(tag)s", tag=TAG)).click()
    expect(page.locator("#id_body")).to_have_value(f"#{TAG} ")
    page.locator("#id_body").click()
    page.keyboard.press("Control+End")


def publish(page: Page) -> None:
    page.get_by_role("button", name=t("Post"), exact=True).click()
    page.wait_for_url(re.compile(r"/posts/\d+/$"))
    expect(page.locator(".messages")).to_contain_text(t("Posted."))


def type_past_the_minimum(page: Page, campaign: Campaign, text: str) -> None:
    """Type `text`, checking the live counter flips from "not enough" to "counts" at
    exactly the character that makes the post count."""
    prefix, line = f"#{TAG} ", page.locator(".camp-counter-line")
    k = next(k for k in range(1, len(text) + 1) if counts(campaign, prefix + text[:k]))
    before = prefix + text[: k - 1]
    page.locator("#id_body").press_sequentially(text[: k - 1])
    left = campaign.min_chars - counted_length(before, campaign.tag_keys)
    expect(line).to_have_class(NOT_OK)
    expect(line).to_contain_text(t("%(left)s more 字 to count", left=left))
    page.locator("#id_body").press_sequentially(text[k - 1 :])
    expect(line).not_to_have_class(NOT_OK)
    expect(line).to_contain_text(t("counts for the campaign"))
    expect(page.locator("#id_body")).to_have_value(prefix + text)


def sign_up(web: Web, username: str) -> Page:
    page = web.page()
    page.goto("/")
    page.locator(".topnav").get_by_role("link", name=t("Sign up")).click()
    page.locator("#id_username").fill(username)
    page.locator("#id_password1").fill(NEW_PASSWORD)
    page.locator("#id_password2").fill(NEW_PASSWORD)
    web.shot(page, "sign-up")
    page.get_by_role("button", name=t("Create account")).click()
    expect(page.locator(".messages")).to_contain_text(
        t("Welcome to Square, %(name)s!", name=username)
    )
    return page


def test_a_newcomer_posts_with_the_tag_counts_and_is_ranked(web, tmp_path):
    campaign = live_campaign()
    regular("lin", "林小雨", campaign, ago=timedelta(hours=3))
    page = sign_up(web, "xiaoming")
    page.locator(".topnav").get_by_role("link", name=t("Campaigns")).click()
    page.get_by_role("link", name=campaign.title).click()
    expect(page.locator(".camp-phase-live")).to_have_text(t("Live now"))
    web.shot(page, "live-campaign")

    open_compose(page, campaign)
    type_past_the_minimum(page, campaign, FIRST_POST)
    page.locator("#id_images").set_input_files(picture(tmp_path))
    web.shot(page, "compose")
    publish(page)
    card = page.locator("article.post")
    expect(card.locator(".card-badge")).to_have_text(t("counts for #%(tag)s", tag=TAG))
    expect(card.locator(".card-badge")).not_to_have_class(NOT_OK)
    image = card.locator(".grid img")
    assert image.evaluate("img => img.decode().then(() => img.naturalWidth)") == 640
    web.shot(page, "posted")

    card.locator(".card-badge").click()  # the badge leads to the campaign
    page.locator(".camp-tabs").get_by_role("link", name=t("New Voices")).click()
    voices = page.locator("article.post")
    expect(voices).to_have_count(1)  # lin posted before the campaign: no newcomer
    expect(voices.locator(".author")).to_have_text("xiaoming")
    web.shot(page, "new-voices")

    page.locator(".camp-tabs").get_by_role("link", name=t("Rules & prizes")).click()
    mine = page.locator("#mine")
    expect(mine).to_contain_text(t("#%(rank)s of %(total)s", rank=2, total=2))
    expect(mine.locator(".camp-entries li.ok")).to_contain_text(t("counts"))
    web.shot(page, "my-standing")
    page.locator(".camp-tabs").get_by_role("link", name=t("Leaderboard")).click()
    expect(page.locator("tr.me td").first).to_have_text("2")
    expect(page.locator("tr.me .who a")).to_have_accessible_name("xiaoming")
    web.shot(page, "leaderboard")


def test_a_too_short_post_says_why_it_does_not_count(web):
    campaign = live_campaign()
    member(username="wang", display_name="王小二")
    page = web.log_in("wang")
    open_compose(page, campaign)
    page.locator("#id_body").press_sequentially("新年快乐！")
    line = page.locator(".camp-counter-line")
    expect(line).to_have_class(NOT_OK)
    expect(line).to_contain_text(t("%(left)s more 字 to count", left=campaign.min_chars - 4))
    web.shot(page, "compose-short")
    publish(page)
    why = t("%(counted)s of %(min)s 字", counted=4, min=campaign.min_chars)
    badges = page.locator("article.post .card-badges")
    expect(badges.locator(".card-badge")).to_have_text(t("does not count for #%(tag)s", tag=TAG))
    expect(badges.locator(".card-badge")).to_have_class(NOT_OK)
    expect(badges.locator(".card-badge-detail")).to_have_text(why)
    web.shot(page, "post-does-not-count")

    page.goto(campaign.get_absolute_url())
    entry = page.locator("#mine .camp-entries li")
    expect(entry).to_have_class(NOT_OK)
    expect(entry.locator(".camp-badge")).to_have_text(t("does not count"))
    expect(entry.locator(".camp-reasons")).to_have_text(why)
    web.shot(page, "my-entries")

    post_url = entry.locator("a").first.get_attribute("href")
    visitor = web.page()
    visitor.goto(post_url)
    expect(visitor.locator("article.post .post-body")).to_contain_text("新年快乐")
    expect(visitor.locator(".card-badges")).to_have_count(0)  # the why is the author's only
    web.shot(visitor, "seen-by-a-visitor")


def test_likes_comments_and_reposts_notify_the_author_and_move_the_leaderboard(web):
    campaign = live_campaign()
    regular("lin", "林小雨", campaign, ago=timedelta(hours=3))
    post = newcomer_with_entry("xiaoming", "小明", ago=timedelta(hours=1))
    member(username="dawei", display_name="大伟")
    board = f"/campaigns/{campaign.slug}/leaderboard/"

    author = web.log_in("xiaoming")
    author.goto(board)
    expect(author.locator("tr.me td").first).to_have_text("2")
    web.shot(author, "leaderboard-before")

    fan = web.log_in("dawei")
    fan.goto(f"/campaigns/{campaign.slug}/new-voices/")
    card = fan.locator(f"#post-{post.pk}")
    card.locator("button.like").click()  # sent in the background by square.js
    expect(card.locator("button.like")).to_have_attribute("aria-pressed", "true")
    expect(card.locator("button.like [data-count]")).to_have_text("1")
    card.locator(".permalink").click()
    fan.locator(".comment-form textarea").fill("写得真好，新年快乐！")
    fan.get_by_role("button", name=t("Comment"), exact=True).click()
    expect(fan.locator(".comment-list")).to_contain_text("写得真好，新年快乐！")
    fan.locator(f"#post-{post.pk} .post-actions a[href$='/repost/']").click()
    fan.get_by_role("button", name=t("Repost"), exact=True).click()
    expect(fan.locator(".messages")).to_contain_text(t("Reposted."))
    web.shot(fan, "fan-reposted")

    author.reload()
    expect(author.locator(".bell [data-unread]")).to_contain_text("3")
    author.locator(".bell").click()
    notices = author.locator(".notice-row.unread .notice-text > a")
    for said in ("liked your post", "commented on your post", "reposted your post"):
        expect(notices.filter(has_text=notice(said, "大伟"))).to_have_count(1)
    web.shot(author, "notifications")

    author.goto(board)
    expect(author.locator("tr.me td").first).to_have_text("1")
    expect(author.locator("tr.me .score")).to_have_text(str(5 + 1 + 2 + 3))
    expect(author.locator("tbody tr").nth(1).locator(".who a")).to_have_accessible_name("林小雨")
    web.shot(author, "leaderboard-after")


def notice(what: str, actor: str) -> str:
    """A notification's words as shown: "<b>{actor}</b> liked your post" in Chinese."""
    return re.sub(r"<[^>]+>", "", t(f"<b>{{actor}}</b> {what}").format(actor=actor))
