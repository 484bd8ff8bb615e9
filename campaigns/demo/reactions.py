"""Likes, comments, replies and reposts on the demo entries, so the rankings mean something.

Same approach as the square's demo (`square.demo.interactions`): plan every act from the
seed's random stream, perform them oldest first through the services (counters and
notices are what real use produces), then move the rows and their notices to the
planned moments, which the services cannot do. Every act lies after its post, inside
the campaign's window, and comes from someone whose account was at least `AGE` old —
old enough for the ranking to count it (it asks for 24 hours).

Popularity is heavy-tailed and each author has a few fans who like nearly everything
they write, so some fans reach the ranking's per-person cap.
"""

import random
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db import connection
from django.utils import timezone

from square.demo.chatter import COMMENTS, REPLIES
from square.demo.interactions import UNREAD
from square.models import Comment, Like, Notification, Post, PostHashtag, User
from square.services.comments import comment_create
from square.services.interactions import like_create
from square.services.notifications import STANDALONE_KINDS
from square.services.posts import repost_create

HOUR = timedelta(hours=1)
AGE = timedelta(days=2)  # interactors' accounts are at least this old when they act


@dataclass(eq=False)
class Act:
    """One planned act; `row` is the comment or repost the service wrote."""

    when: datetime
    kind: str  # like, comment, repost
    actor: User
    post: Post
    text: str = ""
    parent: "Act | None" = None
    row: Comment | Post | None = None


