"""Database-level guarantees: what holds even when the services are bypassed."""

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from square.models import Hashtag, Post, PostImage, User
from square.models.post import BODY_MAX
from square.services.accounts import user_create
from square.tests.factories import PASSWORD, PostFactory, ServicePostFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("body", ["", "x" * (BODY_MAX + 1)], ids=["empty", f"{BODY_MAX + 1}-chars"])
def test_body_length_check_constraint(user, body):
    with pytest.raises(IntegrityError), transaction.atomic():
        Post.objects.create(author=user, body=body)
    assert not Post.objects.exists()


@pytest.mark.parametrize("body", ["x", "汉" * BODY_MAX], ids=["1-char", f"{BODY_MAX}-chars"])
def test_body_length_bounds_are_allowed(user, body):
    post = Post.objects.create(author=user, body=body)
    post.refresh_from_db()
    assert post.body == body


def test_username_unique_regardless_of_case():
    User.objects.create(username="Alice")
    with pytest.raises(IntegrityError), transaction.atomic():
        User.objects.create(username="aLICE")
    assert User.objects.count() == 1


def test_user_create_refuses_a_case_variant_username():
    user_create(username="Alice", password=PASSWORD)
    with pytest.raises(ValidationError) as excinfo:
        user_create(username="ALICE", password=PASSWORD)
    assert "username" in excinfo.value.message_dict
    assert User.objects.count() == 1


def test_image_positions_stop_at_nine(user):
    post = PostFactory(author=user)
    fields = {"image": "a.jpg", "thumbnail": "b.jpg", "width": 1, "height": 1}
    PostImage.objects.create(post=post, position=8, **fields)
    with pytest.raises(IntegrityError), transaction.atomic():
        PostImage.objects.create(post=post, position=9, **fields)


def test_image_position_unique_per_post(user):
    post = PostFactory(author=user)
    fields = {"image": "a.jpg", "thumbnail": "b.jpg", "width": 1, "height": 1}
    PostImage.objects.create(post=post, position=0, **fields)
    with pytest.raises(IntegrityError), transaction.atomic():
        PostImage.objects.create(post=post, position=0, **fields)


def test_hashtag_key_unique(db):
    Hashtag.objects.create(key="web3", display="Web3")
    with pytest.raises(IntegrityError), transaction.atomic():
        Hashtag.objects.create(key="web3", display="WEB3")


def test_string_forms_and_urls(user):
    post = ServicePostFactory(author=user, body="Hello #Web3")
    tag = Hashtag.objects.get()
    assert str(tag) == "#Web3"
    assert tag.get_absolute_url() == "/tags/web3/"
    assert post.get_absolute_url() == f"/posts/{post.pk}/"
    assert user.get_absolute_url() == "/u/alice/"
    assert str(user) == "alice"


def test_name_is_display_name_or_username():
    member = UserFactory(username="carol")
    assert member.name == "carol"
    member.display_name = "Carol C."
    assert member.name == "Carol C."


def test_published_and_newest_first(user):
    old = PostFactory(author=user)
    hidden = PostFactory(author=user, status=Post.Status.HIDDEN)
    new = PostFactory(author=user)
    assert list(Post.objects.published().newest_first()) == [new, old]
    assert hidden not in Post.objects.published()


@pytest.mark.parametrize(
    "tag",
    ["ß" * 40, "ᾀ" * 40, "İstanbul"],
    ids=["sharp-s-doubles", "greek-iota-subscript-doubles", "dotted-capital-i"],
)
def test_every_stored_hashtag_key_is_a_valid_topic_key(user, tag, client):
    """A tag the text rule accepts must be storable and reachable as a topic.

    Case folding can lengthen a tag (ß → ss) or add a combining mark (İ → i̇); the key must
    still fit `Hashtag.key` (64) and pass the topic page's own validity check.
    """
    ServicePostFactory(author=user, body=f"#{tag} hello")
    hashtag = Hashtag.objects.get()
    hashtag.full_clean()
    assert len(hashtag.key) <= Hashtag._meta.get_field("key").max_length
    assert client.get(hashtag.get_absolute_url()).status_code == 200
