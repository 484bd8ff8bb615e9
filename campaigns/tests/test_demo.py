"""The campaign demo that `seed_demo` adds: the announced campaign ended with entries of
every kind, a live one a visitor can join, all consistent in time and deterministic.

Most tests use the square tests' small sizes (the campaign demo scales with the number
of members); one seeds at full size for the leaderboard.
"""

from collections import Counter
from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import call_command
from django.db.models import Count, F, Q
from django.utils import timezone

from campaigns import rules
from campaigns.demo import first_post, people, year_end
from campaigns.models import Campaign, Entry
from campaigns.selectors import new_voices, ranking_compute
from square import demo
from square.models import Comment, Follow, Hashtag, Like, Notification, Post, User
from square.services.accounts import user_create
from square.services.interactions import like_create
from square.services.posts import post_create

pytestmark = pytest.mark.django_db

SMALL = {"users": 10, "posts": 120, "images": False}
REASONS = {
    rules.TOO_SHORT,
    rules.LOW_VARIETY,
    rules.MISSING_HASHTAG,
    rules.OUTSIDE_WINDOW,
    rules.DELETED,
    rules.HIDDEN,
    rules.AUTHOR_INELIGIBLE,
}
DAY = timedelta(days=1)


def _campaign(slug: str) -> Campaign:
    return Campaign.objects.get(slug=slug)


def _acts_on(campaign: Campaign) -> dict:
    """Likes, comments and reposts on the campaign's entries."""
    on = {"post__campaign_entries__campaign": campaign}
    return {
        "likes": Like.objects.filter(**on).select_related("user", "post"),
        "comments": Comment.objects.filter(**on).select_related("author", "post"),
        "reposts": Post.objects.filter(
            repost_of__campaign_entries__campaign=campaign
        ).select_related("author", "repost_of"),
    }


def _wipe() -> None:
    """Empty the database for a second seed (comments and reposts protect their rows)."""
    Campaign.objects.all().delete()
    Notification.objects.all().delete()
    Comment.objects.all().delete()
    Post.objects.filter(repost_of__isnull=False).delete()
    Post.objects.all().delete()
    Hashtag.objects.all().delete()
    User.objects.all().delete()


def _top(campaign: Campaign, n: int = 10) -> list[tuple[str, int]]:
    names = dict(User.objects.values_list("pk", "username"))
    return [(names[s.user_id], s.score) for s in ranking_compute(campaign)[:n]]


def test_the_announced_campaign_has_ended_with_entries_in_its_window():
    now = timezone.now()
    result = demo.seed_demo(now=now, **SMALL)

    announced = _campaign(first_post.SLUG)
    assert announced.phase(now) == "ended" and announced.tiers.count() == 4
    entries = Entry.objects.filter(campaign=announced)
    inside = entries.filter(posted_at__gte=announced.starts_at, posted_at__lte=announced.ends_at)
    assert inside.count() >= 50 and entries.filter(valid=True).count() >= 40
    used = Hashtag.objects.filter(post_count__gt=0).values_list("key", flat=True)
    assert set(announced.tag_keys) <= set(used)  # all three spellings
    glued = Hashtag.objects.filter(key__startswith=announced.hashtag).exclude(
        key__in=announced.tag_keys
    )
    assert glued.exists()  # "#我的2026第一帖新的一年…": the tag typed without a space
    langs = {a.username: a.lang for a in demo.USERS}
    assert {langs.get(e.author.username) for e in inside.select_related("author")} >= {"zh", "en"}
    assert result.apps["campaigns"] == 2
    assert result.apps["campaign_entries"] == Entry.objects.count()
    assert result.apps["valid_entries"] == Entry.objects.filter(valid=True).count()


def test_entries_miss_for_every_reason_even_on_the_smallest_square():
    demo.seed_demo(users=3, posts=3, images=False)

    entries = Entry.objects.filter(campaign=_campaign(first_post.SLUG)).select_related("post")
    assert {r for e in entries for r in e.reasons} >= REASONS
    assert any(rules.TOO_SHORT in e.reasons and 24 <= e.counted_chars < 30 for e in entries)
    edited = next(e for e in entries if rules.MISSING_HASHTAG in e.reasons)
    announced = edited.campaign
    assert announced.in_window(edited.post.edited_at)
    assert rules.carries_tag(edited.post.revisions.get().body, announced.tag_keys)
    ineligible = [e.author for e in entries if rules.AUTHOR_INELIGIBLE in e.reasons]
    assert any(a.is_staff for a in ineligible) and any(not a.is_active for a in ineligible)
    statuses = Counter(e.post.status for e in entries)
    assert statuses["hidden"] >= 1 and statuses["deleted"] >= 1
    assert ranking_compute(announced) and new_voices(campaign=announced).exists()


def test_new_voices_never_posted_before_and_veterans_did():
    demo.seed_demo(**SMALL)

    announced = _campaign(first_post.SLUG)
    voices = list(new_voices(campaign=announced))
    assert len(voices) >= 2
    earlier = Post.objects.filter(created_at__lt=announced.starts_at)
    assert not earlier.filter(author__in=[p.author_id for p in voices]).exists()
    valid = Entry.objects.filter(campaign=announced, valid=True)
    assert valid.filter(is_newcomer=False).exists()  # people who had posted before


