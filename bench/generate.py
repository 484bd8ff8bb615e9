"""`python -m bench --scale …` step 1: generate a preset's data, fast, with a progress
bar and the time each table took. See bench/plan.py for who does what when,
bench/bodies.py for the texts and their index keys, bench/loader.py for the writes.
"""

import json
import multiprocessing
import os
import random
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta

import numpy as np
from django.contrib.auth.hashers import make_password
from django.core.management import call_command
from django.db import connection, connections
from tqdm import tqdm

from bench import bodies, loader, text
from bench import plan as planning
from bench.plan import PUBLISHED, STATUS_NAMES, Plan
from bench.presets import Preset
from campaigns.models import Campaign, Entry, Score
from campaigns.services.scores import score_rows_rebuild
from square import similarity
from square import text as square_text
from square.models import (
    Comment,
    Follow,
    Hashtag,
    Like,
    Post,
    PostBand,
    PostHashtag,
    PostSearch,
    PostShingles,
    User,
)
from square.names import username_skeleton

# 2: the duplicate index's keys of similarity.SIGNATURE_VERSION 3 (44 one-value bands).
# 3: the search index's rows (square.search) are written with the posts.
GENERATOR_VERSION = 3
CAMPAIGN_SLUG = "my-2026-first-post"
CHUNK = 1000
BIG_TABLES = [Post, PostHashtag, PostBand, PostShingles, PostSearch, Like, Comment, Follow, Entry]


class Timings:
    """Seconds and rows per step, printed as each finishes."""

    def __init__(self, quiet: bool):
        self.rows: list[tuple[str, int, float]] = []
        self.quiet = quiet

    @contextmanager
    def step(self, name: str):
        started = time.perf_counter()
        box = {"rows": 0}
        yield box
        seconds = time.perf_counter() - started
        self.rows.append((name, box["rows"], seconds))
        if not self.quiet:
            tqdm.write(f"  {name}: {box['rows']:,} rows in {seconds:.1f} s")


def table(model) -> str:
    return model._meta.db_table


def when(us: int):
    """A time as the backend stores it (Django's own adaptation)."""
    return connection.ops.adapt_datetimefield_value(loader.to_datetime(us))


def write_users(plan: Plan, counts: dict) -> int:
    rng = random.Random(1)
    password = make_password("square2026")
    surnames = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何林罗高"

    def rows():
        for i, joined in enumerate(plan.joined.tolist()):
            uid = i + 1
            name = rng.choice(surnames) + rng.choice(text.COMMON[:200]) if uid % 3 else ""
            yield (
                uid, password, None, False, f"u{uid:06d}", "", "", "", False, True,
                when(joined), name, "", "", int(counts["user_posts"][uid]),
                int(counts["followers"][uid]), int(counts["following"][uid]), None, "",
                False, username_skeleton(f"u{uid:06d}"),
            )  # fmt: skip

    cols = [
        "id", "password", "last_login", "is_superuser", "username", "first_name",
        "last_name", "email", "is_staff", "is_active", "date_joined", "display_name", "bio",
        "avatar", "post_count", "follower_count", "following_count", "banned_at", "ban_reason",
        "is_official", "username_skeleton",
    ]  # fmt: skip
    return loader.insert_rows(table(User), cols, rows())


def write_hashtags(names: list[str], counts: dict, first_use: np.ndarray, now: int) -> int:
    def rows():
        for i, name in enumerate(names):
            used = int(first_use[i]) if first_use[i] < now else now - 730 * planning.DAY
            yield (i + 1, square_text.tag_key(name), name, int(counts["tag_posts"][i]), when(used))

    cols = ["id", "key", "display", "post_count", "created_at"]
    return loader.insert_rows(table(Hashtag), cols, rows())


