"""The notifications page in a browser (issue 15): the page's own script marks what it
shows read by POST, once shown, and takes the header's badge away; an image tag on
another page that loads /notifications/ marks nothing."""

import pytest
from playwright.sync_api import expect

from square.models import Notification
from square.services.interactions import like_create
from square.tests.factories import PostFactory, UserFactory

pytestmark = pytest.mark.browser


def test_the_page_marks_read_by_its_script_and_an_image_tag_cannot(web):
    reader = UserFactory(username="reader")
    post = PostFactory(author=reader, body="read me")
    for _ in range(2):
        like_create(user=UserFactory(), post=post)
    page = web.log_in("reader")
    expect(page.locator(".bell [data-unread]")).to_contain_text("2")

    # Another page (here: the home page, altered) loads the address as an image.
    page.evaluate("""() => { const img = new Image(); img.src = "/notifications/";
                             document.body.append(img); }""")
    page.wait_for_load_state("networkidle")
    assert Notification.objects.filter(recipient=reader, read_at__isnull=True).count() == 2

    page.locator(".bell").click()
    expect(page.locator(".notice-row.unread")).to_have_count(1)  # shown as new, once
    expect(page.locator(".bell [data-unread]")).to_have_count(0)  # then read, by POST
    expect(page.locator("form[data-mark-read]")).to_have_count(0)
    assert not Notification.objects.filter(recipient=reader, read_at__isnull=True).exists()
    assert not web.settle()
