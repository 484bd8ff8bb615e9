"""Follows, likes, comments, replies and reposts for the demo square.

A square where nobody reacts looks dead, and the Hot feed, the counters and the
notifications page can only be tried on real interactions. So: plan everything from the
seed's random stream (deterministic), perform it oldest first through the services (so
counters and notifications are exactly what real use produces), then move the rows back
to their planned moments, which the services cannot do: they always write "now".
"""

import random
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db import connection
from django.utils import timezone

from square.demo.chatter import COMMENTS, REPLIES
from square.models import Comment, Follow, Like, Notification, Post, PostHashtag, User
from square.services.comments import comment_create
from square.services.interactions import follow_create, like_create
from square.services.notifications import STANDALONE_KINDS
from square.services.posts import repost_create
from square.text import hashtag_displays

HOUR = timedelta(hours=1)
UNREAD = timedelta(days=2)  # older notices have been read
STAR_POSTS = 4  # the featured member's latest posts, which draw a crowd
LIKE_TIERS = ((0, 3), (4, 12), (20, 35))
LIKE_TIER_WEIGHTS = (78, 17, 5)


@dataclass(eq=False)
class _Event:
    """One planned interaction; `row` is the comment or repost the service wrote."""

    when: datetime
    kind: str  # like, follow, comment, repost
    actor: User
    target: Post | User
    text: str = ""
    parent: "_Event | None" = None
    row: Comment | Post | None = None


