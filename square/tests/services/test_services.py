"""Post writes: create, edit with history, soft delete, hide/restore, exact counters."""

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.utils import timezone

from square.models import Hashtag, Post, PostHashtag, PostImage, PostRevision, User
from square.models.post import BODY_MAX
from square.project import hooks
from square.services import hashtags
from square.services.accounts import profile_update, user_create, user_deactivate
from square.services.posts import (
    MAX_TAGS_PER_POST,
    post_create,
    post_delete,
    post_edit,
    post_hide,
    post_restore,
)
from square.tests.factories import ServicePostFactory, UserFactory

pytestmark = pytest.mark.django_db


def tag_counts() -> dict[str, int]:
    return dict(Hashtag.objects.values_list("key", "post_count"))


def post_count(user) -> int:
    return User.objects.get(pk=user.pk).post_count


def test_post_create_publishes_with_tags_and_counts(user):
    post = post_create(author=user, body="Hello #Web3 and #新年快乐")
    assert post.status == Post.Status.PUBLISHED
    assert post.edited_at is None
    assert sorted(post.tag_links.values_list("hashtag__key", flat=True)) == ["web3", "新年快乐"]
    assert tag_counts() == {"web3": 1, "新年快乐": 1}
    assert post_count(user) == 1
    link = PostHashtag.objects.filter(post=post).first()
    assert link.author_id == user.pk
    assert link.created_at == post.created_at


LONG = "去年冬天我第一次一个人坐夜车去哈尔滨看冰雕，零下二十多度的晚上，手机冻得自动关机。"


@pytest.mark.parametrize(
    ("body", "queries"),
    [
        # post, tags (PostgreSQL: one statement; SQLite: insert, ids, links, counts),
        # author's count, duplicate check (PostgreSQL one statement, SQLite five); the
        # test's savepoint around it
        (f"{LONG} #Web3 #新年快乐", {"postgresql": 6, "sqlite": 13}),
        # + the mentioned user, the link, the notice (its insert and the badge's bump)
        (f"{LONG} #Web3 @bob", {"postgresql": 9, "sqlite": 16}),
    ],
)
def test_creating_a_post_costs_a_fixed_number_of_queries(
    user, other_user, body, queries, monkeypatch, django_assert_num_queries
):
    """The square's own part of a post write (the hooks' callbacks are the apps' to
    bound): a new post's tag links and mentions are not read first, there are none."""
    Hashtag.objects.create(key="web3", display="Web3")
    monkeypatch.setattr(hooks, "post_changed", lambda *, post: None)
    with django_assert_num_queries(queries[connection.vendor]):
        post = post_create(author=user, body=body)
    assert post.tag_links.count() == body.count("#")
    assert list(post.mentions.all()) == ([other_user] if "@" in body else [])


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's one statement")
def test_a_tag_created_meanwhile_by_another_post_is_linked_and_counted(user, monkeypatch):
    """The one statement does not see a tag another transaction created after it began:
    that tag is linked and counted the ordinary way. Here the statement is given only
    the first tag, as if the second had appeared meanwhile."""
    Hashtag.objects.create(key="web3", display="Web3", post_count=4)
    one_statement = hashtags._pg_attach_new

    def first_tag_only(post, displays):
        key = next(iter(displays))
        return one_statement(post, {key: displays[key]})

    monkeypatch.setattr(hashtags, "_pg_attach_new", first_tag_only)
    post = post_create(author=user, body="早上好 #新年快乐 #Web3 #读书")
    assert sorted(post.tag_links.values_list("hashtag__key", flat=True)) == [
        "web3",
        "新年快乐",
        "读书",
    ]
    assert tag_counts() == {"web3": 5, "新年快乐": 1, "读书": 1}


def test_post_create_keeps_a_given_time(user):
    moment = timezone.now() - timedelta(days=3)
    post = post_create(author=user, body="an import", created_at=moment)
    assert post.created_at == moment
    assert PostHashtag.objects.count() == 0


def test_line_endings_are_unified(user):
    post = post_create(author=user, body="one\r\ntwo\rthree")
    assert post.body == "one\ntwo\nthree"


def test_hashtag_display_is_the_tag_as_first_written(user, other_user):
    post_create(author=user, body="#Web3 first")
    post_create(author=other_user, body="#WEB3 second ＃ｗｅｂ３")
    tag = Hashtag.objects.get()
    assert (tag.key, tag.display, tag.post_count) == ("web3", "Web3", 2)


def test_one_post_counts_once_per_tag(user):
    post_create(author=user, body="#a #A ＃Ａ #a# #b")
    assert tag_counts() == {"a": 1, "b": 1}
    assert PostHashtag.objects.count() == 2


