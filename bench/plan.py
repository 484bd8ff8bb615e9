"""Who posts, likes, comments, reposts and follows whom, and when — as NumPy arrays,
before anything is written, so every denormalised counter can be computed exactly
from the same arrays the rows are written from.

Popularity is Zipf-like: a few people write much of what is posted, and a few posts
collect much of the likes, comments and reposts (the same posts for all three).
Times are int64 microseconds since the Unix epoch; ids follow time (as autoincrement
would), so "newest first" by id and by time agree.
"""

from dataclasses import dataclass, field

import numpy as np

from bench.presets import Preset

HOUR = 3_600 * 10**6
DAY = 24 * HOUR
PUBLISHED, DELETED, HIDDEN = 0, 1, 2
STATUS_NAMES = ("published", "deleted", "hidden")


def zipf_weights(rng: np.random.Generator, n: int, a: float) -> np.ndarray:
    """Probabilities ∝ 1/rank^a over a random ranking of n items."""
    w = (rng.permutation(n) + 1.0) ** -a
    return w / w.sum()


def after(rng: np.random.Generator, lo: np.ndarray, now: int) -> np.ndarray:
    """A uniform moment between `lo` and `now` for each element."""
    return lo + (rng.random(len(lo)) * (now - lo)).astype(np.int64)


def unique_pairs(rng, left: np.ndarray, right: np.ndarray, n: int):
    """At most `n` distinct (left, right) pairs of non-negative ints, in random order."""
    code = left * (int(right.max(initial=0)) + 1) + right
    _, first = np.unique(code, return_index=True)
    pick = rng.permutation(first)[:n]
    return left[pick], right[pick]


@dataclass
class Plan:
    now: int
    start: int  # the campaign's first moment; it runs 16 days, now is on day 15
    joined: np.ndarray  # per user (id - 1)
    author: np.ndarray = field(default=None)  # per post (id - 1); originals and reposts
    time: np.ndarray = field(default=None)
    status: np.ndarray = field(default=None)
    campaign: np.ndarray = field(default=None)  # bool: carries the campaign tag
    repost_of: np.ndarray = field(default=None)  # post id, 0 for originals
    popularity: np.ndarray = field(default=None)  # per original, sums to 1
    originals: np.ndarray = field(default=None)  # ids of the posts with text
    tags: list = field(default_factory=list)  # per post: hashtag indexes (0 = campaign)
    likes: dict = field(default_factory=dict)  # column -> array, in id order
    comments: dict = field(default_factory=dict)
    follows: dict = field(default_factory=dict)


def plan_users(p: Preset, rng, now: int, start: int) -> np.ndarray:
    """Join times: 8% joined during the campaign (its newcomers-to-be), the rest over
    the three years before it."""
    new = int(p.users * 0.08)
    old = rng.uniform(now - 3 * 365 * DAY, start - DAY, p.users - new)
    recent = rng.uniform(start, now - HOUR, new)
    return np.sort(np.concatenate([old, recent])).astype(np.int64)


def _originals(p: Preset, rng, plan: Plan):
    """(author, time, campaign, status) of the posts with text: general posts over the
    last year, campaign posts over the campaign's days so far."""
    users, general = p.users, p.posts - p.entries
    authors = np.concatenate([
        rng.choice(users, general, p=zipf_weights(rng, users, 1.0)),
        rng.choice(users, p.entries, p=zipf_weights(rng, users, 0.6)),
    ])  # fmt: skip
    joined = plan.joined[authors]
    floor = np.concatenate([np.full(general, plan.now - 365 * DAY), np.full(p.entries, plan.start)])
    time = after(rng, np.maximum(joined, floor), plan.now)
    campaign = np.arange(p.posts) >= general
    roll = rng.random(p.posts)
    status = np.where(roll < np.where(campaign, 0.02, 0.01), DELETED, PUBLISHED)
    status[(roll >= 0.01) & (roll < 0.013) & ~campaign] = HIDDEN
    return authors + 1, time, campaign, status.astype(np.int8)


def _reposts(p: Preset, rng, plan: Plan, o_author, o_time, o_status, weights):
    """Plain reposts of published posts, one per person and post, after the original."""
    published = np.flatnonzero(o_status == PUBLISHED)
    w = weights[published] / weights[published].sum()
    want = int(p.reposts * 1.3) + 10
    orig = published[rng.choice(len(published), want, p=w)]
    users = rng.integers(1, p.users + 1, want)
    users, orig = unique_pairs(rng, users, orig, want)
    mine = o_author[orig] == users
    users, orig = users[~mine][: p.reposts], orig[~mine][: p.reposts]
    time = after(rng, np.maximum(o_time[orig], plan.joined[users - 1]), plan.now)
    return users, time, orig


