"""Staff browse interactions in the admin, and moderate comments through the services."""

import pytest

from square.models import Comment, Post
from square.services.comments import comment_create
from square.services.interactions import follow_create, like_create
from square.services.posts import repost_create
from square.tests.factories import ServicePostFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(client):
    client.force_login(UserFactory(username="root", is_staff=True, is_superuser=True))
    return client


@pytest.fixture
def busy_post(user, other_user):
    post = ServicePostFactory(author=user, body="busy post #新年快乐")
    like_create(user=other_user, post=post)
    comment_create(author=other_user, post=post, body="a comment worth reading")
    repost_create(author=other_user, post=post, quote="a quote of it")
    repost_create(author=user, post=post)  # a plain self-repost: allowed, and visible
    follow_create(follower=other_user, followee=user)
    return post


@pytest.mark.parametrize(
    "path",
    [
        "/admin/square/like/",
        "/admin/square/comment/",
        "/admin/square/follow/",
        "/admin/square/notification/",
        "/admin/square/post/?kind=repost",
        "/admin/square/post/?kind=quote",
        "/admin/square/post/?kind=post",
        "/admin/square/like/?q=bob",
        "/admin/square/comment/?q=worth",
        "/admin/square/follow/?q=alice",
    ],
)
def test_interactions_are_browsable_and_searchable(admin_client, busy_post, path):
    response = admin_client.get(path)
    assert response.status_code == 200
    assert response.context["cl"].result_count >= 1


def test_post_page_shows_its_interactions(admin_client, busy_post):
    html = admin_client.get(f"/admin/square/post/{busy_post.pk}/change/").content.decode()
    assert "a comment worth reading" in html
    assert "a quote of it" in html
    assert f"/admin/square/like/?post__id__exact={busy_post.pk}" in html
    liked = admin_client.get(f"/admin/square/like/?post__id__exact={busy_post.pk}")
    assert liked.context["cl"].result_count == 1
    reposts = admin_client.get(f"/admin/square/post/?repost_of__id__exact={busy_post.pk}")
    assert reposts.context["cl"].result_count == 2


def test_hiding_a_comment_in_the_admin_moves_the_counter(admin_client, busy_post):
    comment = Comment.objects.get()
    response = admin_client.post(
        "/admin/square/comment/",
        {"action": "hide", "_selected_action": [comment.pk]},
    )
    assert response.status_code == 302
    comment.refresh_from_db()
    busy_post.refresh_from_db()
    assert comment.status == "hidden"
    assert busy_post.comment_count == 0
    admin_client.post(
        "/admin/square/comment/", {"action": "restore", "_selected_action": [comment.pk]}
    )
    busy_post.refresh_from_db()
    assert busy_post.comment_count == 1


def test_interactions_cannot_be_forged_or_deleted_in_the_admin(admin_client, busy_post):
    assert admin_client.get("/admin/square/like/add/").status_code == 403
    assert admin_client.get("/admin/square/comment/add/").status_code == 403
    comment = Comment.objects.get()
    assert admin_client.get(f"/admin/square/comment/{comment.pk}/delete/").status_code == 403


def test_non_staff_cannot_hide_comments(client, busy_post, other_user):
    client.force_login(other_user)
    comment = Comment.objects.get()
    response = client.post(
        "/admin/square/comment/", {"action": "hide", "_selected_action": [comment.pk]}
    )
    assert response.status_code == 302 and "/admin/login/" in response["Location"]
    comment.refresh_from_db()
    assert comment.status == "published"
    assert Post.objects.get(pk=busy_post.pk).comment_count == 1


def test_hide_and_restore_say_how_many_changed(admin_client, busy_post, english):
    response = admin_client.post(
        "/admin/square/post/",
        {"action": "hide", "_selected_action": [busy_post.pk]},
        follow=True,
    )
    assert "1 post hidden." in [str(m) for m in response.context["messages"]]
    response = admin_client.post(
        "/admin/square/post/",
        {"action": "restore", "_selected_action": [busy_post.pk]},
        follow=True,
    )
    assert "1 post restored." in [str(m) for m in response.context["messages"]]
