from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command

from square import demo
from square.demo import content
from square.models import Hashtag, Post, PostHashtag, PostImage, User

CAMPAIGN_TAG = "我的2026第一帖"


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


@pytest.mark.django_db
def test_full_seed_makes_a_lively_square(settings):
    settings.DEBUG = False
    result = demo.seed_demo()

    assert result.created and (result.users, result.posts) == (40, 400)
    assert User.objects.count() == 40
    assert User.objects.get(username="lin_xiaoyu").check_password(demo.DEMO_PASSWORD)
    assert User.objects.exclude(avatar="").count() >= 10
    posts = Post.objects.published()
    assert posts.count() == 400
    assert sum(User.objects.values_list("post_count", flat=True)) == 400
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


@pytest.mark.django_db
def test_no_post_uses_the_campaign_tag():
    demo.seed_demo(users=10, posts=120, images=False)

    assert not Post.objects.filter(body__contains=CAMPAIGN_TAG).exists()
    assert not Hashtag.objects.filter(key=CAMPAIGN_TAG).exists()
    pools = [content.LONG, *content.ZH.values(), *content.EN.values()]
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
    Post.objects.all().delete()
    Hashtag.objects.all().delete()
    User.objects.all().delete()

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
def test_command_prints_logins_and_is_quick_the_second_time(settings):
    settings.DEBUG = True
    first, second = StringIO(), StringIO()

    call_command("seed_demo", users=4, posts=10, no_images=True, stdout=first)
    call_command("seed_demo", users=4, posts=10, no_images=True, stdout=second)

    assert "Seeded 4 users and 10 posts" in first.getvalue()
    assert "admin / admin" in first.getvalue()
    assert "square2026" in first.getvalue() and "lin_xiaoyu" in first.getvalue()
    assert "already seeded" in second.getvalue()
    assert Post.objects.count() == 10


@pytest.mark.django_db
def test_command_says_when_no_admin_is_made(settings):
    settings.DEBUG = False
    out = StringIO()

    call_command("seed_demo", users=3, posts=2, no_images=True, stdout=out)

    assert "no admin account" in out.getvalue() and "admin / admin" not in out.getvalue()
