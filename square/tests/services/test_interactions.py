"""Likes and follows: one per pair (by constraint), exact counters. Simultaneous likes on
PostgreSQL: test_concurrency.py."""

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError

from square.models import Follow, Like
from square.services.interactions import follow_create, follow_delete, like_create, like_delete
from square.services.posts import post_delete
from square.tests.factories import PostFactory, ServicePostFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_like_once_and_unlike_keep_the_count_exact():
    post, fan = PostFactory(), UserFactory()
    assert like_create(user=fan, post=post) is True
    assert like_create(user=fan, post=post) is False
    post.refresh_from_db()
    assert post.like_count == 1 and Like.objects.count() == 1
    assert like_delete(user=fan, post=post) is True
    assert like_delete(user=fan, post=post) is False
    post.refresh_from_db()
    assert post.like_count == 0 and Like.objects.count() == 0


def test_self_like_is_allowed_and_visible_as_such():
    post = PostFactory()
    like_create(user=post.author, post=post)
    assert Like.objects.filter(user=post.author, post=post).exists()


def test_a_deleted_post_cannot_be_liked():
    post, fan = ServicePostFactory(), UserFactory()
    post_delete(post=post, actor=post.author)
    with pytest.raises(ValidationError):
        like_create(user=fan, post=post)
    assert Like.objects.count() == 0


def test_the_database_refuses_a_second_like():
    post, fan = PostFactory(), UserFactory()
    Like.objects.create(user=fan, post=post)
    with pytest.raises(IntegrityError):
        Like.objects.create(user=fan, post=post)


def test_follow_counters_and_rules():
    alice, bob = UserFactory(), UserFactory()
    assert follow_create(follower=alice, followee=bob) is True
    assert follow_create(follower=alice, followee=bob) is False
    alice.refresh_from_db(), bob.refresh_from_db()
    assert (alice.following_count, bob.follower_count) == (1, 1)
    assert follow_delete(follower=alice, followee=bob) is True
    alice.refresh_from_db(), bob.refresh_from_db()
    assert (alice.following_count, bob.follower_count) == (0, 0)


def test_no_self_follow_in_the_service_or_the_database():
    alice = UserFactory()
    with pytest.raises(ValidationError):
        follow_create(follower=alice, followee=alice)
    with pytest.raises(IntegrityError):
        Follow.objects.create(follower=alice, followee=alice)
