"""Demo data for `manage.py seed_demo`: about 40 users and 400 posts, always the same ones.

A fresh checkout should open on a lively square, and every developer and test should
see the same one: all choices come from one fixed seed, bodies are composed from the
pools in `content.py` (each pool is dealt like a shuffled deck, so a sentence does not come back
soon), and every post goes through `post_create`, so tags, mentions, images and counters
are exactly what real posting produces. Pools use one line per item; in a topic block a
line starting with `#` lists its tags, `>` opening lines and `<` closing lines (`|`
separates short ones); other lines are the core sentences.

Then the members follow, like, comment on and repost each other's posts, again through
the services and from the same seed (`interactions.py`; what they say is in `chatter.py`).
"""

import random
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.core.files.storage import default_storage
from django.db import transaction
from django.db.models.functions import Lower
from django.utils import timezone

from square.demo.content import (
    ALTS,
    EMOJI,
    GENERAL_TAGS,
    LABELS,
    LONG,
    MENTIONS,
    NUMERALS,
    POOLS,
    TOPICS,
    URLS,
    USERS,
    WHEN,
    DemoUser,
)
from square.demo.interactions import add_interactions
from square.demo.pictures import avatar_upload, picture
from square.models import User
from square.project import hooks
from square.services.accounts import profile_update
from square.services.cashtags import cashtags_rebuild
from square.services.duplicates import duplicate_checks_deferred, duplicate_index_rebuild
from square.services.posts import post_create
from square.services.search import search_index_rebuild

SEED = 2026
DEMO_PASSWORD = "square2026"
ADMIN = "admin"  # username and password of the DEBUG-only staff account
DAYS = 21
LONG_MIN = 650


class _Writer:
    """Composes post bodies from the pools; each pool is dealt like a shuffled deck."""

    def __init__(self, rng: random.Random, members: list[User]):
        self.rng, self.members = rng, members
        self.decks: dict[tuple, list[str]] = {}
        self.seen: set[str] = set()

    def draw(self, pools: dict, key: tuple[str, str], slot: str) -> str:
        """Deal the next item of a pool (key: language, topic), its slots filled in."""
        deck = self.decks.get((*key, slot))
        if not deck:
            deck = self.decks[(*key, slot)] = self.rng.sample(pools[slot], len(pools[slot]))
        text = deck.pop()
        if "{" not in text:
            return text
        lang, rng = key[0], self.rng
        return text.format(
            when=rng.choice(WHEN[lang]), n=rng.randint(3, 60), pct=rng.randint(2, 9),
            risk=rng.randint(1, 3), alt=rng.choice(ALTS),
        )  # fmt: skip

    def topic(self, lang: str, topic: str, slot: str) -> str:
        return self.draw(POOLS[lang][topic], (lang, topic), slot)

    def cores(self, lang: str, topic: str, count: int) -> list[str]:
        chosen: list[str] = []
        while len(chosen) < count:
            text = self.topic(lang, topic, "core")
            if text not in chosen:
                chosen.append(text)
        return chosen

    def tags(self, lang: str, topic: str) -> list[str]:
        first, *rest = POOLS[lang][topic]["tags"]
        tags = [first, *self.rng.sample(rest, self.rng.choice((0, 1, 1, 2)))]
        if self.rng.random() < 0.2:
            tags.append(self.rng.choice([t for t in GENERAL_TAGS if t not in tags]))
        return [f"#{t}" for t in tags]

    def post(self, spec: DemoUser, author: User) -> tuple[str, str]:
        """Return a body never produced before in this run, and its topic."""
        rng = self.rng
        topic = rng.choice(spec.topics) if rng.random() < 0.75 else rng.choice(TOPICS)
        long = rng.random() < 0.03
        for _ in range(20):  # a repeat is possible in principle, and rare
            body = self.long(spec.lang, topic) if long else self.short(spec.lang, topic, author)
            if body not in self.seen:
                break
        self.seen.add(body)
        return body, topic

    def short(self, lang: str, topic: str, author: User) -> str:
        rng, sep = self.rng, "" if lang == "zh" else " "
        count = rng.choices((0, 1, 2, 3), weights=(1, 5, 4, 1))[0]
        lead = [self.topic(lang, topic, "lead")] if rng.random() < 0.8 or not count else []
        end = [self.topic(lang, topic, "end")] if rng.random() < 0.6 else []
        if end and topic in EMOJI and rng.random() < 0.4:
            end[0] += sep + rng.choice(EMOJI[topic])
        text = sep.join(self.cores(lang, topic, count) + end)
        if lead:
            text = lead[0] + ("\n" if rng.random() < 0.35 else sep) + text
        lines = [text.strip()]
        if rng.random() < 0.15:
            others = [m.username for m in self.members if m.pk != author.pk]
            u, v = rng.sample(others, 2)
            lines.append(rng.choice(MENTIONS[lang]).format(u=u, v=v))
        if topic in URLS and rng.random() < 0.15:
            lines.append(URLS[topic][lang == "en"])
        tags = self.tags(lang, topic)
        if rng.random() < 0.25:
            return f"{tags[0]} " + "\n".join(lines) + "".join(f" {t}" for t in tags[1:])
        return "\n".join(lines) + ("\n\n" if rng.random() < 0.5 else " ") + " ".join(tags)

    def long(self, lang: str, topic: str) -> str:
        rng, zh = self.rng, lang == "zh"
        key, pools = (lang, "long"), LONG[lang]
        parts = [self.draw(pools, key, "core"), self.draw(pools, key, "lead")]
        others = rng.sample([t for t in TOPICS if t != topic], len(NUMERALS) - 1)
        for k, section in enumerate([topic, *others]):
            heading = f"{NUMERALS[k]}、{LABELS[section][0]}" if zh else LABELS[section][1]
            body = ("" if zh else " ").join(self.cores(lang, section, 4 if zh else 3))
            parts.append(f"{heading}\n{body}")
            if len("\n\n".join(parts)) >= LONG_MIN:
                break
        parts.append(self.draw(pools, key, "end"))
        parts.append(" ".join(self.tags(lang, topic)))
        return "\n\n".join(parts)


