"""The search index follows every post write in its own transaction
(`square.services.search`, called from `hooks.post_changed`)."""

import pytest

from square import search
from square.models import Post, PostSearch
from square.selectors.search import search_posts
from square.services.posts import (
    post_create,
    post_delete,
    post_edit,
    post_hide,
    post_restore,
    repost_create,
)
from square.services.search import search_index_rebuild
from square.tests.factories import PostFactory, UserFactory, moderator_user

pytestmark = pytest.mark.django_db


def _found(query: str) -> list[int]:
    return list(search_posts(query=search.parse(query)).values_list("pk", flat=True))


def test_a_new_post_is_findable_when_it_commits():
    post = post_create(author=UserFactory(), body="祝大家新年快乐")
    row = PostSearch.objects.get(post=post)
    assert {"新年", "快乐"} <= set(row.terms)
    assert _found("新年") == [post.pk]


def test_an_edit_replaces_the_terms():
    author = UserFactory()
    post = post_create(author=author, body="比特币涨了")
    post_edit(post=post, editor=author, body="以太坊跌了")
    assert _found("比特") == []
    assert _found("以太坊") == [post.pk]


def test_deleted_and_hidden_posts_are_never_found_and_restored_ones_are_again():
    author, staff = UserFactory(), moderator_user()
    gone = post_create(author=author, body="新年第一帖 deleted")
    hidden = post_create(author=author, body="新年第一帖 hidden")
    post_delete(post=gone, actor=author)
    post_hide(post=hidden, staff=staff)
    assert _found("第一帖") == []
    post_restore(post=Post.objects.get(pk=hidden.pk), staff=staff)
    assert _found("第一帖") == [hidden.pk]


def test_a_plain_repost_has_no_row_of_its_own():
    original = post_create(author=UserFactory(), body="新年快乐")
    repost, _ = repost_create(author=UserFactory(), post=original)
    assert not PostSearch.objects.filter(post=repost).exists()


def test_the_rebuild_writes_what_the_writes_would_have():
    author = UserFactory()
    live = PostFactory(author=author, body="新年快乐 imported")  # a row written behind the services
    hidden = PostFactory(author=author, body="新年快乐 hidden", status=Post.Status.HIDDEN)
    PostSearch.objects.create(
        post=hidden, author=author, created_at=hidden.created_at, terms=["x"], norm=" x "
    )
    assert search_index_rebuild(batch=1) == 1
    assert list(PostSearch.objects.values_list("post_id", flat=True)) == [live.pk]
    assert _found("imported") == [live.pk]
