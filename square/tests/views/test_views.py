"""Every page answers with the right status; sign-up, log in/out and posting work end to end."""

import re
from urllib.parse import quote

import pytest
from django.urls import reverse

from square.models import Post, PostImage, User
from square.services.posts import post_edit
from square.tests import factories as f
from square.tests.factories import PASSWORD, ServicePostFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def post(user):
    return ServicePostFactory(author=user, body="Hello square #Web3 #新年快乐 @bob")


def feed_ids(response) -> list[int]:
    return [p.pk for p in response.context["page"].items]


# --- status codes ------------------------------------------------------------------------


@pytest.mark.parametrize(
    "url",
    [
        "/",
        "/tags/web3/",
        reverse("topic", kwargs={"tag": "新年快乐"}),
        "/search/",
        "/search/?q=hello",
        "/search/?q=%23web3",
        "/u/alice/",
        "/accounts/signup/",
        "/accounts/login/",
    ],
)
def test_public_pages_answer_200(client, post, url):
    assert client.get(url).status_code == 200


def test_post_and_history_pages(client, post, user):
    assert client.get(f"/posts/{post.pk}/").status_code == 200
    response = client.get(f"/posts/{post.pk}/history/")
    assert response.status_code == 200
    assert list(response.context["revisions"]) == []

    post_edit(post=post, editor=user, body="Second version")
    response = client.get(f"/posts/{post.pk}/history/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "Second version" in html and "Hello square" in html


@pytest.mark.parametrize("url", ["/posts/999999/", "/posts/999999/history/", "/u/nobody/"])
def test_missing_things_are_404(client, user, url):
    assert client.get(url).status_code == 404


def test_unknown_tag_is_an_empty_200(client, post):
    response = client.get("/tags/nothinghere/")
    assert response.status_code == 200
    assert feed_ids(response) == []
    assert response.context["stats"] == {"posts": 0, "authors": 0}


@pytest.mark.parametrize(
    "tag",
    ["2026", "a" * 65, "a-b", "tag.com", "<b>", "a%00b", "%20"],
    ids=["all-digits", "too-long", "hyphen", "dot", "html", "nul", "space"],
)
def test_invalid_tag_is_400(client, tag):
    assert client.get(f"/tags/{tag}/").status_code == 400


@pytest.mark.parametrize(
    ("tag", "canonical"),
    [("Web3", "web3"), ("ＷＥＢ３", "web3"), ("Straße", "strasse"), ("新年快乐", None)],
    ids=["upper", "fullwidth", "casefold", "han-is-canonical"],
)
def test_non_canonical_tag_redirects_permanently(client, tag, canonical):
    response = client.get(f"/tags/{quote(tag)}/")
    if canonical is None:
        assert response.status_code == 200
        return
    assert response.status_code == 301
    assert response["Location"] == f"/tags/{canonical}/"


def test_topic_page_lists_the_tagged_posts(client, post, other_user):
    ServicePostFactory(author=other_user, body="#web3 again")
    ServicePostFactory(author=other_user, body="no tags")
    response = client.get("/tags/web3/")
    assert len(feed_ids(response)) == 2
    assert response.context["stats"] == {"posts": 2, "authors": 2}


@pytest.mark.parametrize(
    "tag", ["Web3", "新年快乐", "ß" * 40, "İstanbul"], ids=["ascii", "han", "sharp-s", "dotted-i"]
)
def test_every_tag_link_in_a_post_opens_its_topic(client, user, tag):
    post = ServicePostFactory(author=user, body=f"look #{tag} here")
    html = client.get(f"/posts/{post.pk}/").content.decode()
    (href,) = re.findall(r'<a class="tag" href="([^"]+)"', html)
    response = client.get(href)
    assert response.status_code == 200, f"{href} answered {response.status_code}"
    assert feed_ids(response) == [post.pk]


def test_login_required_pages_redirect_to_login(client):
    for url in ("/compose/", "/accounts/profile/", "/posts/1/edit/"):
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"] == f"/accounts/login/?next={quote(url)}"


def test_logged_in_pages(auth_client, post):
    assert auth_client.get("/compose/").status_code == 200
    assert auth_client.get("/accounts/profile/").status_code == 200
    assert auth_client.get(f"/posts/{post.pk}/edit/").status_code == 200


# --- accounts ----------------------------------------------------------------------------


def test_signup_logs_the_new_member_in(client):
    response = client.post(
        "/accounts/signup/",
        {"username": "newbie", "password1": PASSWORD, "password2": PASSWORD},
    )
    assert response.status_code == 302
    assert response["Location"] == "/"
    member = User.objects.get(username="newbie")
    assert client.session["_auth_user_id"] == str(member.pk)
    assert client.get("/").context["user"] == member


def test_signup_refuses_a_case_variant_username(client, user):
    response = client.post(
        "/accounts/signup/",
        {"username": "ALICE", "password1": PASSWORD, "password2": PASSWORD},
    )
    assert response.status_code == 200
    assert "username" in response.context["form"].errors
    assert User.objects.count() == 1


def test_signup_refuses_mismatched_passwords(client):
    response = client.post(
        "/accounts/signup/", {"username": "x1", "password1": PASSWORD, "password2": "other-pw-9"}
    )
    assert response.status_code == 200
    assert not User.objects.filter(username="x1").exists()


def test_login_with_username_and_password(client, user):
    response = client.post("/accounts/login/", {"username": "alice", "password": PASSWORD})
    assert response.status_code == 302
    assert response["Location"] == "/"
    assert client.session["_auth_user_id"] == str(user.pk)


def test_login_with_a_wrong_password_fails(client, user):
    response = client.post("/accounts/login/", {"username": "alice", "password": "wrong"})
    assert response.status_code == 200
    assert "_auth_user_id" not in client.session


def test_logout_is_post_only(auth_client):
    assert auth_client.get("/accounts/logout/").status_code == 405
    assert "_auth_user_id" in auth_client.session
    response = auth_client.post("/accounts/logout/")
    assert response.status_code == 302
    assert "_auth_user_id" not in auth_client.session


def test_profile_edit_changes_what_others_see(auth_client, client, user):
    response = auth_client.post(
        "/accounts/profile/", {"display_name": "Alice A.", "bio": "I post about #web3"}
    )
    assert response.status_code == 302
    html = client.get("/u/alice/").content.decode()
    assert "Alice A." in html and "I post about #web3" in html


def test_profile_edit_refuses_a_bad_avatar(auth_client, user, media_files):
    avatar = f.upload("me.jpg", b"not an image")
    response = auth_client.post(
        "/accounts/profile/", {"display_name": "A", "bio": "", "avatar": avatar}
    )
    assert response.status_code == 200
    assert "avatar" in response.context["form"].errors
    assert media_files() == []


# --- composing ---------------------------------------------------------------------------


def test_compose_with_images_shows_on_home_and_topic(auth_client, client, jpeg_upload):
    response = auth_client.post(
        "/compose/",
        {"body": "新年第一帖 #新年快乐", "images": [jpeg_upload("a.jpg"), jpeg_upload("b.jpg")]},
    )
    post = Post.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/posts/{post.pk}/"
    assert post.images.count() == 2

    assert feed_ids(auth_client.get("/")) == [post.pk]
    topic = auth_client.get(reverse("topic", kwargs={"tag": "新年快乐"}))
    assert feed_ids(topic) == [post.pk]
    assert "新年第一帖" in topic.content.decode()
    detail = auth_client.get(response["Location"]).content.decode()
    assert detail.count('class="grid-cell"') == 2


@pytest.mark.parametrize("tag", ["新年快乐", "#新年快乐", "＃新年快乐"])
def test_compose_prefills_the_topic(auth_client, tag):
    response = auth_client.get("/compose/", {"tag": tag})
    assert response.status_code == 200
    assert response.context["form"]["body"].value() == "#新年快乐 "
    assert "#新年快乐 </textarea>" in response.content.decode()


BAD_UPLOADS = [
    ("text", [("notes.jpg", b"hello")]),
    ("svg", [("x.svg", f.SVG)]),
    ("truncated", [("cut.jpg", f.noisy_jpeg()[:2000])]),
    ("bomb", [("bomb.png", f.png_header_claiming(100_000, 100_000))]),
    ("ten", [(f"{i}.jpg", f.image_bytes()) for i in range(10)]),
]


@pytest.mark.parametrize("files", [b for _, b in BAD_UPLOADS], ids=[i for i, _ in BAD_UPLOADS])
def test_bad_images_through_the_form(auth_client, media_files, files):
    uploads = [f.upload(name, data) for name, data in files]
    response = auth_client.post("/compose/", {"body": "pics", "images": uploads})
    assert response.status_code == 200
    assert response.context["form"].errors["images"]
    assert not Post.objects.exists()
    assert not PostImage.objects.exists()
    assert media_files() == []


def test_body_error_is_shown_on_the_body_even_with_images(auth_client, jpeg_upload):
    response = auth_client.post("/compose/", {"body": "   ", "images": [jpeg_upload()]})
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert "body" in errors
    assert "images" not in errors
    assert not Post.objects.exists()


def test_compose_refuses_an_empty_body(auth_client):
    response = auth_client.post("/compose/", {"body": "  \n "})
    assert response.status_code == 200
    assert "body" in response.context["form"].errors
    assert not Post.objects.exists()


def test_edit_through_the_form(auth_client, post):
    response = auth_client.post(f"/posts/{post.pk}/edit/", {"body": "Edited #new"})
    assert response.status_code == 302
    post.refresh_from_db()
    assert post.body == "Edited #new"
    assert post.revisions.count() == 1


# --- bad input never gives a 500 ------------------------------------------------------------


@pytest.mark.parametrize(
    "cursor",
    ["abc", "1_2_3", "_", "1e5_1", "1_-1", "%00", "9" * 30 + "_1", "1" * 5000 + "_1", "1_x"],
)
@pytest.mark.parametrize(
    "page",
    [
        "/?tab=latest",
        "/?tab=following",
        "/tags/web3/",
        "/u/alice/",
        "/u/alice/followers/",
        "/u/alice/following/",
        "/search/?q=a",
        "/notifications/",
    ],
)
def test_bad_cursor_is_400(client, user, post, page, cursor):
    client.force_login(user)
    sep = "&" if "?" in page else "?"
    assert client.get(f"{page}{sep}cursor={cursor}").status_code == 400


@pytest.mark.parametrize(
    "cursor", ["abc", "1_2", "_", "1_nan_3", "1_x_3", "1_2_-3", "%00", "1_2_3_4", "9" * 70]
)
def test_bad_hot_cursor_is_400(client, post, cursor):
    assert client.get(f"/?cursor={cursor}").status_code == 400


def test_bad_comment_cursor_is_400(client, post):
    assert client.get(f"/posts/{post.pk}/?cursor=abc").status_code == 400


@pytest.mark.parametrize(
    "query",
    ["q=%00", "q=a%00b", "q=%FF%FE", "q=%C3%28", "q=" + "x" * 101, "q=%ED%A0%80", "q=%23", "q=＃"],
    ids=["nul", "nul-inside", "bad-utf8", "bad-utf8-2", "too-long", "surrogate", "hash", "fw-hash"],
)
def test_odd_search_queries_never_500(client, post, query):
    assert client.get(f"/search/?{query}").status_code in (200, 400)


@pytest.mark.parametrize("query", ["tag=%FF", "tag=" + "x" * 500])
def test_odd_compose_prefill_never_500(auth_client, query):
    assert auth_client.get(f"/compose/?{query}").status_code == 200


def test_nul_compose_prefill_is_refused_with_a_message(auth_client):
    response = auth_client.get("/compose/?tag=%00")
    assert response.status_code == 400
    assert "NUL" in response.content.decode()


def test_search_finds_posts_and_topics(client, post):
    response = client.get("/search/", {"q": "#WEB3"})
    assert [t.key for t in response.context["tags"]] == ["web3"]
    response = client.get("/search/", {"q": "hello SQUARE"})
    assert feed_ids(response) == [post.pk]


def test_only_existing_members_are_linked_as_mentions(client, user, other_user):
    post = ServicePostFactory(author=user, body="hi @BOB and @ghost")
    html = client.get(f"/posts/{post.pk}/").content.decode()
    assert re.findall(r'<a class="mention" href="([^"]+)">([^<]+)</a>', html) == [
        ("/u/bob/", "@BOB")
    ]
    assert "@ghost" in html


@pytest.mark.parametrize(
    "url",
    ["/u/ali%00ce/", "/tags/a%00b/", "/search/?q=a%00b", "/?cursor=1%00_2", "/posts/1/?x%00=1"],
)
def test_nul_in_the_address_is_a_clear_400(client, url):
    """PostgreSQL raises on NUL in any lookup; the request must stop before one runs."""
    response = client.get(url)
    assert response.status_code == 400
    assert "NUL" in response.content.decode()
