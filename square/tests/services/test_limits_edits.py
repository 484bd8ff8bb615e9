"""Edits are bounded: per member and per post an hour, revisions kept per post, and the
history page paged (issue 15: 300 edits of a 5,000-character post made a 4.6 MB page)."""

from datetime import timedelta

import pytest
from django.utils import timezone

from square.models import PostRevision, Report
from square.project import hooks
from square.project.ratelimit import RateLimited
from square.services.moderation import report_create
from square.services.posts import post_edit
from square.tests.factories import ServicePostFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def limits(settings):
    """Set the edit limits of this test: limits(edit=3, edit_post=2)."""

    def set_limits(**figures):
        settings.SQUARE_RATE_LIMITS = {
            **settings.SQUARE_RATE_LIMITS,
            **{action: (n, 3600) for action, n in figures.items()},
        }

    return set_limits


def test_edit_limits_are_set_and_sensible(settings):
    member, per_post = settings.SQUARE_RATE_LIMITS["edit"], settings.SQUARE_RATE_LIMITS["edit_post"]
    assert member == (30, 3600) and per_post == (10, 3600)
    assert settings.SQUARE_REVISIONS_KEPT == 20


def test_a_member_over_the_edit_limit_changes_nothing(user, limits):
    limits(edit=3, edit_post=100)
    posts = [ServicePostFactory(author=user, body=f"post {i}") for i in range(2)]
    post_edit(post=posts[0], editor=user, body="post 0, once")
    post_edit(post=posts[0], editor=user, body="post 0, twice")
    post_edit(post=posts[1], editor=user, body="post 1, once")
    with pytest.raises(RateLimited):
        post_edit(post=posts[1], editor=user, body="post 1, twice")
    posts[1].refresh_from_db()
    assert posts[1].body == "post 1, once"
    assert PostRevision.objects.filter(post=posts[1]).count() == 1
    # Another member is not held back by alice's edits.
    bob = UserFactory()
    theirs = ServicePostFactory(author=bob, body="bob's post")
    post_edit(post=theirs, editor=bob, body="bob's post, edited")


def test_one_post_over_its_edit_limit_leaves_the_members_other_posts_editable(user, limits):
    limits(edit=100, edit_post=2)
    busy, other = (ServicePostFactory(author=user, body=f"post {i}") for i in range(2))
    for i in range(2):
        post_edit(post=busy, editor=user, body=f"busy {i}")
    with pytest.raises(RateLimited) as refused:
        post_edit(post=busy, editor=user, body="busy again")
    assert "2" in refused.value.message
    busy.refresh_from_db()
    assert busy.body == "busy 1" and busy.revisions.count() == 2
    post_edit(post=other, editor=user, body="the other one")


def test_an_edit_that_changes_nothing_is_not_counted(user, limits):
    limits(edit=1, edit_post=1)
    post = ServicePostFactory(author=user, body="same")
    for _ in range(3):
        post_edit(post=post, editor=user, body="same")
    post_edit(post=post, editor=user, body="changed")  # the first real edit


def test_over_the_limit_the_edit_page_answers_429_and_saves_nothing(auth_client, user, limits):
    limits(edit=100, edit_post=1)
    post = ServicePostFactory(author=user, body="first text")
    assert auth_client.post(f"/posts/{post.pk}/edit/", {"body": "second"}).status_code == 302
    response = auth_client.post(f"/posts/{post.pk}/edit/", {"body": "third"})
    assert response.status_code == 429
    assert "too often" in response.content.decode() or "太频繁" in response.content.decode()
    post.refresh_from_db()
    assert post.body == "second" and post.revisions.count() == 1


# --- revisions kept ---------------------------------------------------------------------


def _edit_many(post, user, n, start=0):
    for i in range(start, start + n):
        post_edit(post=post, editor=user, body=f"version {i + 1}")


def test_a_post_keeps_its_first_and_its_last_revisions(user, limits, settings):
    limits(edit=1000, edit_post=1000)
    settings.SQUARE_REVISIONS_KEPT = 5
    post = ServicePostFactory(author=user, body="version 0")
    _edit_many(post, user, 30)
    kept = list(post.revisions.order_by("written_at", "pk").values_list("body", flat=True))
    assert kept == ["version 0", *(f"version {i}" for i in range(25, 30))]
    post.refresh_from_db()
    assert post.body == "version 30"


