"""The near-duplicate check through the real post services: which posts get which
flag, against which source, and what never does (reposts, quotes, short phrases)."""

import threading
from datetime import timedelta
from pathlib import Path

import opencc
import pytest
from django.core.management import call_command
from django.db import connection, connections
from django.utils import timezone

from square.models import DuplicateFlag, Post, PostBand
from square.selectors.integrity import duplicate_candidates
from square.services.duplicates import duplicate_check, duplicate_index_rebuild
from square.services.posts import post_create, post_delete, post_edit, repost_create
from square.tests.factories import UserFactory

pytestmark = pytest.mark.django_db
BRIEF = Path(__file__).resolve().parents[3] / "shared" / "brief"
Kind, Status = DuplicateFlag.Kind, DuplicateFlag.Status

ORIGINAL = (
    "去年冬天我第一次一个人坐夜车去哈尔滨看冰雕，零下二十多度的晚上，手机冻得自动关机，"
    "我只好凭着记忆在中央大街上找回旅馆的路。路边卖冻梨的大爷看我迷路，塞给我一个热乎的烤红薯，"
    "还把我领到了路口。那一刻我突然明白，所谓远方，不是风景有多壮观，而是陌生人递过来的那一点温度。"
    "今年我想把这份温度传下去，每个月至少帮一个陌生人做一件小事。"
)
OTHER = (
    "新年第一天，我把书架上落灰的吉他拿了下来，重新换了一套琴弦。大学时候学过半年，后来工作太忙就搁下了，"
    "手指早就不记得和弦的位置。今天照着视频练了两个小时，指尖磨得发红，总算能磕磕绊绊弹完一首简单的民谣。"
    "给自己定个目标：年底之前在朋友的婚礼上弹唱一首完整的歌，不求多好听，只求不中途停下来。"
)


def later(minutes: int):
    return timezone.now() - timedelta(hours=3) + timedelta(minutes=minutes)


def write(author, body, minutes=0, **extra):
    return post_create(author=author, body=body, created_at=later(minutes), **extra)


@pytest.fixture
def alice():
    return UserFactory(username="alice")


@pytest.fixture
def bob():
    return UserFactory(username="bob")


def flags_of(post):
    return list(DuplicateFlag.objects.filter(post=post).values_list("kind", "source_id", "status"))


def test_a_copy_with_a_few_words_changed_is_flagged_against_the_earlier_post(alice, bob):
    original = write(alice, ORIGINAL)
    copy = write(bob, ORIGINAL.replace("哈尔滨", "长春").replace("冻梨", "糖葫芦"), minutes=5)
    assert flags_of(copy) == [(Kind.COPY_OF_OTHER, original.pk, Status.PENDING)]
    flag = DuplicateFlag.objects.get(post=copy)
    assert 0.8 < flag.similarity <= 1 and flag.containment > 0.9
    assert flags_of(original) == []  # the earlier post wins


def test_punctuation_spacing_and_traditional_script_do_not_hide_a_copy(alice, bob):
    original = write(alice, ORIGINAL)
    traditional = opencc.OpenCC("s2t").convert(ORIGINAL)
    spaced = " ".join(traditional.replace("，", ",  ").replace("。", "!!"))
    copy = write(bob, spaced + " #新年 @alice https://example.com/x", minutes=5)
    assert traditional != ORIGINAL
    assert flags_of(copy) == [(Kind.COPY_OF_OTHER, original.pk, Status.PENDING)]


def test_a_copy_padded_with_text_of_ones_own_is_caught_by_containment(alice, bob):
    """Three times as much text of one's own around a whole copied post: the Jaccard
    similarity is low, but all of the earlier post is inside the new one."""
    original = write(alice, ORIGINAL)
    padding = (BRIEF / "example-long-post.txt").read_text(encoding="utf-8")[:560]
    copy = write(bob, padding[:280] + ORIGINAL + padding[280:], minutes=5)
    flag = DuplicateFlag.objects.get(post=copy)
    assert flag.source_id == original.pk and flag.kind == Kind.COPY_OF_OTHER
    assert flag.containment > 0.95 and flag.similarity < 0.45  # Jaccard alone: no copy


def test_repeating_ones_own_post_is_a_self_repeat(alice):
    first = write(alice, ORIGINAL)
    again = write(alice, ORIGINAL + "再发一次。", minutes=5)
    assert flags_of(again) == [(Kind.SELF_REPEAT, first.pk, Status.PENDING)]