class _Planner:
    """Draws every interaction from `rng`. The draws depend on the posts and their ages,
    never on the clock itself, so the same seed plans the same square at any hour."""

    def __init__(self, rng: random.Random, langs: list[str], members: list[User], now):
        self.rng, self.members, self.now = rng, members, now
        self.lang = {m.pk: lang for lang, m in zip(langs, members, strict=True)}
        self.star = members[0]  # USERS[0]: her notifications page shows every kind
        self.events: list[_Event] = []

    def add(self, when, kind, actor, target, **extra) -> _Event:
        self.events.append(_Event(when, kind, actor, target, **extra))
        return self.events[-1]

    def after(self, start: datetime, mean_hours: float, spread: bool = False) -> datetime:
        """A moment after `start` and before now: mostly soon, with a long tail. `spread`
        scatters it evenly up to now, so a star post is still busy today."""
        delay = timedelta(minutes=1) + HOUR * self.rng.expovariate(1 / mean_hours)
        share = self.rng.uniform(0.02, 0.98)  # drawn either way: the stream stays fixed
        if spread or start + delay >= self.now:
            return start + (self.now - start) * share
        return start + delay

    def others(self, user: User) -> list[User]:
        return [m for m in self.members if m.pk != user.pk]

    def fresh(self, post: Post) -> float:
        """How much of its reactions a post has had time for: fresh posts have fewer,
        which keeps Hot (engagement over age) apart from Latest."""
        return min(1.0, ((self.now - post.created_at) / HOUR + 1) / 12)

    def text(self, author: User, pool: dict, used: set[str]) -> str:
        """A line in the author's language that this post does not carry yet, so a thread
        never echoes itself (a post that used every reply falls back on comments)."""
        lang = self.lang[author.pk]
        unused = [t for t in pool[lang] if t not in used]
        text = self.rng.choice(unused or [t for t in COMMENTS[lang] if t not in used])
        used.add(text)
        return text

    def follows(self) -> None:
        """Each member follows 5–15 others, chosen by a heavy-tailed popularity, so a few
        accounts are big; the star is one of them and gained some followers lately."""
        rng, members = self.rng, self.members
        weights = [rng.paretovariate(1.5) for _ in members]
        weights[0] = sorted(weights)[-2]  # popular, but not followed by everyone
        for i, follower in enumerate(members):
            k = min(rng.randint(5, 15), len(members) - 1)
            # Efraimidis–Spirakis keys: a weighted sample without replacement.
            keys = [(rng.random() ** (1 / w), j) for j, w in enumerate(weights) if j != i]
            for _, j in sorted(keys, reverse=True)[:k]:
                start = max(follower.date_joined, members[j].date_joined)
                when = start + (self.now - start) * rng.uniform(0.01, 0.99)
                if j == 0 and rng.random() < 0.3:
                    when = self.now - HOUR * rng.uniform(0.5, 40)
                self.add(when, "follow", follower, members[j])

    def likes(self, post: Post, star: bool) -> None:
        """Heavy-tailed: most posts get a handful, a few a crowd (of other members; a
        self-like is rare)."""
        rng, others = self.rng, self.others(post.author)
        low, high = rng.choices(LIKE_TIERS, LIKE_TIER_WEIGHTS)[0]
        n = round(rng.randint(low, high) * self.fresh(post))
        n = max(n, rng.randint(12, 24)) if star else n
        likers = rng.sample(others, min(n, len(others)))
        likers += [post.author] if rng.random() < 0.02 else []  # rare, but it happens
        for user in likers:
            self.add(self.after(post.created_at, 5, star), "like", user, post)

    def comments(self, post: Post, star: bool) -> None:
        """About 40% of posts start a conversation of 1–6 comments, and about 30% of the
        comments get replies; star posts always do, and more often."""
        rng, others, used = self.rng, self.others(post.author), set()
        if not (star or rng.random() < 0.4 * self.fresh(post)):
            return
        n = rng.choices(range(1, 7), weights=(40, 25, 15, 10, 6, 4))[0]
        for author in rng.sample(others, min(max(n, 3 if star else 1), len(others))):
            when = self.after(post.created_at, 4, star)
            top = self.add(when, "comment", author, post, text=self.text(author, COMMENTS, used))
            if rng.random() < (0.6 if star else 0.3):
                self.replies(post, top, used, star)

    def replies(self, post: Post, top: _Event, used: set[str], star: bool) -> None:
        """1–3 replies. The post's author often answers first, and a later reply often
        answers the previous one (the service threads it under `top`, addressed to the
        previous reply's author): that is how the star gets replies of her own."""
        rng, last = self.rng, top
        for k in range(rng.randint(2 if star else 1, 3)):
            parent = last if rng.random() < (0.7 if star else 0.4) else top
            author = rng.choice(self.others(parent.actor))
            if k == 0 and post.author.pk != top.actor.pk and rng.random() < (0.9 if star else 0.5):
                author = post.author
            text = self.text(author, REPLIES if rng.random() < 0.6 else COMMENTS, used)
            when = self.after(parent.when, 2, star)
            last = self.add(when, "comment", author, post, text=text, parent=parent)

    def reposts(self, post: Post, star: bool) -> None:
        """About 8% of posts are passed on by 1–3 people, 3% quoted; a quote often
        carries one of the original's tags, so it shows on that topic too."""
        rng, others, fresh = self.rng, self.others(post.author), self.fresh(post)
        if star or rng.random() < 0.08 * fresh:
            for user in rng.sample(others, min(rng.randint(1, 3), len(others))):
                self.add(self.after(post.created_at, 8, star), "repost", user, post)
        if rng.random() < (0.5 if star else 0.03 * fresh):
            user = rng.choice(others)
            quote, tags = self.text(user, COMMENTS, set()), hashtag_displays(post.body)
            if tags and rng.random() < 0.6:
                quote += f" #{rng.choice(list(tags.values()))}"
            self.add(self.after(post.created_at, 8, star), "repost", user, post, text=quote)


def _perform(events: list[_Event]) -> dict[str, int]:
    """Run the plan oldest first, so ids rise with time (the notifications page shows a
    group's highest id as its latest) and every reply finds its parent written. Returns
    how many likes, comments (replies included), reposts (quotes too) and follows."""
    done = dict.fromkeys(("likes", "comments", "reposts", "follows"), 0)
    for e in sorted(events, key=lambda e: e.when):
        if e.kind == "like":
            done["likes"] += like_create(user=e.actor, post=e.target)
        elif e.kind == "follow":
            done["follows"] += follow_create(follower=e.actor, followee=e.target)
        elif e.kind == "comment":
            parent = e.parent.row if e.parent else None
            e.row = comment_create(author=e.actor, post=e.target, body=e.text, parent=parent)
            done["comments"] += 1
        else:
            e.row, created = repost_create(author=e.actor, post=e.target, quote=e.text)
            done["reposts"] += created
    return done


def _moments(events: list[_Event]) -> dict[tuple, datetime]:
    """When each row happened, keyed the way rows and notices name it: likes, follows and
    plain reposts by who and what, comments and quotes by their own id."""
    return {
        (e.kind, e.row.pk) if e.row and e.text else (e.kind, e.actor.pk, e.target.pk): e.when
        for e in events
    }