class SeedError(Exception):
    """The database holds part of the demo data (or a real user took a demo name)."""


@dataclass(frozen=True)
class SeedResult:
    """What `seed_demo` did, for the command to report."""

    created: bool  # False: the demo data was already there and nothing was written
    users: int
    posts: int
    images: int
    admin: bool  # an `admin` staff account exists (DEBUG only)
    likes: int = 0
    comments: int = 0  # replies included
    reposts: int = 0  # quotes included
    follows: int = 0
    apps: dict = field(default_factory=dict)  # what other apps' demo seeders added


def seed_demo(*, users: int = 40, posts: int = 400, images: bool = True, now=None) -> SeedResult:
    """Fill the database with the demo square once; later calls return at once.

    Everything happens in one transaction, so a crash leaves no half-seeded square (and
    the image files stored so far are removed). Tests pass smaller numbers and
    `images=False` to stay fast; the bodies and interactions depend only on `users`,
    `posts` and the times relative to `now`.
    """
    if not 3 <= users <= len(USERS) or posts < 0:
        raise ValueError(f"users must be 3..{len(USERS)} and posts at least 0.")
    specs, stored, now = USERS[:users], [], now or timezone.now()
    try:
        with transaction.atomic():
            admin = _ensure_admin()
            if User.objects.filter(username=specs[-1].username).exists():
                return SeedResult(False, 0, 0, 0, admin)
            _check_free([s.username for s in specs])
            rng = random.Random(SEED)
            with duplicate_checks_deferred():  # imported history, indexed below
                members = _create_users(specs, rng, images, stored, now)
                count = _create_posts(specs, members, rng, posts, images, stored, now)
                counts = add_interactions(rng, [s.lang for s in specs], members, now)
                # Apps built on the square (campaigns) add theirs last: the square's own
                # data and random stream are the same with or without them.
                apps = hooks.demo_seed(members=members, rng=rng, now=now)
            duplicate_index_rebuild()
            search_index_rebuild()
            cashtags_rebuild()
            apps.update(hooks.demo_finish(members=members, rng=rng, now=now))
    except BaseException:
        for name in stored:
            default_storage.delete(name)
        raise
    return SeedResult(True, users, posts, count, admin, **counts, apps=apps)


def _ensure_admin() -> bool:
    """admin/admin is a development convenience only: never created with DEBUG off."""
    if not settings.DEBUG:
        return False
    if not User.objects.filter(username__iexact=ADMIN).exists():
        User.objects.create_superuser(username=ADMIN, email="", password=ADMIN)
    return True


def _check_free(names: list[str]) -> None:
    taken = User.objects.annotate(key=Lower("username")).filter(key__in=names)
    if taken.exists():
        found = ", ".join(sorted(taken.values_list("username", flat=True))[:5])
        raise SeedError(
            f"Part of the demo data is already here ({found}) but not all of it; "
            "seed a fresh database instead."
        )


def _create_users(specs, rng, images: bool, stored: list, now: datetime) -> list[User]:
    # The password is public and the same for all, so one hash serves every demo user:
    # hashing it 40 times would add about 15 s to every first `make run`.
    password = make_password(DEMO_PASSWORD)
    members = []
    for spec in specs:
        joined = now - timedelta(days=DAYS + rng.randint(1, 400), minutes=rng.randint(0, 1439))
        user = User.objects.create(username=spec.username, password=password, date_joined=joined)
        avatar = None
        if rng.random() < 0.6 and images:  # drawn either way, so bodies do not change
            avatar = avatar_upload(spec.username)
        profile_update(user=user, display_name=spec.name, bio=spec.bio, avatar=avatar)
        if avatar:
            stored.append(user.avatar.name)
        members.append(user)
    return members


def _create_posts(specs, members, rng, count: int, images: bool, stored: list, now) -> int:
    """Post through `post_create`, oldest first, so ids rise with time."""
    weights = [rng.choice((1, 2, 3, 5, 8)) * (0.6 if s.lang == "en" else 1) for s in specs]
    writer = _Writer(rng, members)
    end = now - timedelta(minutes=20)
    span = timedelta(days=DAYS) - timedelta(minutes=20)
    total = 0
    for i in range(count):
        k = rng.choices(range(len(members)), weights)[0]
        body, topic = writer.post(specs[k], members[k])
        pictures = rng.choices((0, 1, 2, 3, 4), weights=(75, 11, 6, 4, 4))[0]
        when = end - span + span * ((i + rng.random()) / count)
        uploads = [picture(topic, f"{i}-{j}") for j in range(pictures)] if images else []
        post = post_create(author=members[k], body=body, images=uploads, created_at=when)
        if uploads:
            for pair in post.images.values_list("image", "thumbnail"):
                stored += pair
        total += len(uploads)
    return total
