"""Cashtag links and counts follow every post write (`square.services.cashtags`)."""

import pytest

from square.models import Cashtag, PostCashtag
from square.services.cashtags import cashtags_rebuild
from square.services.posts import post_create, post_delete, post_edit, post_hide, post_restore
from square.tests.factories import PostFactory, UserFactory, moderator_user

pytestmark = pytest.mark.django_db


def _counts() -> dict[str, int]:
    return dict(Cashtag.objects.values_list("symbol", "post_count"))


def test_a_post_links_its_tokens_and_counts_them():
    post_create(author=UserFactory(), body="买入$SOL了，还有 $btc 和 $BTC")
    post_create(author=UserFactory(), body="$BTC to the moon")
    assert _counts() == {"SOL": 1, "BTC": 2}


def test_edits_deletes_hides_and_restores_move_the_counts():
    author, staff = UserFactory(), moderator_user()
    post = post_create(author=author, body="$BTC $ETH")
    post = post_edit(post=post, editor=author, body="$ETH $GT")
    assert _counts() == {"BTC": 0, "ETH": 1, "GT": 1}
    post = post_hide(post=post, staff=staff)
    assert _counts() == {"BTC": 0, "ETH": 0, "GT": 0}
    assert not PostCashtag.objects.exists()
    post = post_restore(post=post, staff=staff)
    assert _counts() == {"BTC": 0, "ETH": 1, "GT": 1}
    post_delete(post=post, actor=author)
    assert _counts() == {"BTC": 0, "ETH": 0, "GT": 0}


def test_prices_are_no_tokens():
    post_create(author=UserFactory(), body="$100 $1k US$5 only")
    assert _counts() == {}


def test_the_rebuild_counts_what_the_writes_would_have():
    author = UserFactory()
    PostFactory(author=author, body="imported $BTC")  # written behind the services
    post_create(author=author, body="$ETH")
    assert cashtags_rebuild() == 2
    assert _counts() == {"BTC": 1, "ETH": 1}
