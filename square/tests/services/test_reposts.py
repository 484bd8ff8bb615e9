"""Reposts and quotes: always of the original, one plain repost each, exact counters."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction

from square.models import Hashtag, Post, PostHashtag, User
from square.services.posts import (
    post_delete,
    post_edit,
    post_hide,
    post_restore,
    repost_create,
)
from square.tests.factories import PostFactory, ServicePostFactory, UserFactory

pytestmark = pytest.mark.django_db


def repost_count(post: Post) -> int:
    return Post.objects.values_list("repost_count", flat=True).get(pk=post.pk)


def post_count(user: User) -> int:
    return User.objects.values_list("post_count", flat=True).get(pk=user.pk)


def tag_count(key: str) -> int:
    return Hashtag.objects.values_list("post_count", flat=True).get(key=key)


def tags_of(post: Post) -> set[str]:
    return set(PostHashtag.objects.filter(post=post).values_list("hashtag__key", flat=True))


def test_a_plain_repost_has_no_body_and_points_at_the_original(user):
    original = ServicePostFactory(body="worth sharing")
    repost, created = repost_create(author=user, post=original)
    repost.refresh_from_db()
    assert created is True
    assert repost.body == "" and repost.is_plain_repost
    assert repost.repost_of_id == original.pk
    assert repost.author_id == user.pk and repost.is_published
    assert repost_count(original) == 1
    assert post_count(user) == 1


def test_a_whitespace_quote_is_a_plain_repost(user):
    original = ServicePostFactory(body="worth sharing")
    repost, created = repost_create(author=user, post=original, quote="  \n ")
    assert created and repost.body == "" and repost.is_plain_repost


def test_a_quote_keeps_its_text(user):
    original = ServicePostFactory(body="worth sharing")
    quote, created = repost_create(author=user, post=original, quote="so true\r\nindeed")
    quote.refresh_from_db()
    assert created and quote.body == "so true\nindeed" and not quote.is_plain_repost
    assert quote.repost_of_id == original.pk


@pytest.mark.parametrize("quote", ["", "a quote of a repost"], ids=["plain", "quote"])
@pytest.mark.parametrize("via", ["plain", "quote"])
def test_reposting_a_repost_reposts_the_original(user, other_user, quote, via):
    original = ServicePostFactory(body="the source")
    middle, _ = repost_create(
        author=other_user, post=original, quote="" if via == "plain" else "hm"
    )
    repost, created = repost_create(author=user, post=middle, quote=quote)
    assert created
    assert repost.repost_of_id == original.pk  # never a repost of a repost
    assert repost_count(original) == 2
    assert repost_count(middle) == 0


@pytest.mark.parametrize("quote", ["", "a quote"], ids=["plain", "quote"])
def test_deleted_and_hidden_posts_cannot_be_reposted(user, staff_user, quote):
    deleted, hidden = ServicePostFactory(), ServicePostFactory()
    post_delete(post=deleted, actor=deleted.author)
    post_hide(post=hidden, staff=staff_user)
    before = Post.objects.count()
    for post in (deleted, hidden):
        with pytest.raises(ValidationError) as exc:
            repost_create(author=user, post=post, quote=quote)
        assert "body" in exc.value.message_dict
        assert repost_count(post) == 0
    assert Post.objects.count() == before
    assert post_count(user) == 0


@pytest.mark.parametrize("quote", ["", "a quote"], ids=["plain", "quote"])
def test_a_repost_whose_original_is_gone_cannot_be_reposted(user, other_user, quote):
    original = ServicePostFactory(body="soon gone")
    middle, _ = repost_create(author=other_user, post=original)
    post_delete(post=original, actor=original.author)
    before = Post.objects.count()
    with pytest.raises(ValidationError):
        repost_create(author=user, post=middle, quote=quote)
    assert Post.objects.count() == before


def test_a_hidden_repost_cannot_be_reposted_even_if_the_original_is_fine(
    user, other_user, staff_user
):
    original = ServicePostFactory(body="fine")
    quote, _ = repost_create(author=other_user, post=original, quote="hidden later")
    post_hide(post=quote, staff=staff_user)
    with pytest.raises(ValidationError):
        repost_create(author=user, post=quote)
    assert repost_count(original) == 0  # the hidden quote no longer counts


def test_a_stale_post_object_does_not_let_a_repost_through(user):
    original = ServicePostFactory()
    Post.objects.filter(pk=original.pk).update(status=Post.Status.DELETED)
    with pytest.raises(ValidationError):
        repost_create(author=user, post=original)
    assert repost_count(original) == 0


def test_a_second_plain_repost_returns_the_first(user):
    original = ServicePostFactory()
    first, created = repost_create(author=user, post=original)
    again, created_again = repost_create(author=user, post=original)
    assert (created, created_again) == (True, False)
    assert again.pk == first.pk
    assert Post.objects.filter(repost_of=original).count() == 1
    assert repost_count(original) == 1
    assert post_count(user) == 1


def test_quotes_are_unlimited(user):
    original = ServicePostFactory()
    repost_create(author=user, post=original)
    quotes = [repost_create(author=user, post=original, quote=f"take {i}") for i in range(3)]
    assert all(created for _, created in quotes)
    assert len({q.pk for q, _ in quotes}) == 3
    assert repost_count(original) == 4
    assert post_count(user) == 4


def test_a_quote_carries_its_own_hashtags_and_a_plain_repost_none(user, other_user):
    original = ServicePostFactory(body="#alpha news")
    plain, _ = repost_create(author=other_user, post=original)
    quote, _ = repost_create(author=user, post=original, quote="#beta #Alpha my take")

    assert tags_of(original) == {"alpha"}
    assert tags_of(plain) == set()
    assert tags_of(quote) == {"alpha", "beta"}
    assert (tag_count("alpha"), tag_count("beta")) == (2, 1)
    link = PostHashtag.objects.get(post=quote, hashtag__key="beta")
    assert (link.author_id, link.created_at) == (user.pk, quote.created_at)

    post_delete(post=quote, actor=user)
    assert (tag_count("alpha"), tag_count("beta")) == (1, 0)
    post_delete(post=plain, actor=other_user)
    assert tag_count("alpha") == 1


def test_a_quote_mentions_its_own_people(user, other_user):
    original = ServicePostFactory(body="no mentions here")
    quote, _ = repost_create(author=user, post=original, quote=f"look @{other_user.username}")
    assert list(quote.mentions.values_list("pk", flat=True)) == [other_user.pk]
    assert not original.mentions.exists()


def test_counters_are_exact_through_delete_hide_and_restore(user, other_user, staff_user):
    original = ServicePostFactory(author=other_user, body="the source")
    plain, _ = repost_create(author=user, post=original)
    quote, _ = repost_create(author=user, post=original, quote="a quote")
    assert (repost_count(original), post_count(user), post_count(other_user)) == (2, 2, 1)

    post_hide(post=quote, staff=staff_user)
    assert (repost_count(original), post_count(user)) == (1, 1)
    post_hide(post=quote, staff=staff_user)  # hiding twice changes nothing
    assert (repost_count(original), post_count(user)) == (1, 1)
    post_restore(post=quote, staff=staff_user)
    assert (repost_count(original), post_count(user)) == (2, 2)
    post_restore(post=quote, staff=staff_user)
    assert (repost_count(original), post_count(user)) == (2, 2)

    post_delete(post=plain, actor=user)
    assert (repost_count(original), post_count(user)) == (1, 1)
    post_delete(post=plain, actor=user)
    assert (repost_count(original), post_count(user)) == (1, 1)

    # After deleting the plain repost, reposting again makes a new one.
    again, created = repost_create(author=user, post=original)
    assert created and again.pk != plain.pk
    assert (repost_count(original), post_count(user)) == (2, 2)
    assert post_count(other_user) == 1  # reposts never count for the original's author

    assert repost_count(original) == Post.objects.published().filter(repost_of=original).count()


def test_only_the_author_deletes_a_repost(user, other_user):
    original = ServicePostFactory()
    repost, _ = repost_create(author=user, post=original)
    with pytest.raises(PermissionDenied):
        post_delete(post=repost, actor=other_user)
    assert repost_count(original) == 1


def test_reposting_ones_own_post_is_allowed(user):
    original = ServicePostFactory(author=user)
    repost, created = repost_create(author=user, post=original)
    assert created and repost.repost_of_id == original.pk
    assert repost_count(original) == 1
    assert post_count(user) == 2


def test_deactivated_members_cannot_repost(user):
    original = ServicePostFactory()
    user.is_active = False
    user.save()
    before = Post.objects.count()
    for quote in ("", "a quote"):
        with pytest.raises(PermissionDenied):
            repost_create(author=user, post=original, quote=quote)
    assert Post.objects.count() == before
    assert repost_count(original) == 0


def test_a_bad_quote_is_refused_and_nothing_is_written(user):
    original = ServicePostFactory()
    before = Post.objects.count()
    for quote in ("a\x00b", "x" * 5001):
        with pytest.raises(ValidationError):
            repost_create(author=user, post=original, quote=quote)
    assert Post.objects.count() == before
    assert repost_count(original) == 0
    assert post_count(user) == 0


# --- what the database itself refuses -------------------------------------------------------


def test_only_a_repost_may_have_an_empty_body(user):
    with transaction.atomic(), pytest.raises(IntegrityError, match="post_body_length"):
        Post.objects.create(author=user, body="")
    original = PostFactory()
    Post.objects.create(author=user, body="", repost_of=original)  # a plain repost is fine
    assert Post.objects.filter(author=user).count() == 1


def test_the_database_allows_one_live_plain_repost_per_person_and_post(user):
    original = PostFactory()
    first = Post.objects.create(author=user, body="", repost_of=original)
    with transaction.atomic(), pytest.raises(IntegrityError):
        Post.objects.create(author=user, body="", repost_of=original)
    # Quotes are not limited, and other people repost freely.
    Post.objects.create(author=user, body="a quote", repost_of=original)
    Post.objects.create(author=user, body="a quote", repost_of=original)
    Post.objects.create(author=UserFactory(), body="", repost_of=original)

    Post.objects.filter(pk=first.pk).update(status=Post.Status.DELETED)
    second = Post.objects.create(author=user, body="", repost_of=original)
    assert second.pk != first.pk
    assert Post.objects.filter(author=user, repost_of=original, body="").count() == 2


def test_a_hidden_plain_repost_still_blocks_a_second_one(user, staff_user):
    original = ServicePostFactory()
    first, _ = repost_create(author=user, post=original)
    post_hide(post=first, staff=staff_user)
    with transaction.atomic(), pytest.raises(IntegrityError):
        Post.objects.create(author=user, body="", repost_of=original)
    again, created = repost_create(author=user, post=original)
    assert (again.pk, created) == (first.pk, False)
    assert repost_count(original) == 0


def test_a_plain_repost_cannot_be_edited_into_a_quote(client):
    author, reader = UserFactory(), UserFactory()
    original = ServicePostFactory(author=author, body="original text")
    plain, _created = repost_create(author=reader, post=original)
    with pytest.raises(ValidationError):
        post_edit(post=plain, editor=reader, body="now with words")
    client.force_login(reader)
    assert client.get(f"/posts/{plain.pk}/edit/").status_code == 404
    assert client.post(f"/posts/{plain.pk}/edit/", {"body": "x"}).status_code == 404
    plain.refresh_from_db()
    assert plain.body == ""
