from collections import defaultdict
from datetime import datetime, timedelta
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.db.models import Count, F, Q
from django.utils import timezone

from square import demo, selectors
from square.demo import chatter, content, interactions
from square.models import (
    Comment,
    Follow,
    Hashtag,
    Like,
    Notification,
    Post,
    PostHashtag,
    PostImage,
    User,
)
from square.project import hooks

CAMPAIGN_TAG = "我的2026第一帖"


@pytest.fixture
def square_only(monkeypatch):
    """Seed the square's own demo without what apps add through `hooks.demo_seeders`, for
    tests of its exact totals and of times relative to `now` (the announced campaign's
    demo sits at fixed dates). Each app tests its own demo data."""
    monkeypatch.setattr(hooks, "demo_seeders", [])


def _snapshot() -> tuple:
    return (
        list(User.objects.order_by("id").values_list("username", "post_count", "avatar")),
        list(Post.objects.order_by("id").values_list("author__username", "body", "created_at")),
        list(PostImage.objects.order_by("id").values_list("post_id", "image")),
        sorted(Hashtag.objects.values_list("key", "post_count")),
        PostHashtag.objects.count(),
    )


def _media_files(settings) -> set[Path]:
    return {p for p in Path(settings.MEDIA_ROOT).rglob("*") if p.is_file()}


def _wipe() -> None:
    """Empty the database for a second seed (comments and reposts protect their rows)."""
    Notification.objects.all().delete()
    Comment.objects.all().delete()
    Post.objects.filter(repost_of__isnull=False).delete()
    Post.objects.all().delete()
    Hashtag.objects.all().delete()
    User.objects.all().delete()


def _interactions(now) -> tuple:
    """Everything the interactions wrote, named by content and timed relative to `now`
    (group keys name a calendar day, so they are left out)."""

    def rel(rows):
        return [tuple(v - now if isinstance(v, datetime) else v for v in r) for r in rows]

    posts = Post.objects.order_by("created_at", "author__username")
    notices = Notification.objects.order_by("created_at", "recipient__username", "kind")
    return (
        rel(posts.values_list("author__username", "body", "repost_of__body", "created_at")),
        rel(posts.values_list("like_count", "comment_count", "repost_count")),
        rel(Like.objects.order_by("created_at").values_list("user__username", "post__body")),
        rel(
            Comment.objects.order_by("created_at").values_list(
                "author__username", "post__body", "parent__body", "reply_to__username", "body"
            )
        ),
        rel(
            Follow.objects.order_by("created_at").values_list(
                "follower__username", "followee__username"
            )
        ),
        rel(notices.values_list("recipient__username", "kind", "actor__username", "read_at")),
        rel(User.objects.order_by("username").values_list("follower_count", "following_count")),
    )