class Reactions:
    """Plans acts on posts; `people` may act once `joined[pk]` is `AGE` behind them."""

    def __init__(self, rng: random.Random, people: list[User], joined: dict, langs: dict):
        self.rng, self.people, self.joined, self.langs = rng, people, joined, langs
        self.acts: list[Act] = []

    def moment(self, start: datetime, end: datetime, mean_hours: float) -> datetime:
        """Mostly soon after `start`, with a long tail; never at or after `end`."""
        delay = timedelta(minutes=1) + HOUR * self.rng.expovariate(1 / mean_hours)
        share = self.rng.uniform(0.02, 0.98)  # drawn either way: the stream stays fixed
        return start + delay if start + delay < end else start + (end - start) * share

    def crowd(self, when: datetime, skip: set[int]) -> list[User]:
        return [p for p in self.people if p.pk not in skip and self.joined[p.pk] <= when - AGE]

    def add(self, when, kind, actor, post, **extra) -> Act:
        self.acts.append(Act(when, kind, actor, post, **extra))
        return self.acts[-1]

    def react(self, post: Post, pop: float, fans: list[User], end: datetime) -> None:
        """Plan the likes, comments and reposts one post gets before `end`."""
        start = post.created_at
        self.likes(post, pop, fans, start, end)
        self.comments(post, pop, fans, start, end)
        self.reposts(post, pop, start, end)

    def likes(self, post, pop, fans, start, end) -> None:
        rng, done = self.rng, {post.author_id}
        wanted = [f for f in fans if rng.random() < 0.75]
        wanted += [None] * round(rng.uniform(0, 0.8) * pop)
        for fan in wanted:
            when = self.moment(start, end, 8)
            if actor := self.pick(fan, when, done):
                done.add(actor.pk)
                self.add(when, "like", actor, post)

    def pick(self, wanted: User | None, when: datetime, skip: set[int]) -> User | None:
        """`wanted` if they may act at `when`, else (when nobody in particular is wanted)
        anyone who may; None if that person or nobody can."""
        crowd = self.crowd(when, skip)
        if wanted is not None:
            return wanted if wanted in crowd else None
        return self.rng.choice(crowd) if crowd else None

    def line(self, user: User, pool: dict, used: set[str]) -> str:
        """A line in the user's language that this post does not carry yet."""
        lang = self.langs[user.pk]
        unused = [t for t in pool[lang] if t not in used] or COMMENTS[lang]
        used.add(text := self.rng.choice(unused))
        return text

    def comments(self, post, pop, fans, start, end) -> None:
        """A third or so of posts start a conversation; fans chime in now and then, and
        the author often answers."""
        rng, used = self.rng, set()
        count = rng.choices((1, 2, 3), (60, 30, 10))[0] if rng.random() < 0.03 + 0.03 * pop else 0
        voices = [f for f in fans if rng.random() < 0.08] + [None] * count
        for who in voices:
            when = self.moment(start, end, 6)
            if not (actor := self.pick(who, when, {post.author_id})):
                continue
            top = self.add(when, "comment", actor, post, text=self.line(actor, COMMENTS, used))
            if rng.random() < 0.3:
                reply = self.line(post.author, REPLIES, used)
                later = self.moment(when, end, 3)
                self.add(later, "comment", post.author, post, text=reply, parent=top)

    def reposts(self, post, pop, start, end) -> None:
        """Some posts are passed on by one or two people; a few are quoted."""
        rng, done = self.rng, {post.author_id}
        plain = rng.randint(1, 2) if rng.random() < min(0.35, 0.05 * pop) else 0
        quote = rng.random() < min(0.1, 0.02 * pop)
        for text in [""] * plain + ["quote"] * quote:
            when = self.moment(start, end, 10)
            if actor := self.pick(None, when, done):
                done.add(actor.pk)
                text = self.line(actor, COMMENTS, set()) if text else ""
                self.add(when, "repost", actor, post, text=text)

    def perform(self, now: datetime) -> dict[str, int]:
        """Run the plan oldest first, then move rows and notices to their moments."""
        mark = Notification.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
        done = dict.fromkeys(("likes", "comments", "reposts"), 0)
        for act in sorted(self.acts, key=lambda a: a.when):
            if act.kind == "like":
                done["likes"] += like_create(user=act.actor, post=act.post)
            elif act.kind == "comment":
                parent = act.parent.row if act.parent else None
                act.row = comment_create(
                    author=act.actor, post=act.post, body=act.text, parent=parent
                )
                done["comments"] += 1
            else:
                act.row, created = repost_create(author=act.actor, post=act.post, quote=act.text)
                done["reposts"] += created
        self._restamp_rows()
        self._restamp_notices(mark, now)
        return done

    def _restamp_rows(self) -> None:
        liked = {(a.actor.pk, a.post.pk): a.when for a in self.acts if a.kind == "like"}
        likes = Like.objects.filter(post__in={a.post.pk for a in self.acts})
        rows = likes.values_list("pk", "user_id", "post_id")
        stamp(Like, ["created_at"], [(pk, liked[u, p]) for pk, u, p in rows if (u, p) in liked])
        comments = [(a.row.pk, a.when) for a in self.acts if a.kind == "comment"]
        stamp(Comment, ["created_at"], comments)
        reposts = {a.row.pk: a.when for a in self.acts if a.kind == "repost"}
        stamp(Post, ["created_at"], reposts.items())
        links = PostHashtag.objects.filter(post__in=reposts).values_list("pk", "post_id")
        stamp(PostHashtag, ["created_at"], [(pk, reposts[post]) for pk, post in links])

    def _moments(self) -> dict[tuple, datetime]:
        """When each notice's event happened, keyed the way the notice names it."""
        at: dict[tuple, datetime] = {}
        for a in self.acts:
            if a.kind == "comment":
                at["comment", a.row.pk] = a.when
            elif a.kind == "repost" and a.text:
                at["quote", a.row.pk] = a.when
            else:
                at[a.kind, a.actor.pk, a.post.pk] = a.when
        return at

    def _restamp_notices(self, mark: int, now: datetime) -> None:
        """Each notice dates from its event and joins that day's group; notices older
        than two days have been read (as in the square's demo)."""
        at, rows = self._moments(), []
        notices = Notification.objects.filter(pk__gt=mark).order_by("pk")
        fields = ("pk", "kind", "group_key", "actor_id", "post_id", "comment_id")
        for pk, kind, key, actor, post, comment in notices.values_list(*fields):
            if kind in ("comment", "reply"):
                when = at.get(("comment", comment))
            else:
                when = at.get(("quote", post) if kind == "quote" else (kind, actor, post))
            lag = HOUR * self.rng.uniform(0.1, 20)
            if when is None:
                continue
            if kind not in STANDALONE_KINDS:  # "<kind>:<target>:<local day>"
                key = f"{key.rsplit(':', 1)[0]}:{timezone.localdate(when).isoformat()}"
            rows.append((pk, when, key, min(when + lag, now) if when < now - UNREAD else None))
        stamp(Notification, ["created_at", "group_key", "read_at"], rows)


def stamp(model, fields: list[str], rows) -> None:
    """Give many rows each their own values (`rows`: (pk, *values)) in one executemany,
    as the square's demo does: `bulk_update` builds a CASE per row and is far slower."""
    qn, meta = connection.ops.quote_name, model._meta
    columns = [meta.get_field(name) for name in fields]
    sets = ", ".join(f"{qn(c.column)} = %s" for c in columns)
    sql = f"UPDATE {qn(meta.db_table)} SET {sets} WHERE {qn(meta.pk.column)} = %s"
    params = [
        [c.get_db_prep_value(v, connection) for c, v in zip(columns, vals, strict=True)] + [pk]
        for pk, *vals in rows
    ]
    if params:
        with connection.cursor() as cursor:
            cursor.executemany(sql, params)