def _stamp(model, fields: list[str], rows) -> None:
    """Give many rows each their own values, `rows` being (pk, *values): one UPDATE run
    with executemany, a tenth of a second for the full seed. `bulk_update` builds a CASE
    per row in Python and took 2–3 s, longer than creating all the posts."""
    qn, meta = connection.ops.quote_name, model._meta
    columns = [meta.get_field(name) for name in fields]
    sets = ", ".join(f"{qn(c.column)} = %s" for c in columns)
    sql = f"UPDATE {qn(meta.db_table)} SET {sets} WHERE {qn(meta.pk.column)} = %s"
    prep = [c.get_db_prep_value for c in columns]
    params = [
        [f(v, connection) for f, v in zip(prep, vals, strict=True)] + [pk] for pk, *vals in rows
    ]
    with connection.cursor() as cursor:
        cursor.executemany(sql, params)


def _restamp_rows(events: list[_Event], members: list[User]) -> None:
    """Move likes, follows, comments and reposts (with their tag links) to their moments."""
    at = _moments(events)
    likes = Like.objects.filter(user__in=members).values_list("pk", "user_id", "post_id")
    _stamp(Like, ["created_at"], [(pk, at["like", u, p]) for pk, u, p in likes])
    follows = Follow.objects.filter(follower__in=members)
    pairs = follows.values_list("pk", "follower_id", "followee_id")
    _stamp(Follow, ["created_at"], [(pk, at["follow", a, b]) for pk, a, b in pairs])
    comments = [(e.row.pk, e.when) for e in events if e.kind == "comment"]
    _stamp(Comment, ["created_at"], comments)
    reposts = {e.row.pk: e.when for e in events if e.kind == "repost"}
    _stamp(Post, ["created_at"], reposts.items())
    links = PostHashtag.objects.filter(post__in=reposts).values_list("pk", "post_id")
    _stamp(PostHashtag, ["created_at"], [(pk, reposts[post]) for pk, post in links])


def _moment(n, at: dict, posts: dict) -> datetime | None:
    """When the event notice `n` tells of happened (None: not ours, left alone)."""
    if n.kind in ("comment", "reply"):
        return at.get(("comment", n.comment_id))
    if n.kind in ("mention", "quote"):  # the notice came with the post itself
        return posts.get(n.post_id)
    return at.get((n.kind, n.actor_id, n.recipient_id if n.kind == "follow" else n.post_id))


def _restamp_notices(events, members, rng: random.Random, now: datetime) -> None:
    """A notice dates from its event, joins that day's group (the service keyed it by
    today), and has been read if it is older than two days."""
    at = _moments(events)
    posts = dict(Post.objects.filter(author__in=members).values_list("pk", "created_at"))
    notices = Notification.objects.filter(recipient__in=members).order_by("pk")
    rows = []
    for notice in notices.values_list(
        "pk", "kind", "group_key", "actor_id", "post_id", "comment_id", "recipient_id", named=True
    ):
        when, lag = _moment(notice, at, posts), HOUR * rng.uniform(0.1, 20)
        if when is None:
            continue
        key = notice.group_key
        if notice.kind not in STANDALONE_KINDS:  # "<kind>:<target>:<local day>"
            key = f"{key.rsplit(':', 1)[0]}:{timezone.localdate(when).isoformat()}"
        read = min(when + lag, now) if when < now - UNREAD else None
        rows.append((notice.pk, when, key, read))
    _stamp(Notification, ["created_at", "group_key", "read_at"], rows)


def add_interactions(rng, langs: list[str], members: list[User], now: datetime) -> dict:
    """Give the members' posts their reactions and the members their followers; returns
    the counts of `_perform`. `langs` are the members' languages: each writes in theirs."""
    plan = _Planner(rng, langs, members, now)
    plan.follows()
    originals = Post.objects.filter(author__in=members, repost_of=None).select_related("author")
    posts = list(originals.order_by("id"))
    starred = [p.pk for p in posts if p.author_id == plan.star.pk][-STAR_POSTS:]
    for post in posts:
        for step in (plan.likes, plan.comments, plan.reposts):
            step(post, post.pk in starred)
    tally = _perform(plan.events)
    _restamp_rows(plan.events, members)
    _restamp_notices(plan.events, members, rng, now)
    return tally
