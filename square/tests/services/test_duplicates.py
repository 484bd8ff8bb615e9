"""The near-duplicate check through the real post services: which posts get which
flag, against which source, and what never does (reposts, quotes, short phrases)."""

import threading
from datetime import timedelta
from pathlib import Path

import opencc
import pytest
from django.core.management import call_command
from django.db import connection, connections
from django.db.models import F
from django.utils import timezone

from bench import bodies
from square import similarity
from square.models import DuplicateFlag, Post, PostBand, PostShingles
from square.selectors.integrity import HUB_CAP, duplicate_candidates
from square.services.duplicates import (
    duplicate_check,
    duplicate_index_post,
    duplicate_index_rebuild,
    duplicate_shingles_fill,
)
from square.services.posts import post_create, post_delete, post_edit, repost_create
from square.tests.factories import UserFactory

pytestmark = pytest.mark.django_db
BRIEF = Path(__file__).resolve().parents[4] / "shared" / "brief"
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


def test_a_post_sharing_fewer_than_min_shared_keys_is_no_candidate(alice, bob):
    """A key or two in common are a common trigram's MinHash values: not read, not
    compared."""
    need = similarity.MIN_SHARED
    many, few = (
        Post.objects.create(author=alice, body="a"),
        Post.objects.create(author=bob, body="b"),
    )
    PostBand.objects.bulk_create(
        [PostBand(post=many, key=k) for k in range(need + 1)]
        + [PostBand(post=few, key=k) for k in range(need - 1)]
    )
    keys = list(range(need + 1))
    assert duplicate_candidates(keys=keys, exclude_post_id=None) == [(many.pk, need + 1)]
    assert duplicate_candidates(keys=keys[1:], exclude_post_id=None) == [(many.pk, need)]
    assert duplicate_candidates(keys=[*keys[2:], 99], exclude_post_id=None) == []


def test_a_key_shared_by_many_posts_reads_only_the_newest(alice):
    """A common trigram's keys: past HUB_CAP posts the oldest are not read."""
    posts = Post.objects.bulk_create([Post(author=alice, body="x") for _ in range(HUB_CAP + 1)])
    keys = list(range(similarity.MIN_SHARED))
    PostBand.objects.bulk_create([PostBand(post=p, key=k) for p in posts for k in keys])
    found = [pk for pk, _shared in duplicate_candidates(keys=keys, exclude_post_id=None)]
    oldest, *newer = sorted(p.pk for p in posts)
    assert oldest not in found and found == newer[: len(found)] and found


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


# --- Stored shingles: what the check compares candidates with -------------------------


def stored_of(post):
    """The post's stored shingles as (version, digest, hashes), or None."""
    row = PostShingles.objects.filter(post=post).values_list("version", "digest", "hashes")
    row = row.first()
    return row and (row[0], row[1], bytes(row[2]))


def expected_stored(body):
    hashes = similarity.shingle_hashes(similarity.unit_values(body))
    return similarity.SIGNATURE_VERSION, similarity.text_digest(body), hashes.tobytes()


def test_a_created_edited_or_quoted_post_stores_its_shingles(alice, bob):
    post = write(alice, ORIGINAL)
    assert stored_of(post) == expected_stored(ORIGINAL)
    post_edit(post=post, editor=alice, body=OTHER)
    assert stored_of(post) == expected_stored(OTHER)
    quote, _ = repost_create(author=bob, post=post, quote=ORIGINAL + "转发一下")
    assert stored_of(quote) == expected_stored(ORIGINAL + "转发一下")
    post_edit(post=post, editor=alice, body="新年快乐，万事如意！")  # too short to index
    assert stored_of(post) is None
    assert not PostBand.objects.filter(post=post).exists()


def test_the_check_compares_with_the_stored_shingles(alice, bob, monkeypatch):
    """Only the new text is normalised: the candidates' shingles are read."""
    others = [write(UserFactory(), OTHER[i * 20 :] + ORIGINAL[:60], minutes=i) for i in range(3)]
    source = write(alice, ORIGINAL, minutes=4)
    normalised = []
    unit_values = similarity.unit_values
    monkeypatch.setattr(similarity, "unit_values", lambda t: normalised.append(t) or unit_values(t))
    copy = write(bob, ORIGINAL + "。", minutes=5)
    assert normalised == [copy.body]  # the new text only
    assert flags_of(copy) == [(Kind.COPY_OF_OTHER, source.pk, Status.PENDING)]
    keys = PostBand.objects.filter(post=copy).values_list("key", flat=True)
    found = {pk for pk, _shared in duplicate_candidates(keys=list(keys), exclude_post_id=copy.pk)}
    assert found >= {source.pk, *(p.pk for p in others)}  # several candidates were compared