def chunk_plans(plan: Plan, names: list[str], seed: int, campaign: Campaign) -> Iterator:
    ids = np.flatnonzero(plan.repost_of == 0) + 1
    for lo in range(0, len(ids), CHUNK):
        chunk = ids[lo : lo + CHUNK].tolist()
        yield bodies.ChunkPlan(
            seed=seed, ids=chunk,
            tags=[[names[t] for t in plan.tags[i - 1] if t] for i in chunk],
            campaign=[bool(plan.campaign[i - 1]) for i in chunk],
            indexed=[plan.status[i - 1] != planning.DELETED for i in chunk],
            published=[plan.status[i - 1] == PUBLISHED for i in chunk],
            campaign_tag=names[0], campaign_keys=tuple(campaign.tag_keys),
            min_chars=campaign.min_chars, min_distinct=campaign.min_distinct_chars,
        )  # fmt: skip


def _chunks(plans: Iterator, workers: int) -> Iterator[tuple]:
    """(plan, result) in order; on several processes when asked (fork: the workers
    only run pure functions and never touch the database)."""
    if workers <= 1:
        for chunk in plans:
            yield chunk, bodies.make_chunk(chunk)
        return
    if not connection.in_atomic_block:
        connections.close_all()  # no socket shared with the children
    plans = list(plans)
    with multiprocessing.get_context("fork").Pool(workers) as pool:
        yield from zip(plans, pool.imap(bodies.make_chunk, plans), strict=True)


def _post_rows(plan: Plan, counts: dict, chunk: bodies.ChunkPlan, out: bodies.ChunkResult):
    for post_id, body in zip(chunk.ids, out.bodies, strict=True):
        i = post_id - 1
        yield (
            post_id, int(plan.author[i]), body, None, when(plan.time[i]), None,
            STATUS_NAMES[plan.status[i]], int(counts["likes"][post_id]),
            int(counts["comments"][post_id]), int(counts["reposts"][post_id]),
        )  # fmt: skip


POST_COLS = [
    "id", "author_id", "body", "repost_of_id", "created_at", "edited_at", "status",
    "like_count", "comment_count", "repost_count",
]  # fmt: skip


def write_stored_shingles(stored: list[tuple[int, int, bytes]]) -> int:
    """The duplicate index's stored shingles (one row a post: digest and hashes)."""
    rows = ((post, similarity.SIGNATURE_VERSION, digest, hashes) for post, digest, hashes in stored)
    return loader.insert_rows(table(PostShingles), ["post_id", "version", "digest", "hashes"], rows)


def write_search_rows(plan: Plan, found: list[tuple[int, list[str], str]]) -> int:
    """The search index's rows (terms as the column stores them on this database)."""
    terms_field = PostSearch._meta.get_field("terms")
    rows = (
        (post_id, int(plan.author[post_id - 1]), when(plan.time[post_id - 1]),
         terms_field.get_db_prep_value(terms, connection), norm)
        for post_id, terms, norm in found
    )  # fmt: skip
    columns = ["post_id", "author_id", "created_at", "terms", "norm"]
    return loader.insert_rows(table(PostSearch), columns, rows)


def write_originals(plan: Plan, counts: dict, names, seed, campaign, workers, bar) -> dict:
    """Posts with text, their tag links and duplicate index (band keys, stored
    shingles), streamed chunk by chunk. Returns the text verdicts of campaign posts
    {post id: (counted, distinct, reasons)}."""
    verdicts, n_links, n_bands, n_stored, n_search = {}, 0, 0, 0, 0
    for chunk, out in _chunks(chunk_plans(plan, names, seed, campaign), workers):
        loader.insert_rows(table(Post), POST_COLS, _post_rows(plan, counts, chunk, out))
        ids = np.array(chunk.ids, dtype=np.int64)
        per_post = [plan.tags[i - 1] for i in chunk.ids]
        lens = np.array([len(t) for t in per_post])
        link_posts = np.repeat(ids, lens)
        if len(link_posts):
            tags = np.fromiter((t + 1 for ts in per_post for t in ts), np.int64, len(link_posts))
            n_links += loader.insert_ints(table(PostHashtag), {
                "id": np.arange(n_links + 1, n_links + len(link_posts) + 1), "post_id": link_posts,
                "hashtag_id": tags, "author_id": plan.author[link_posts - 1],
                "created_at": plan.time[link_posts - 1],
            }, times=("created_at",))  # fmt: skip
        if len(out.band_posts):
            ids_b = np.arange(n_bands + 1, n_bands + len(out.band_posts) + 1)
            n_bands += loader.insert_ints(
                table(PostBand), {"id": ids_b, "post_id": out.band_posts, "key": out.band_keys}
            )
        n_stored += write_stored_shingles(out.stored)
        n_search += write_search_rows(plan, out.search)
        for post_id, c, d, r in zip(chunk.ids, out.counted, out.distinct, out.reasons, strict=True):
            if plan.campaign[post_id - 1]:
                verdicts[post_id] = (c, d, r)
        bar.update(len(chunk.ids))
    return {"verdicts": verdicts, "links": n_links, "bands": n_bands, "stored": n_stored,
            "search": n_search}  # fmt: skip