def plan_posts(p: Preset, rng, plan: Plan) -> None:
    """Originals and reposts together, ids in time order."""
    o_author, o_time, o_campaign, o_status = _originals(p, rng, plan)
    weights = zipf_weights(rng, p.posts, 0.7)
    r_author, r_time, r_orig = _reposts(p, rng, plan, o_author, o_time, o_status, weights)
    time = np.concatenate([o_time, r_time])
    order = np.argsort(time, kind="stable")
    id_of = np.empty(len(time), dtype=np.int64)
    id_of[order] = np.arange(1, len(time) + 1)
    n_orig = p.posts
    plan.time = time[order]
    plan.author = np.concatenate([o_author, r_author])[order]
    plan.status = np.concatenate([o_status, np.zeros(len(r_time), np.int8)])[order]
    plan.campaign = np.concatenate([o_campaign, np.zeros(len(r_time), bool)])[order]
    repost_of = np.concatenate([np.zeros(n_orig, np.int64), id_of[r_orig]])
    plan.repost_of = repost_of[order]
    plan.originals = id_of[:n_orig]  # in the order `weights` refers to
    plan.popularity = weights


def plan_likes(p: Preset, rng, plan: Plan) -> None:
    """Likes on popular posts by anyone, once per person and post, after both existed."""
    want = int(p.likes * 1.25) + 10
    posts = plan.originals[rng.choice(p.posts, want, p=plan.popularity)]
    users = rng.integers(1, p.users + 1, want)
    # A like on one's own post is allowed (the campaign rules leave it out).
    posts, users = unique_pairs(rng, posts, users, p.likes)
    time = after(rng, np.maximum(plan.time[posts - 1], plan.joined[users - 1]), plan.now)
    order = np.argsort(time, kind="stable")
    plan.likes = {"post_id": posts[order], "user_id": users[order], "created_at": time[order]}


def plan_comments(p: Preset, rng, plan: Plan) -> None:
    """Comments on popular posts; in each post's thread about 20% after the first are
    replies to it (one level, as the app keeps them). 1% deleted."""
    posts = plan.originals[rng.choice(p.posts, p.comments, p=plan.popularity)]
    authors = rng.integers(1, p.users + 1, p.comments)
    time = after(rng, np.maximum(plan.time[posts - 1], plan.joined[authors - 1]), plan.now)
    by_thread = np.lexsort((time, posts))
    posts, authors, time = posts[by_thread], authors[by_thread], time[by_thread]
    starts = np.r_[True, posts[1:] != posts[:-1]]
    head = np.maximum.accumulate(np.where(starts, np.arange(p.comments), 0))
    reply = ~starts & (rng.random(p.comments) < 0.2)
    order = np.argsort(time, kind="stable")  # ids in time order
    id_of = np.empty(p.comments, dtype=np.int64)
    id_of[order] = np.arange(1, p.comments + 1)
    parent = np.where(reply, id_of[head], 0)
    reply_to = np.where(reply, authors[head], 0)
    status = np.where(rng.random(p.comments) < 0.01, DELETED, PUBLISHED).astype(np.int8)
    plan.comments = {
        "post_id": posts[order], "author_id": authors[order], "created_at": time[order],
        "parent_id": parent[order], "reply_to_id": reply_to[order], "status": status[order],
    }  # fmt: skip


def plan_follows(p: Preset, rng, plan: Plan) -> None:
    """Everyone follows a few people, popular people more; never oneself."""
    want = int(p.follows * 1.3) + 10
    followers = rng.integers(1, p.users + 1, want)
    followees = rng.choice(p.users, want, p=zipf_weights(rng, p.users, 0.8)) + 1
    mine = followers == followees
    followers, followees = unique_pairs(rng, followers[~mine], followees[~mine], p.follows)
    lo = np.maximum(plan.joined[followers - 1], plan.joined[followees - 1])
    time = after(rng, lo, plan.now)
    order = np.argsort(time, kind="stable")
    plan.follows = {
        "follower_id": followers[order], "followee_id": followees[order],
        "created_at": time[order],
    }  # fmt: skip


def plan_tags(p: Preset, rng, plan: Plan) -> None:
    """Hashtag indexes per post (0 is the campaign tag, written first by the body
    maker): 0-3 topical tags on general posts, Zipf over the topics; campaign posts
    carry the campaign tag and sometimes one more."""
    n = len(plan.time)
    counts = rng.choice(4, n, p=[0.4, 0.35, 0.18, 0.07])
    counts = np.where(plan.campaign, rng.choice(2, n, p=[0.7, 0.3]), counts)
    counts[plan.repost_of > 0] = 0
    topics = rng.choice(p.hashtags - 1, int(counts.sum()), p=zipf_weights(rng, p.hashtags - 1, 1.0))
    ends = np.cumsum(counts)
    plan.tags = []
    for i, end in enumerate(ends.tolist()):
        own = list(dict.fromkeys((topics[end - counts[i] : end] + 1).tolist()))
        plan.tags.append([0, *own] if plan.campaign[i] else own)


def make_plan(p: Preset, seed: int, now: int) -> Plan:
    rng = np.random.default_rng(seed)
    start = now - 15 * DAY
    start -= start % HOUR  # the campaign starts on the hour
    plan = Plan(now=now, start=start, joined=plan_users(p, rng, now, start))
    plan_posts(p, rng, plan)
    plan_likes(p, rng, plan)
    plan_comments(p, rng, plan)
    plan_follows(p, rng, plan)
    plan_tags(p, rng, plan)
    return plan