def test_reposts_and_quotes_are_never_copies_of_their_original(alice, bob):
    original = write(alice, ORIGINAL)
    plain, _ = repost_create(author=bob, post=original)
    quote, _ = repost_create(author=UserFactory(), post=original, quote=ORIGINAL)
    assert flags_of(plain) == [] and flags_of(quote) == []
    assert not PostBand.objects.filter(post=plain).exists()


def test_unrelated_posts_on_the_same_topic_and_short_phrases_are_not_flagged(alice, bob):
    write(alice, ORIGINAL)
    other = write(bob, OTHER, minutes=5)
    greeting = "新年快乐，万事如意，身体健康！#新年"
    write(alice, greeting, minutes=6)
    same_greeting = write(bob, greeting, minutes=7)
    assert flags_of(other) == [] and flags_of(same_greeting) == []
    assert not PostBand.objects.filter(post=same_greeting).exists()  # too short to index


def test_rewriting_a_flagged_post_removes_a_pending_flag_but_not_a_decision(alice, bob):
    write(alice, ORIGINAL)
    copy = write(bob, ORIGINAL + "。", minutes=5)
    post_edit(post=copy, editor=bob, body=OTHER)
    assert flags_of(copy) == []
    cleared = write(UserFactory(), ORIGINAL + "！", minutes=6)
    DuplicateFlag.objects.filter(post=cleared).update(status=Status.CLEARED)
    post_edit(post=cleared, editor=cleared.author, body=ORIGINAL + "！！")
    assert [status for _k, _s, status in flags_of(cleared)] == [Status.CLEARED]


def test_a_deleted_source_is_no_longer_matched(alice, bob):
    original = write(alice, ORIGINAL)
    post_delete(post=original, actor=alice)
    copy = write(bob, ORIGINAL, minutes=5)
    assert flags_of(copy) == []


def test_an_edit_is_compared_with_posts_written_before_the_edit(alice, bob):
    """A post edited into a copy of a newer post copies that post: the text is what is
    dated, and the newer post stays clean."""
    old = write(bob, OTHER, minutes=0)
    newer = write(alice, ORIGINAL, minutes=5)
    post_edit(post=old, editor=bob, body=ORIGINAL)
    assert flags_of(old) == [(Kind.COPY_OF_OTHER, newer.pk, Status.PENDING)]
    assert flags_of(newer) == []


def test_candidates_come_from_the_index_best_first(alice, bob):
    original = write(alice, ORIGINAL)
    write(bob, OTHER, minutes=1)
    keys = list(PostBand.objects.filter(post=original).values_list("key", flat=True))
    assert duplicate_candidates(keys=keys, exclude_post_id=None)[0] == (original.pk, len(keys))
    assert all(
        pk != original.pk for pk, _ in duplicate_candidates(keys=keys, exclude_post_id=original.pk)
    )


def test_the_index_can_be_rebuilt_from_the_posts(alice, bob, capsys):
    posts = [write(alice, ORIGINAL), write(bob, OTHER, minutes=1)]
    before = sorted(PostBand.objects.values_list("post_id", "key"))
    PostBand.objects.all().delete()
    assert duplicate_index_rebuild(batch_size=1) == {"posts": 2, "keys": len(before)}
    assert sorted(PostBand.objects.values_list("post_id", "key")) == before
    PostBand.objects.all().delete()
    call_command("rebuild_duplicate_index", verbosity=0)
    assert sorted(PostBand.objects.values_list("post_id", "key")) == before
    assert "2" in capsys.readouterr().out
    assert {p for p, _ in before} == {p.pk for p in posts}


def test_the_check_costs_a_bounded_number_of_queries(alice, bob, django_assert_max_num_queries):
    for i in range(5):
        write(UserFactory(), ORIGINAL[i * 10 :] + OTHER[: i * 10], minutes=i)
    post = Post.objects.create(author=bob, body=ORIGINAL, created_at=later(30))
    with django_assert_max_num_queries(9):
        duplicate_check(post=post)


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor != "postgresql", reason="needs two real connections")
def test_the_index_sees_a_post_committed_by_another_app_server():
    """Two app servers are two connections: a post committed through one is a source
    for a copy checked through the other at once, with no process memory shared."""
    alice, bob = UserFactory(), UserFactory()
    done = {}

    def other_server():
        try:
            done["post"] = post_create(author=alice, body=ORIGINAL, created_at=later(0))
        finally:
            connections.close_all()

    thread = threading.Thread(target=other_server)
    thread.start()
    thread.join()
    copy = write(bob, ORIGINAL.replace("大爷", "阿姨"), minutes=5)
    assert flags_of(copy) == [(Kind.COPY_OF_OTHER, done["post"].pk, Status.PENDING)]