def test_counts_exact_through_create_edit_delete_hide_restore(user, staff_user):
    first = post_create(author=user, body="#a #b")
    second = post_create(author=user, body="#a")
    assert tag_counts() == {"a": 2, "b": 1}
    assert post_count(user) == 2

    post_edit(post=first, editor=user, body="#b #c")
    assert tag_counts() == {"a": 1, "b": 1, "c": 1}
    assert post_count(user) == 2

    post_delete(post=second, actor=user)
    post_delete(post=second, actor=user)  # twice is still one delete
    assert tag_counts() == {"a": 0, "b": 1, "c": 1}
    assert post_count(user) == 1

    post_hide(post=first, staff=staff_user)
    post_hide(post=first, staff=staff_user)
    assert tag_counts() == {"a": 0, "b": 0, "c": 0}
    assert post_count(user) == 0

    post_restore(post=first, staff=staff_user)
    post_restore(post=first, staff=staff_user)
    assert tag_counts() == {"a": 0, "b": 1, "c": 1}
    assert post_count(user) == 1

    post_delete(post=first, actor=user)
    assert tag_counts() == {"a": 0, "b": 0, "c": 0}
    assert post_count(user) == 0


def test_staff_cannot_hide_or_restore_a_deleted_post(user, staff_user):
    post = post_create(author=user, body="#a")
    post_delete(post=post, actor=user)
    post_hide(post=post, staff=staff_user)
    assert Post.objects.get(pk=post.pk).status == Post.Status.DELETED
    post_restore(post=post, staff=staff_user)
    assert Post.objects.get(pk=post.pk).status == Post.Status.DELETED
    assert tag_counts() == {"a": 0}
    assert post_count(user) == 0


def test_author_can_delete_a_hidden_post_without_double_counting(user, staff_user):
    post = post_create(author=user, body="#a")
    post_hide(post=post, staff=staff_user)
    post_delete(post=post, actor=user)
    assert Post.objects.get(pk=post.pk).status == Post.Status.DELETED
    assert tag_counts() == {"a": 0}
    assert post_count(user) == 0


def test_soft_delete_keeps_the_row(user):
    post = post_create(author=user, body="bye #a")
    post_delete(post=post, actor=user)
    kept = Post.objects.get(pk=post.pk)
    assert kept.status == Post.Status.DELETED
    assert kept.body == "bye #a"
    assert kept.tag_links.count() == 1
    assert not Post.objects.published().filter(pk=post.pk).exists()


def test_edit_keeps_previous_text_and_time(user):
    created = timezone.now() - timedelta(hours=2)
    post = post_create(author=user, body="v1 #a", created_at=created)

    post_edit(post=post, editor=user, body="v2 #b")
    post.refresh_from_db()
    first_edit = post.edited_at
    assert post.body == "v2 #b"
    assert first_edit is not None and first_edit > created
    (revision,) = PostRevision.objects.filter(post=post)
    assert (revision.body, revision.written_at, revision.replaced_at) == (
        "v1 #a",
        created,
        first_edit,
    )

    post_edit(post=post, editor=user, body="v3")
    post.refresh_from_db()
    revisions = list(post.revisions.all())  # newest first
    assert [r.body for r in revisions] == ["v2 #b", "v1 #a"]
    assert revisions[0].written_at == first_edit
    assert revisions[0].replaced_at == post.edited_at
    assert post.created_at == created


def test_edit_with_the_same_text_makes_no_revision(user):
    post = post_create(author=user, body="same\ntext")
    post_edit(post=post, editor=user, body="same\r\ntext")
    post.refresh_from_db()
    assert post.edited_at is None
    assert not PostRevision.objects.exists()


def test_edit_updates_tags_and_mentions(user, other_user):
    post = post_create(author=user, body="#old hi @bob")
    assert list(post.mentions.all()) == [other_user]
    post_edit(post=post, editor=user, body="#new hi @alice")
    assert list(post.tag_links.values_list("hashtag__key", flat=True)) == ["new"]
    assert list(post.mentions.all()) == [user]
    assert tag_counts() == {"old": 0, "new": 1}


def test_edit_refused_for_hidden_and_deleted_posts(user, staff_user):
    hidden = post_create(author=user, body="one")
    post_hide(post=hidden, staff=staff_user)
    deleted = post_create(author=user, body="two")
    post_delete(post=deleted, actor=user)
    for post in (hidden, deleted):
        with pytest.raises(ValidationError):
            post_edit(post=post, editor=user, body="changed")
    assert not PostRevision.objects.exists()


def test_mentions_link_only_existing_users_case_insensitively(user):
    carol = UserFactory(username="Carol")
    post = post_create(author=user, body="hi @CAROL @nobody @carol and me@example.com")
    assert list(post.mentions.all()) == [carol]