def write_reposts(plan: Plan) -> int:
    ids = np.flatnonzero(plan.repost_of) + 1

    def rows():
        for post_id in ids.tolist():
            i = post_id - 1
            yield (
                post_id, int(plan.author[i]), "", int(plan.repost_of[i]), when(plan.time[i]),
                None, STATUS_NAMES[plan.status[i]], 0, 0, 0,
            )  # fmt: skip

    return loader.insert_rows(table(Post), POST_COLS, rows())


def write_comments(plan: Plan, seed: int) -> int:
    c = plan.comments
    rng = random.Random(seed + 2)

    def rows():
        for i in range(len(c["post_id"])):
            parent = int(c["parent_id"][i]) or None
            reply_to = int(c["reply_to_id"][i]) or None
            yield (
                i + 1, int(c["author_id"][i]), int(c["post_id"][i]), parent, reply_to,
                text.comment_body(rng), when(c["created_at"][i]), STATUS_NAMES[c["status"][i]],
            )  # fmt: skip

    cols = [
        "id", "author_id", "post_id", "parent_id", "reply_to_id", "body", "created_at", "status",
    ]  # fmt: skip
    return loader.insert_rows(table(Comment), cols, rows())


def write_ints(model, columns: dict) -> int:
    n = len(next(iter(columns.values())))
    data = {"id": np.arange(1, n + 1, dtype=np.int64), **columns}
    return loader.insert_ints(table(model), data, times=("created_at",))


def campaign_create(plan: Plan) -> Campaign:
    """The announced New-Year campaign (its fixture: tiers, prizes, rules), moved so
    that it runs 16 days and today is its 15th."""
    call_command("loaddata", CAMPAIGN_SLUG, verbosity=0)
    start = loader.to_datetime(plan.start)
    Campaign.objects.filter(slug=CAMPAIGN_SLUG).update(
        starts_at=start,
        ends_at=start + timedelta(days=16, seconds=-1),
        created_at=start - timedelta(days=7),
    )
    return Campaign.objects.get(slug=CAMPAIGN_SLUG)


def write_entries(plan: Plan, campaign: Campaign, verdicts: dict) -> int:
    """Entries exactly as `entry_refresh` would judge them (text verdicts from the
    app's rules; window, status and newcomer status from the plan)."""
    first = np.full(len(plan.joined) + 1, np.iinfo(np.int64).max)
    np.minimum.at(first, plan.author, plan.time)
    judged = when(plan.now)
    has_valid: set[int] = set()  # ids follow time: an author's first valid entry comes first

    def rows():
        for n, (post_id, (counted, distinct, text_reasons)) in enumerate(sorted(verdicts.items())):
            i = post_id - 1
            author = int(plan.author[i])
            reasons = list(text_reasons) + (["deleted"] if plan.status[i] == 1 else [])
            newcomer = bool(first[author] >= plan.start)
            first_valid = not reasons and author not in has_valid
            if first_valid:
                has_valid.add(author)
            yield (
                n + 1, campaign.pk, post_id, author, when(plan.time[i]), not reasons,
                json.dumps(reasons), counted, distinct, newcomer, False, judged, first_valid,
            )  # fmt: skip

    cols = [
        "id", "campaign_id", "post_id", "author_id", "posted_at", "valid", "reasons",
        "counted_chars", "distinct_chars", "is_newcomer", "under_review", "judged_at",
        "first_valid",
    ]  # fmt: skip
    return loader.insert_rows(table(Entry), cols, rows())