def test_pruning_keeps_the_text_in_force_at_each_moment_an_app_names(
    user, limits, settings, monkeypatch
):
    """The hook is how campaigns keep the text in force at their end (the square does
    not know campaigns)."""
    limits(edit=1000, edit_post=1000)
    settings.SQUARE_REVISIONS_KEPT = 3
    post = ServicePostFactory(author=user, body="version 0")
    _edit_many(post, user, 5)
    in_force = post.revisions.get(body="version 3")
    moment = in_force.written_at + (in_force.replaced_at - in_force.written_at) / 2
    asked = []

    def provider(*, post):
        asked.append(post.pk)
        return [moment, timezone.now() + timedelta(days=1)]  # a future moment keeps nothing

    monkeypatch.setattr(hooks, "revision_moment_providers", [provider])
    _edit_many(post, user, 20, start=5)
    kept = list(post.revisions.order_by("written_at", "pk").values_list("body", flat=True))
    assert kept == ["version 0", "version 3", "version 22", "version 23", "version 24"]
    assert post.pk in asked


def test_the_text_that_was_reported_is_not_edited_out_of_the_history(user, limits, settings):
    """Post something harmless, edit in something abusive, get reported, then push the
    abusive version out with edits: the reported text stays for the moderators."""
    limits(edit=1000, edit_post=1000)
    settings.SQUARE_REVISIONS_KEPT = 3
    post = ServicePostFactory(author=user, body="version 0")
    _edit_many(post, user, 2)  # "version 2" is in force now
    report_create(reporter=UserFactory(), post=post, reason=Report.Reason.ABUSE)
    _edit_many(post, user, 20, start=2)
    kept = list(post.revisions.order_by("written_at", "pk").values_list("body", flat=True))
    assert kept == ["version 0", "version 2", "version 19", "version 20", "version 21"]


# --- the history page ---------------------------------------------------------------------


def _history_of(user, n):
    """A post with `n` earlier texts, written straight to the table (as a post edited
    before the cap existed)."""
    post = ServicePostFactory(author=user, body="now")
    start = timezone.now() - timedelta(days=30)
    PostRevision.objects.bulk_create(
        PostRevision(
            post=post,
            body=f"text {i} " + "字" * 4000,
            written_at=start + timedelta(hours=i),
            replaced_at=start + timedelta(hours=i + 1),
        )
        for i in range(n)
    )
    return post


def test_the_history_page_is_paged(client, user, settings, django_assert_max_num_queries):
    settings.SQUARE_HISTORY_PAGE_SIZE = 10
    post = _history_of(user, 300)
    with django_assert_max_num_queries(6):
        first = client.get(f"/posts/{post.pk}/history/")
    html = first.content.decode()
    assert first.status_code == 200
    assert html.count('class="card revision"') == 10 and "text 299 " in html
    assert "text 289 " not in html
    assert 'href="?page=2"' in html and 'rel="prev"' not in html
    assert len(first.content) < 200_000  # 300 revisions of 4,000 字 were ~3.6 MB
    second = client.get(f"/posts/{post.pk}/history/?page=2").content.decode()
    assert "text 289 " in second and "text 299 " not in second
    assert 'href="?page=1"' in second and 'href="?page=3"' in second
    assert 'class="card revision current"' not in second  # the current text leads page 1
    last = client.get(f"/posts/{post.pk}/history/?page=30", HTTP_ACCEPT_LANGUAGE="en")
    last = last.content.decode()
    assert "text 0 " in last and 'rel="next"' not in last
    assert "its last 20 earlier versions" in last  # what is kept, said on the last page
    assert (
        "earlier versions and"
        not in client.get(
            f"/posts/{post.pk}/history/?page=2", HTTP_ACCEPT_LANGUAGE="en"
        ).content.decode()
    )


@pytest.mark.parametrize(
    ("asked", "shows"),
    [("abc", "text 24 "), ("²", "text 24 "), ("99999", "text 0 "), ("-1", "text 0 ")],
)
def test_a_page_number_that_is_not_one_shows_a_page(client, user, settings, asked, shows):
    settings.SQUARE_HISTORY_PAGE_SIZE = 10
    post = _history_of(user, 25)
    response = client.get(f"/posts/{post.pk}/history/", {"page": asked})
    assert response.status_code == 200 and shows in response.content.decode()


def test_a_short_history_has_no_pager(client, user):
    post = _history_of(user, 3)
    html = client.get(f"/posts/{post.pk}/history/").content.decode()
    assert html.count('class="card revision"') == 3 and "?page=" not in html