def test_images_are_saved_in_order(user, jpeg_upload):
    post = post_create(author=user, body="pics", images=[jpeg_upload(), jpeg_upload("b.jpg")])
    assert list(post.images.values_list("position", flat=True)) == [0, 1]
    assert all(img.width == 40 and img.height == 20 for img in post.images.all())


# --- validation: refused bodies leave nothing behind ------------------------------------

BAD_BODIES = [
    ("empty", ""),
    ("spaces", "   "),
    ("whitespace-mix", " \n\t\r\n "),
    ("ideographic-space", "\u3000\u3000"),
    ("nul", "hello\x00world"),
    ("too-long", "x" * (BODY_MAX + 1)),
    ("too-long-han", "汉" * (BODY_MAX + 1)),
    ("31-hashtags", " ".join(f"#t{i}" for i in range(MAX_TAGS_PER_POST + 1))),
]


@pytest.mark.parametrize("body", [b for _, b in BAD_BODIES], ids=[i for i, _ in BAD_BODIES])
def test_bad_bodies_are_refused_and_nothing_is_saved(user, body):
    with pytest.raises(ValidationError) as excinfo:
        post_create(author=user, body=body)
    assert excinfo.value.messages and all(excinfo.value.messages)
    assert not Post.objects.exists()
    assert not Hashtag.objects.exists()
    assert post_count(user) == 0


def test_none_body_is_refused(user):
    with pytest.raises(ValidationError):
        post_create(author=user, body=None)


@pytest.mark.parametrize(
    "body",
    ["x", "x" * BODY_MAX, " ".join(f"#t{i}" for i in range(MAX_TAGS_PER_POST))],
    ids=["1-char", f"{BODY_MAX}-chars", "30-hashtags"],
)
def test_bodies_at_the_limits_are_accepted(user, body):
    post = post_create(author=user, body=body)
    assert Post.objects.get(pk=post.pk).body == body


def test_repeated_tags_count_once_towards_the_limit(user):
    body = " ".join(f"#t{i} #T{i}" for i in range(MAX_TAGS_PER_POST))
    post_create(author=user, body=body)
    assert Hashtag.objects.count() == MAX_TAGS_PER_POST


def test_edit_validates_the_new_body(user):
    post = post_create(author=user, body="fine")
    for body in ("   ", "a\x00b", "x" * (BODY_MAX + 1)):
        with pytest.raises(ValidationError):
            post_edit(post=post, editor=user, body=body)
    post.refresh_from_db()
    assert post.body == "fine"
    assert not PostRevision.objects.exists()


# --- who may do what ------------------------------------------------------------------


def test_only_the_author_edits_or_deletes(user, other_user):
    post = post_create(author=user, body="mine #a")
    with pytest.raises(PermissionDenied):
        post_edit(post=post, editor=other_user, body="hijacked")
    with pytest.raises(PermissionDenied):
        post_delete(post=post, actor=other_user)
    post.refresh_from_db()
    assert (post.body, post.status) == ("mine #a", Post.Status.PUBLISHED)
    assert tag_counts() == {"a": 1}


def test_only_staff_hide_and_restore(user, other_user):
    post = post_create(author=user, body="mine")
    with pytest.raises(PermissionDenied):
        post_hide(post=post, staff=other_user)
    with pytest.raises(PermissionDenied):
        post_restore(post=post, staff=user)
    assert Post.objects.get(pk=post.pk).status == Post.Status.PUBLISHED


def test_deactivated_members_cannot_post(user, staff_user):
    user_deactivate(user=user, staff=staff_user)
    with pytest.raises(PermissionDenied):
        post_create(author=user, body="still here?")
    assert not Post.objects.exists()


def test_deactivation_needs_staff_and_keeps_posts(user, other_user, staff_user):
    ServicePostFactory(author=user, body="keep me")
    with pytest.raises(PermissionDenied):
        user_deactivate(user=user, staff=other_user)
    user_deactivate(user=user, staff=staff_user)
    assert not User.objects.get(pk=user.pk).is_active
    assert Post.objects.filter(author=user).count() == 1


def test_profile_update_refuses_nul_and_strips(user):
    with pytest.raises(ValidationError):
        profile_update(user=user, display_name="a\x00b", bio="")
    profile_update(user=user, display_name="  Alice  ", bio=" hi ")
    user.refresh_from_db()
    assert (user.display_name, user.bio) == ("Alice", "hi")


def test_image_rows_are_not_created_for_refused_bodies(user, jpeg_upload, media_files):
    with pytest.raises(ValidationError):
        post_create(author=user, body="   ", images=[jpeg_upload()])
    assert not PostImage.objects.exists()
    assert media_files() == []


@pytest.mark.django_db
def test_usernames_are_ascii_so_mentions_end_at_chinese_text():
    with pytest.raises(ValidationError):
        user_create(username="小明", password="Sq-uare-2026!x")
    assert not User.objects.filter(username="小明").exists()