def _assert_lively_interactions(result, now) -> None:
    """The full seed's reactions look like a real square's (shares from the brief)."""
    originals = Post.objects.filter(repost_of=None)
    likes = sorted(originals.values_list("like_count", flat=True))
    assert 1000 <= result.likes == sum(likes) <= 3000
    assert sum(n <= 5 for n in likes) >= 0.7 * 400 and sum(n >= 20 for n in likes) >= 8
    assert max(likes) <= 40  # nobody likes twice: at most every member
    assert 0.25 * 400 <= originals.filter(comment_count__gt=0).count() <= 0.5 * 400
    replies = Comment.objects.filter(parent__isnull=False)
    assert 0.2 * result.comments <= replies.count() <= 0.5 * result.comments
    assert replies.filter(reply_to=F("parent__author")).exists()  # answers to the comment
    assert replies.exclude(reply_to=F("parent__author")).exists()  # and answers to a reply
    reposts = Post.objects.filter(repost_of__isnull=False)
    assert 40 <= result.reposts == reposts.count() <= 160
    quotes = reposts.exclude(body="")
    assert 5 <= quotes.count() <= 30 and quotes.filter(tag_links__isnull=False).exists()
    assert 30 * 5 <= result.follows == Follow.objects.count() <= 40 * 15
    followers = sorted(User.objects.values_list("follower_count", flat=True))
    assert followers[-1] >= 3 * followers[len(followers) // 2]  # a few big accounts
    hot = list(selectors.feed_hot(now=now).values_list("pk", flat=True)[:10])
    latest = list(selectors.feed_latest().values_list("pk", flat=True)[:10])
    assert len(set(hot) - set(latest)) >= 3


@pytest.mark.django_db
def test_full_seed_makes_a_lively_square(settings, square_only):
    settings.DEBUG = False
    now = timezone.now()
    result = demo.seed_demo(now=now)

    assert result.created and (result.users, result.posts) == (40, 400)
    assert User.objects.count() == 40
    assert User.objects.get(username="lin_xiaoyu").check_password(demo.DEMO_PASSWORD)
    assert User.objects.exclude(avatar="").count() >= 10
    posts = Post.objects.published().filter(repost_of=None)
    assert posts.count() == 400
    reposts = Post.objects.published().filter(repost_of__isnull=False).count()
    assert sum(User.objects.values_list("post_count", flat=True)) == 400 + reposts
    with_images = posts.filter(images__isnull=False).distinct().count()
    assert 70 <= with_images <= 140 and PostImage.objects.count() == result.images
    assert posts.filter(tag_links__isnull=False).distinct().count() == 400
    keys = set(Hashtag.objects.values_list("key", flat=True))
    assert {"新年快乐", "web3", "btc", "eth", "defi", "2026目标", "gatesquare", "行情分析"} <= keys
    assert posts.filter(mentions__isnull=False).exists()
    bodies = list(posts.order_by("id").values_list("body", flat=True))
    assert len(set(bodies)) == 400
    assert any("https://" in b for b in bodies)
    assert sum(len(b) >= 600 for b in bodies) >= 5 and max(map(len, bodies)) <= 1500
    english = [u.username for u in demo.USERS if u.lang == "en"]
    assert 20 <= posts.filter(author__username__in=english).count() <= 120  # some, not most
    times = list(posts.order_by("id").values_list("created_at", flat=True))
    assert times == sorted(times) and (times[-1] - times[0]).days >= 18
    _assert_lively_interactions(result, now)


@pytest.mark.django_db
def test_no_post_uses_the_campaign_tag(square_only):
    demo.seed_demo(users=10, posts=120, images=False)

    assert not Post.objects.filter(body__contains=CAMPAIGN_TAG).exists()
    assert not Hashtag.objects.filter(key=CAMPAIGN_TAG).exists()
    pools = [content.LONG, *content.ZH.values(), *content.EN.values()]
    pools += [chatter.COMMENTS, chatter.REPLIES]
    assert all(CAMPAIGN_TAG not in str(pool) for pool in pools)


@pytest.mark.django_db
def test_second_run_changes_nothing(settings):
    settings.DEBUG = True
    demo.seed_demo(users=6, posts=30)
    before = _snapshot()

    again = demo.seed_demo(users=6, posts=30)

    assert not again.created
    assert _snapshot() == before


@pytest.mark.django_db
def test_same_seed_same_bodies_with_or_without_images():
    demo.seed_demo(users=5, posts=40, images=True)
    first = list(Post.objects.order_by("id").values_list("author__username", "body"))
    _wipe()

    demo.seed_demo(users=5, posts=40, images=False)

    assert list(Post.objects.order_by("id").values_list("author__username", "body")) == first


@pytest.mark.django_db
@pytest.mark.parametrize("debug", [True, False])
def test_admin_only_in_debug(settings, debug):
    settings.DEBUG = debug

    result = demo.seed_demo(users=3, posts=3, images=False)

    admin = User.objects.filter(username="admin").first()
    assert result.admin is debug
    if debug:
        assert admin.is_staff and admin.is_superuser and admin.check_password("admin")
    else:
        assert admin is None


@pytest.mark.django_db
def test_existing_admin_is_left_alone(settings):
    settings.DEBUG = True
    User.objects.create_user(username="admin", password="a-better-secret-2026")

    demo.seed_demo(users=3, posts=3, images=False)

    admin = User.objects.get(username="admin")
    assert admin.check_password("a-better-secret-2026") and not admin.is_superuser


@pytest.mark.django_db
def test_a_crash_leaves_no_rows_and_no_files(settings, monkeypatch):
    real_post_create, calls = demo.post_create, []

    def failing_post_create(**kwargs):
        calls.append(1)
        if len(calls) == 8:
            raise RuntimeError("disk full")
        return real_post_create(**kwargs)

    monkeypatch.setattr(demo, "post_create", failing_post_create)
    files_before = _media_files(settings)

    with pytest.raises(RuntimeError):
        demo.seed_demo(users=6, posts=20)

    assert not User.objects.exists() and not Post.objects.exists()
    assert _media_files(settings) == files_before


@pytest.mark.django_db
def test_partly_present_demo_data_is_refused():
    User.objects.create_user(username="Chen_Hao", password="x-2026-secret")

    with pytest.raises(demo.SeedError):
        demo.seed_demo(users=4, posts=4, images=False)

    assert User.objects.count() == 1


@pytest.mark.django_db
def test_command_prints_logins_and_is_quick_the_second_time(settings, square_only):
    settings.DEBUG = True
    first, second = StringIO(), StringIO()

    call_command("seed_demo", users=4, posts=10, no_images=True, stdout=first)
    call_command("seed_demo", users=4, posts=10, no_images=True, stdout=second)

    assert "Seeded 4 users and 10 posts" in first.getvalue()
    assert f"{Like.objects.count()} likes" in first.getvalue()
    assert f"{Follow.objects.count()} follows" in first.getvalue()
    assert "admin / admin" in first.getvalue()
    assert "square2026" in first.getvalue() and "lin_xiaoyu" in first.getvalue()
    assert "already seeded" in second.getvalue()
    assert Post.objects.filter(repost_of=None).count() == 10


@pytest.mark.django_db
def test_command_says_when_no_admin_is_made(settings):
    settings.DEBUG = False
    out = StringIO()

    call_command("seed_demo", users=3, posts=2, no_images=True, stdout=out)

    assert "no admin account" in out.getvalue() and "admin / admin" not in out.getvalue()


@pytest.mark.django_db
def test_interactions_keep_every_counter_exact(square_only):
    result = demo.seed_demo(users=10, posts=120, images=False)

    assert result.likes == Like.objects.count() > 100
    assert result.comments == Comment.objects.count() > 30
    assert result.reposts == Post.objects.filter(repost_of__isnull=False).count() > 3
    assert result.follows == Follow.objects.count() >= 10 * 5
    posts = Post.objects.annotate(
        n_likes=Count("likes", distinct=True),
        n_comments=Count("comments", filter=Q(comments__status="published"), distinct=True),
        n_reposts=Count("reposts", filter=Q(reposts__status="published"), distinct=True),
    ).order_by("id")
    counted = posts.values_list("like_count", "comment_count", "repost_count")
    assert list(counted) == list(posts.values_list("n_likes", "n_comments", "n_reposts"))
    users = User.objects.annotate(
        n_followers=Count("follower_links", distinct=True),
        n_following=Count("following_links", distinct=True),
        n_posts=Count("posts", filter=Q(posts__status="published"), distinct=True),
    ).order_by("id")
    counted = users.values_list("follower_count", "following_count", "post_count")
    assert list(counted) == list(users.values_list("n_followers", "n_following", "n_posts"))


@pytest.mark.django_db
def test_interactions_come_after_what_they_concern_and_not_after_now():
    now = timezone.now()
    demo.seed_demo(users=10, posts=120, images=False, now=now)

    assert not Like.objects.filter(created_at__lte=F("post__created_at")).exists()
    assert not Comment.objects.filter(created_at__lte=F("post__created_at")).exists()
    assert not Comment.objects.filter(created_at__lte=F("parent__created_at")).exists()
    reposts = Post.objects.filter(repost_of__isnull=False)
    assert not reposts.filter(created_at__lte=F("repost_of__created_at")).exists()
    assert not PostHashtag.objects.exclude(created_at=F("post__created_at")).exists()
    early = Q(created_at__lt=F("follower__date_joined"))
    assert not Follow.objects.filter(early | Q(created_at__lt=F("followee__date_joined"))).exists()
    for model in (Like, Comment, Follow, Post, Notification, Hashtag):
        assert not model.objects.filter(created_at__gt=now).exists(), model
    notices = Notification.objects.all()
    assert not notices.filter(created_at__lt=F("post__created_at")).exists()
    commented = notices.filter(comment__isnull=False)
    assert not commented.exclude(created_at=F("comment__created_at")).exists()
    liked = {(u, p): t for u, p, t in Like.objects.values_list("user", "post", "created_at")}
    likes = notices.filter(kind="like").values_list("actor", "post", "created_at")
    assert all(liked[actor, post] == when for actor, post, when in likes)
    follows = Follow.objects.values_list("follower", "followee", "created_at")
    followed = {(a, b): t for a, b, t in follows}
    news = notices.filter(kind="follow").values_list("actor", "recipient", "created_at")
    assert all(followed[actor, to] == when for actor, to, when in news)


@pytest.mark.django_db
def test_notices_group_by_their_own_day_and_only_recent_ones_are_unread():
    now = timezone.now()
    demo.seed_demo(users=10, posts=120, images=False, now=now)

    notices = Notification.objects.all()
    old = now - interactions.UNREAD
    assert notices.filter(created_at__lt=old).exists()
    assert notices.filter(created_at__gte=old).exists()
    assert not notices.filter(created_at__lt=old, read_at__isnull=True).exists()
    assert not notices.filter(created_at__gte=old, read_at__isnull=False).exists()
    assert not notices.filter(read_at__lt=F("created_at")).exists()
    assert not notices.filter(read_at__gt=now).exists()
    groups = defaultdict(list)
    for n in notices.exclude(kind__in=["mention", "reply", "quote"]):
        assert n.group_key.endswith(timezone.localdate(n.created_at).isoformat())
        groups[n.recipient_id, n.kind, n.group_key].append((n.pk, n.created_at))
    # The page shows a group's highest id as its latest event: ids rise with time.
    assert all(max(rows)[1] == max(t for _, t in rows) for rows in groups.values())


@pytest.mark.django_db
def test_the_first_demo_user_has_a_lively_notifications_page():
    demo.seed_demo(users=10, posts=120, images=False)

    star = User.objects.get(username=demo.USERS[0].username)
    page = selectors.notification_page(user=star, cursor=None, size=30)
    kinds = {group.latest.kind for group in page.items}
    assert {"like", "comment", "reply", "repost", "follow"} <= kinds
    assert any(g.latest.kind == "like" and g.actors >= 3 for g in page.items)
    assert any(g.latest.kind == "follow" and g.actors >= 2 for g in page.items)
    assert sum(g.unread for g in page.items) >= 10
    assert Notification.objects.filter(recipient=star, read_at__isnull=False).exists()


@pytest.mark.django_db
def test_comments_speak_the_commenters_language_and_do_not_echo():
    demo.seed_demo(users=10, posts=120, images=False)

    lang = {u.username: u.lang for u in demo.USERS}
    pools = {k: set(chatter.COMMENTS[k]) | set(chatter.REPLIES[k]) for k in ("zh", "en")}
    rows = Comment.objects.order_by("post", "created_at").values_list(
        "post", "author__username", "body"
    )
    assert all(body in pools[lang[author]] for _, author, body in rows)
    assert {lang[author] for _, author, _ in rows} == {"zh", "en"}
    by_post = defaultdict(list)
    for post, _, body in rows:
        by_post[post].append(body)
    assert all(len(set(bodies)) == len(bodies) for bodies in by_post.values())
    assert 50 <= len(pools["zh"]) <= 70 and 25 <= len(pools["en"]) <= 35


@pytest.mark.django_db
def test_same_seed_same_interactions_at_any_hour(square_only):
    now = timezone.now()
    demo.seed_demo(users=8, posts=80, images=False, now=now)
    first = _interactions(now)
    _wipe()

    later = now + timedelta(hours=5, minutes=17, microseconds=123457)
    demo.seed_demo(users=8, posts=80, images=False, now=later)

    assert _interactions(later) == first
    assert Like.objects.exists() and Comment.objects.exists() and Follow.objects.exists()


@pytest.mark.django_db
def test_a_crash_in_the_interactions_leaves_no_rows_and_no_files(settings, monkeypatch):
    real_comment_create, calls = interactions.comment_create, []

    def failing_comment_create(**kwargs):
        calls.append(1)
        if len(calls) == 10:
            raise RuntimeError("connection lost")
        return real_comment_create(**kwargs)

    monkeypatch.setattr(interactions, "comment_create", failing_comment_create)
    files_before = _media_files(settings)

    with pytest.raises(RuntimeError):
        demo.seed_demo(users=6, posts=30)

    assert not User.objects.exists() and not Post.objects.exists()
    assert not Like.objects.exists() and not Notification.objects.exists()
    assert _media_files(settings) == files_before


@pytest.mark.django_db
def test_app_seeders_run_last_and_are_reported(monkeypatch):
    calls, out = [], StringIO()

    def seeder(*, members, rng, now):
        calls.append((len(members), Post.objects.filter(repost_of=None).count(), now))
        return {"widgets": 3, "widget_likes": rng.randint(5, 5)}

    monkeypatch.setattr(hooks, "demo_seeders", [seeder])
    now = timezone.now()
    assert demo.seed_demo(users=4, posts=10, images=False, now=now).apps["widgets"] == 3
    _wipe()
    call_command("seed_demo", users=4, posts=10, no_images=True, stdout=out)

    assert calls[0] == (4, 10, now) and len(calls) == 2
    assert "Apps added 3 widgets and 5 widget likes." in out.getvalue()