def counters(p: Preset, plan: Plan) -> dict:
    """Every denormalised counter, from the same arrays the rows come from (what
    `counters_rebuild` would compute from the rows)."""
    n_posts, n_users = len(plan.time) + 1, p.users + 1
    published = plan.status == PUBLISHED
    live = plan.comments["status"] == PUBLISHED
    reposts = plan.repost_of[(plan.repost_of > 0) & published]
    tag_post = np.repeat(np.arange(len(plan.tags)), [len(t) for t in plan.tags])
    tag_idx = np.fromiter((t for ts in plan.tags for t in ts), np.int64, len(tag_post))
    first_use = np.full(p.hashtags, np.iinfo(np.int64).max)
    np.minimum.at(first_use, tag_idx, plan.time[tag_post])
    return {
        "likes": np.bincount(plan.likes["post_id"], minlength=n_posts),
        "comments": np.bincount(plan.comments["post_id"][live], minlength=n_posts),
        "reposts": np.bincount(reposts, minlength=n_posts),
        "user_posts": np.bincount(plan.author[published], minlength=n_users),
        "followers": np.bincount(plan.follows["followee_id"], minlength=n_users),
        "following": np.bincount(plan.follows["follower_id"], minlength=n_users),
        "tag_posts": np.bincount(tag_idx[published[tag_post]], minlength=p.hashtags),
        "first_use": first_use,
    }


def generate(p: Preset, *, seed: int = 2026, workers: int | None = None, quiet=False) -> dict:
    """Write preset `p` into the (migrated, empty) database; returns the timings and
    what the benchmark pages need to know."""
    workers = workers if workers is not None else (os.cpu_count() or 1)
    workers = 1 if p.posts < 5 * CHUNK else workers
    t, now, started = Timings(quiet), int(time.time()) * 1_000_000, time.perf_counter()
    with t.step("plan (NumPy)") as s:
        plan = planning.make_plan(p, seed, now)
        counts = counters(p, plan)
        s["rows"] = len(plan.time)
    names = text.hashtag_names(random.Random(seed), p.hashtags, "我的2026第一帖")
    bulk = loader.BulkLoad([table(m) for m in BIG_TABLES])
    bulk.strip()
    with t.step("users") as s:
        s["rows"] = write_users(plan, counts)
    with t.step("hashtags") as s:
        s["rows"] = write_hashtags(names, counts, counts["first_use"], now)
        campaign = campaign_create(plan)
    with (
        t.step("posts, tag links, duplicate and search index") as s,
        tqdm(total=p.posts, desc="posts", unit="post", disable=quiet, mininterval=2) as bar,
    ):
        written = write_originals(plan, counts, names, seed, campaign, workers, bar)
        s["rows"] = p.posts
    t.rows += [
        ("  of which tag links", written["links"], 0.0),
        ("  of which band keys", written["bands"], 0.0),
        ("  of which stored shingles", written["stored"], 0.0),
        ("  of which search rows", written["search"], 0.0),
    ]
    steps = [
        ("reposts", write_reposts, plan),
        ("likes", write_ints, Like, plan.likes),
        ("comments", write_comments, plan, seed),
        ("follows", write_ints, Follow, plan.follows),
        ("entries", write_entries, plan, campaign, written["verdicts"]),
    ]
    for name, fn, *args in steps:
        with t.step(name) as s:
            s["rows"] = fn(*args)
    with t.step("indexes, foreign keys") as s:
        s["rows"] = len(bulk.pending)
        bulk.restore()
    with t.step("sequences, VACUUM ANALYZE"):
        loader.finish([*BIG_TABLES, User, Hashtag])
    return {"timings": t.rows, "seconds": time.perf_counter() - started, "plan": plan}


def live_rows_ensure(campaign: Campaign) -> int:
    """Build the campaign's live leaderboard rows (`campaigns.services.scores`) when it
    has none: the generator writes likes, comments and entries in bulk, past the hooks
    that keep them. About a minute at 1m, once; later runs keep the rows (the clock
    shift moves their `first_entry_at` with the entries). Returns the rows built."""
    if Score.objects.filter(campaign=campaign).exists():
        return 0
    return score_rows_rebuild(campaign=campaign)