def test_reactions_lie_in_the_window_after_the_post_from_old_enough_accounts():
    now = timezone.now()
    demo.seed_demo(now=now, **SMALL)

    announced = _campaign(first_post.SLUG)
    start, end = announced.starts_at, announced.ends_at_inclusive
    acts = _acts_on(announced)
    assert acts["likes"].count() >= 40 and acts["comments"].exists() and acts["reposts"].exists()
    rows = [(a.created_at, a.post, a.user) for a in acts["likes"]]
    rows += [(c.created_at, c.post, c.author) for c in acts["comments"]]
    rows += [(r.created_at, r.repost_of, r.author) for r in acts["reposts"]]
    for when, post, actor in rows:
        assert start <= post.created_at < when <= end
        if actor.pk != post.author_id:  # authors answering comments need no age
            assert when - actor.date_joined >= DAY
    notices = Notification.objects.filter(post__campaign_entries__campaign=announced)
    assert notices.exists() and not notices.filter(Q(created_at__gt=end) | Q(read_at=None))
    for notice in notices.exclude(kind__in=["mention", "reply", "quote"]):
        assert notice.group_key.endswith(timezone.localdate(notice.created_at).isoformat())


def test_everyone_joined_before_anything_they_did():
    demo.seed_demo(**SMALL)

    joined = F("author__date_joined")
    assert not Post.objects.filter(created_at__lt=joined).exists()
    assert not Comment.objects.filter(created_at__lt=joined).exists()
    assert not Like.objects.filter(created_at__lt=F("user__date_joined")).exists()
    assert not Follow.objects.filter(created_at__lt=F("follower__date_joined")).exists()
    # Accounts the campaign demo adds: staff, a deactivated author, newcomers.
    assert User.objects.filter(username__in=people.USERNAMES).count() == 4


def test_counters_stay_exact_with_the_campaign_posts():
    demo.seed_demo(**SMALL)

    published = Q(status="published")
    posts = Post.objects.annotate(
        n_likes=Count("likes", distinct=True),
        n_comments=Count("comments", filter=Q(comments__status="published"), distinct=True),
        n_reposts=Count("reposts", filter=Q(reposts__status="published"), distinct=True),
    ).order_by("id")
    counted = posts.values_list("like_count", "comment_count", "repost_count")
    assert list(counted) == list(posts.values_list("n_likes", "n_comments", "n_reposts"))
    users = User.objects.annotate(n=Count("posts", filter=Q(posts__status="published")))
    assert all(u.post_count == u.n for u in users)
    tags = Hashtag.objects.annotate(
        n=Count("post_links", filter=Q(post_links__post__status="published"))
    )
    assert all(t.post_count == t.n for t in tags) and Post.objects.exclude(published).exists()


def test_the_live_campaign_has_room_for_a_visitor():
    now = timezone.now()
    demo.seed_demo(now=now, **SMALL)

    live = _campaign(year_end.SLUG)
    assert live.phase() == "live" and live.min_chars == 30 and live.tiers.count() == 3
    assert live.description and live.description_en and live.title_en
    assert 1 <= len(ranking_compute(live)) < 10 and new_voices(campaign=live).exists()

    visitor = user_create(username="visitor_2026", password="a-long-secret-2026")
    text = "我第一次在广场发帖，今年学会了记账和做预算，也学会了耐心等待机会，明年继续加油。"
    body = f"#{live.hashtag} {text}"
    post = post_create(author=visitor, body=body)
    for member in User.objects.filter(username__in=[u.username for u in demo.USERS[:3]]):
        like_create(user=member, post=post)

    entry = Entry.objects.get(campaign=live, post=post)
    assert entry.valid and entry.is_newcomer
    assert new_voices(campaign=live).filter(pk=post.pk).exists()
    assert visitor.pk in [s.user_id for s in ranking_compute(live)[:10]]


def test_full_size_gives_a_leaderboard_worth_reading():
    result = demo.seed_demo(images=False)

    announced = _campaign(first_post.SLUG)
    entries = Entry.objects.filter(campaign=announced)
    assert 250 <= entries.count() <= 350
    assert entries.values("author").distinct().count() >= 25
    top = _top(announced)
    assert len(top) == 10 and len({score for _, score in top}) == 10
    assert len(new_voices(campaign=announced)) >= 8
    valid = entries.filter(valid=True).values("post")
    per_pair = Counter(
        Like.objects.filter(post__in=valid)
        .exclude(user=F("post__author"))
        .values_list("user", "post__author")
    )
    assert max(per_pair.values()) > announced.interactor_cap  # some fans hit the cap
    assert result.apps["likes_on_entries"] >= 300


def test_same_seed_same_campaigns_at_any_hour():
    now = timezone.now()
    first = demo.seed_demo(now=now, **SMALL).apps
    tops = [_top(_campaign(s)) for s in (first_post.SLUG, year_end.SLUG)]
    _wipe()

    later = now + timedelta(hours=5, minutes=17, microseconds=123457)
    again = demo.seed_demo(now=later, **SMALL).apps

    assert again == first and first["campaign_entries"] > 0
    assert [_top(_campaign(s)) for s in (first_post.SLUG, year_end.SLUG)] == tops


def test_the_command_reports_the_campaigns(settings):
    settings.DEBUG = True
    out = StringIO()

    call_command("seed_demo", users=4, posts=10, no_images=True, stdout=out)

    entries = Entry.objects.count()
    assert "Apps added 2 campaigns, " in out.getvalue()
    assert f"{entries} campaign entries" in out.getvalue()
    assert f"{Entry.objects.filter(valid=True).count()} valid entries" in out.getvalue()


def test_a_crash_in_the_campaign_demo_leaves_nothing(monkeypatch):
    real, calls = first_post.post_create, []

    def failing_post_create(**kwargs):
        calls.append(1)
        if len(calls) == 12:
            raise RuntimeError("disk full")
        return real(**kwargs)

    monkeypatch.setattr(first_post, "post_create", failing_post_create)

    with pytest.raises(RuntimeError):
        demo.seed_demo(users=4, posts=10, images=False)

    assert not User.objects.exists() and not Post.objects.exists()
    assert not Campaign.objects.exists() and not Entry.objects.exists()
