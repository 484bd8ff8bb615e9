"""Who may see and change what: authors, other members, staff and anonymous readers."""

import pytest

from square.models import Post, PostRevision
from square.services.posts import post_delete, post_hide
from square.tests.factories import ServicePostFactory

pytestmark = pytest.mark.django_db

BODY = "Alice's own words #mine"


@pytest.fixture
def post(user):
    return ServicePostFactory(author=user, body=BODY)


@pytest.fixture
def hidden_post(user, staff_user):
    post = ServicePostFactory(author=user, body="hidden words #mine")
    return post_hide(post=post, staff=staff_user)


@pytest.fixture
def deleted_post(user):
    post = ServicePostFactory(author=user, body="deleted words #mine")
    return post_delete(post=post, actor=user)


def assert_unchanged(post):
    fresh = Post.objects.get(pk=post.pk)
    assert fresh.body == post.body
    assert fresh.status == post.status
    assert fresh.edited_at is None
    assert not PostRevision.objects.filter(post=post).exists()


# --- nobody changes another member's post ------------------------------------------------


def test_others_cannot_open_the_edit_page(other_client, post):
    assert other_client.get(f"/posts/{post.pk}/edit/").status_code in (403, 404)


def test_others_cannot_edit(other_client, post):
    response = other_client.post(f"/posts/{post.pk}/edit/", {"body": "hijacked"})
    assert response.status_code in (403, 404)
    assert_unchanged(post)


def test_others_cannot_delete(other_client, post):
    response = other_client.post(f"/posts/{post.pk}/delete/")
    assert response.status_code in (403, 404)
    assert_unchanged(post)


def test_staff_cannot_edit_or_delete_members_posts(staff_client, post):
    assert staff_client.post(f"/posts/{post.pk}/edit/", {"body": "x"}).status_code in (403, 404)
    assert staff_client.post(f"/posts/{post.pk}/delete/").status_code in (403, 404)
    assert_unchanged(post)


def test_others_see_no_edit_or_delete_buttons(other_client, post):
    html = other_client.get(f"/posts/{post.pk}/").content.decode()
    assert f"/posts/{post.pk}/edit/" not in html
    assert f"/posts/{post.pk}/delete/" not in html


def test_author_sees_edit_and_delete_buttons(auth_client, post):
    html = auth_client.get(f"/posts/{post.pk}/").content.decode()
    assert f"/posts/{post.pk}/edit/" in html
    assert f"/posts/{post.pk}/delete/" in html


def test_author_deletes_own_post(auth_client, post):
    response = auth_client.post(f"/posts/{post.pk}/delete/")
    assert response.status_code == 302
    assert response["Location"] == "/u/alice/"
    assert Post.objects.get(pk=post.pk).status == Post.Status.DELETED


def test_author_cannot_edit_a_deleted_or_hidden_post(auth_client, deleted_post, hidden_post):
    for post in (deleted_post, hidden_post):
        assert auth_client.get(f"/posts/{post.pk}/edit/").status_code == 404
        response = auth_client.post(f"/posts/{post.pk}/edit/", {"body": "back again"})
        assert response.status_code == 404
        assert_unchanged(post)


# --- writes need a login ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("post", "/compose/"),
        ("post", "/posts/{pk}/edit/"),
        ("post", "/posts/{pk}/delete/"),
        ("post", "/accounts/profile/"),
        ("get", "/compose/"),
        ("get", "/posts/{pk}/edit/"),
        ("get", "/accounts/profile/"),
    ],
)
def test_writes_need_login(client, post, method, path):
    url = path.format(pk=post.pk)
    data = {"body": "anonymous words", "display_name": "x", "bio": "x"}
    response = getattr(client, method)(url, data if method == "post" else None)
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/?next=")
    assert Post.objects.count() == 1
    assert_unchanged(post)


# --- writes are POST only --------------------------------------------------------------------


def test_get_on_delete_is_405(auth_client, post):
    assert auth_client.get(f"/posts/{post.pk}/delete/").status_code == 405
    assert_unchanged(post)


@pytest.mark.parametrize("method", ["put", "patch", "delete"])
@pytest.mark.parametrize("path", ["/compose/", "/posts/{pk}/edit/", "/posts/{pk}/delete/"])
def test_other_methods_are_405(auth_client, post, method, path):
    response = getattr(auth_client, method)(path.format(pk=post.pk))
    assert response.status_code == 405
    assert_unchanged(post)


@pytest.mark.parametrize("path", ["/", "/tags/mine/", "/search/", "/u/alice/", "/posts/{pk}/"])
def test_read_pages_refuse_post(auth_client, post, path):
    assert auth_client.post(path.format(pk=post.pk), {"body": "x"}).status_code == 405
    assert Post.objects.count() == 1


def test_logout_by_get_is_405(auth_client):
    assert auth_client.get("/accounts/logout/").status_code == 405


# --- deleted and hidden posts ----------------------------------------------------------------


@pytest.mark.parametrize("suffix", ["", "history/"])
@pytest.mark.parametrize("viewer", ["anonymous", "other", "author"])
def test_deleted_posts_are_404(client, deleted_post, other_user, user, viewer, suffix):
    if viewer != "anonymous":
        client.force_login(other_user if viewer == "other" else user)
    assert client.get(f"/posts/{deleted_post.pk}/{suffix}").status_code == 404


def test_staff_can_still_read_a_deleted_post(staff_client, deleted_post):
    assert staff_client.get(f"/posts/{deleted_post.pk}/").status_code == 200


@pytest.mark.parametrize("suffix", ["", "history/"])
@pytest.mark.parametrize(
    ("viewer", "status"),
    [("anonymous", 404), ("other", 404), ("author", 200), ("staff", 200)],
)
def test_hidden_post_visible_only_to_author_and_staff(
    client, hidden_post, user, other_user, staff_user, viewer, status, suffix
):
    members = {"other": other_user, "author": user, "staff": staff_user}
    if viewer in members:
        client.force_login(members[viewer])
    response = client.get(f"/posts/{hidden_post.pk}/{suffix}")
    assert response.status_code == status
    if status == 200:
        assert "hidden words" in response.content.decode()


@pytest.mark.parametrize("path", ["/", "/tags/mine/", "/search/?q=words", "/u/alice/"])
def test_hidden_and_deleted_posts_stay_out_of_feeds(
    other_client, post, hidden_post, deleted_post, path
):
    ids = [p.pk for p in other_client.get(path).context["page"].items]
    assert post.pk in ids
    assert hidden_post.pk not in ids
    assert deleted_post.pk not in ids


def test_author_sees_own_hidden_post_on_profile_only(auth_client, post, hidden_post, deleted_post):
    profile = [p.pk for p in auth_client.get("/u/alice/").context["page"].items]
    assert sorted(profile) == sorted([hidden_post.pk, post.pk])
    assert deleted_post.pk not in profile
    home = [p.pk for p in auth_client.get("/").context["page"].items]
    assert home == [post.pk]