FIGURES = ("kind", "source_id", "similarity", "containment")


def test_missing_or_stale_stored_shingles_are_computed_from_the_text(alice, bob):
    """Posts indexed before the shingles were stored, or whose text changed behind the
    index, give the same flags, with the same figures, as posts with stored shingles."""
    source = write(alice, ORIGINAL)
    copy = write(bob, ORIGINAL.replace("大爷", "阿姨") + OTHER[:40], minutes=5)
    expected = list(DuplicateFlag.objects.filter(post=copy).values_list(*FIGURES))
    assert expected and expected[0][1] == source.pk
    for change in (
        lambda: PostShingles.objects.filter(post=source).delete(),
        lambda: PostShingles.objects.filter(post=source).update(digest=F("digest") / 2),
        lambda: PostShingles.objects.filter(post=source).update(version=0),
    ):
        duplicate_check(post=source)  # stored again, as they should be
        change()
        DuplicateFlag.objects.filter(post=copy).delete()
        duplicate_check(post=copy)
        assert list(DuplicateFlag.objects.filter(post=copy).values_list(*FIGURES)) == expected
    # A text changed behind the index is compared as it now reads.
    duplicate_check(post=source)
    Post.objects.filter(pk=source.pk).update(body=OTHER)
    duplicate_check(post=copy)
    assert flags_of(copy) == []


def test_the_rebuild_and_the_fill_store_the_shingles(alice, bob):
    posts = [write(alice, ORIGINAL), write(bob, OTHER, minutes=1), write(bob, "新年快乐！", 2)]
    before = sorted(PostShingles.objects.values_list("post_id", "version", "digest", "hashes"))
    assert [row[0] for row in before] == [posts[0].pk, posts[1].pk]  # not the greeting
    PostShingles.objects.all().delete()
    duplicate_index_rebuild(batch_size=1)
    assert sorted(PostShingles.objects.values_list("post_id", "version", "digest", "hashes")) == (
        before
    )
    keys = sorted(PostBand.objects.values_list("post_id", "key"))
    PostShingles.objects.filter(post=posts[0]).delete()
    PostShingles.objects.filter(post=posts[1]).update(version=0)
    assert duplicate_shingles_fill() == {"posts": 3, "filled": 2}
    assert duplicate_shingles_fill() == {"posts": 3, "filled": 0}  # nothing left to do
    PostShingles.objects.all().delete()
    call_command("rebuild_duplicate_index", "--shingles-only", verbosity=0)
    assert sorted(PostShingles.objects.values_list("post_id", "version", "digest", "hashes")) == (
        before
    )
    assert sorted(PostBand.objects.values_list("post_id", "key")) == keys  # untouched


def test_the_bench_generator_writes_the_index_the_app_writes(alice):
    """bench/bodies.py computes the index in worker processes with the app's functions:
    band keys and stored shingles as `duplicate_index_post` writes them."""
    plan = bodies.ChunkPlan(
        seed=7, ids=[1, 2, 3, 4], tags=[["新年"], [], ["读书", "旅行"], []],
        campaign=[True, False, False, False], indexed=[True, True, False, True],
        published=[True, True, False, True],
        campaign_tag="我的2026第一帖", campaign_keys=("我的2026第一帖",), min_chars=20,
        min_distinct=5,
    )  # fmt: skip
    out = bodies.make_chunk(plan)
    for post_id, body, indexed in zip(plan.ids, out.bodies, plan.indexed, strict=True):
        post = Post.objects.create(author=alice, body=body)
        duplicate_index_post(post=post)
        keys = sorted(PostBand.objects.filter(post=post).values_list("key", flat=True))
        generated = sorted(int(k) for k in out.band_keys[out.band_posts == post_id])
        assert generated == (keys if indexed else [])
        stored = [(d, h) for p, d, h in out.stored if p == post_id]
        expected = stored_of(post)
        assert stored == ([expected[1:]] if indexed and expected else [])
    assert out.stored  # the plan has indexable posts


def test_a_check_is_one_statement_on_postgresql(alice, bob, django_assert_num_queries):
    """Writing the index, reading the candidates and the post's flags: one round trip
    inside every post write when nothing is found (SQLite: five cheap statements)."""
    for i in range(5):
        write(UserFactory(), ORIGINAL[i * 10 :] + OTHER[: i * 10], minutes=i)
    post = Post.objects.create(author=bob, body=OTHER + "今年还要学会做饭。", created_at=later(30))
    with django_assert_num_queries(1 if connection.vendor == "postgresql" else 5):
        assert duplicate_check(post=post) == []
