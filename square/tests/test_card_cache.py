"""Post cards keep their rendered author line and body in a per-process fragment cache
(`{% cache %}` in square/components.html), keyed by everything those pieces show: a
second view does not tokenize the body again, and any change shows at once."""

import pytest
from django.test import override_settings

from square import text
from square.models import Post
from square.project.page_cache import pages_changed
from square.services.accounts import profile_update
from square.services.posts import post_create, post_edit, repost_create
from square.tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def author():
    return UserFactory(username="wen", display_name="Wen")


@pytest.fixture
def tokenized(monkeypatch):
    """How many bodies were tokenized (rendered) since the test began."""
    calls = []
    real = text.tokens

    def counting(body):
        calls.append(body)
        return real(body)

    monkeypatch.setattr(text, "tokens", counting)
    return calls


def latest(client) -> str:
    return client.get("/?tab=latest").content.decode()


def test_a_second_view_reuses_the_rendered_body(client, author, tokenized):
    post_create(author=author, body="第一篇 #新年 https://example.com/a")
    first = latest(client)
    rendered = len(tokenized)
    assert rendered >= 1
    second = latest(client)
    assert len(tokenized) == rendered  # served from the fragment cache
    assert first.count('href="https://example.com/a"') == second.count(
        'href="https://example.com/a"'
    ) == 1  # fmt: skip


def test_an_edit_shows_at_once(client, author):
    post = post_create(author=author, body="before the edit")
    assert "before the edit" in latest(client)
    post_edit(post=post, editor=author, body="after the edit")
    page = latest(client)
    assert "after the edit" in page and "before the edit" not in page


def test_a_new_display_name_shows_at_once(client, author):
    post_create(author=author, body="hello")
    assert ">Wen<" in latest(client)
    profile_update(user=author, display_name="Wen Li", bio="")
    page = latest(client)
    assert ">Wen Li<" in page and ">Wen<" not in page


def test_a_quote_shows_when_its_original_goes(client, author):
    original = post_create(author=author, body="the original words")
    repost_create(author=UserFactory(), post=original, quote="quoting it")
    assert "the original words" in latest(client)
    Post.objects.filter(pk=original.pk).update(status=Post.Status.HIDDEN)
    pages_changed()  # as the services' hooks do: the kept visitor page is over
    page = latest(client)
    assert "the original words" not in page and "quoting it" in page


@override_settings(LANGUAGE_CODE="en")
def test_each_language_has_its_own_copy(client, author, staff_user):
    post = post_create(author=author, body="a hidden post")
    Post.objects.filter(pk=post.pk).update(status=Post.Status.HIDDEN)
    client.force_login(staff_user)
    english = client.get(post.get_absolute_url(), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    client.cookies["django_language"] = "zh-hans"
    chinese = client.get(post.get_absolute_url(), HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert "Hidden by staff" in english
    assert "Hidden by staff" not in chinese and "工作人员" in chinese


def test_the_trending_box_is_kept_per_list_and_shows_a_new_list(client, author):
    from django.core.cache import cache

    post_create(author=author, body="first topic #alpha")
    aside = client.get("/?tab=latest").content.decode().split('class="card side-box"')[1]
    assert "#alpha" in aside and "#beta" not in aside
    post_create(author=UserFactory(), body="second topic #beta")
    cache.clear()  # the lists are recounted; the rendered box is keyed by what they hold
    aside = client.get("/?tab=latest").content.decode().split('class="card side-box"')[1]
    assert "#alpha" in aside and "#beta" in aside
