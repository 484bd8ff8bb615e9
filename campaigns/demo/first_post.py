"""The announced campaign #我的2026第一帖, ended, with a few hundred entries from its window.

About three quarters of the members take part, each with a heavy-tailed number of
entries (one writes more than the ranking counts). Some had posted before it began;
the others had not, so their first valid entry is a new voice. On top of the ordinary
entries come a few that miss for each reason the rules know, made the way real ones
would be: a text just under 30 字 or saying one thing over and over, a tag edited out
during the window, posts just outside it, a post its author deleted and one staff hid,
a staff author's entry and one by an author deactivated afterwards.
"""

import random
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.core.management import call_command

from campaigns.demo import first_post_words as words
from campaigns.demo.people import join_by
from campaigns.demo.reactions import HOUR, Reactions
from campaigns.demo.writer import Writer
from campaigns.models import Campaign
from campaigns.services import entry_refresh
from square.models import Post, PostRevision, User
from square.services.accounts import user_deactivate
from square.services.posts import post_create, post_delete, post_edit, post_hide

SLUG = "my-2026-first-post"
SHARE = 0.75  # of the members take part
VETERANS = 0.55  # of those had posted before it began
EARLY = 0.35  # share of entries written in its first two days
# Entries missing for a reason: one per this many members (at least one each).
SPECIALS = {"short": 8, "low": 20, "edit": 40, "before": 40, "after": 20, "delete": 20, "hide": 40}
UNREACHED = {"earlier", "before", "after"}  # outside the window: nobody reacts inside it


@dataclass(eq=False)
class Voice:
    """A member taking part; `joined` is when they joined at the latest."""

    user: User
    lang: str
    joined: datetime
    veteran: bool
    pop: float  # how much attention their entries draw
    count: int  # ordinary entries
    fans: list[User] = field(default_factory=list)


@dataclass(eq=False)
class Planned:
    """One post to write; `text` is the body without its tag (for the edit)."""

    when: datetime
    author: User
    body: str
    kind: str = "entry"
    text: str = ""
    pop: float = 0.8
    fans: list[User] = field(default_factory=list)
    post: Post | None = None


def load() -> Campaign:
    """The campaign as announced, from its fixture. Its beacon delay is the one that
    pins a round recorded in `campaigns/demo/relay/` (beacons.DEMO_ROUND), so its draw
    can run with a real, verifiable beacon on a machine without network."""
    call_command("loaddata", SLUG, verbosity=0)
    return Campaign.objects.get(slug=SLUG)


class FirstPost:
    """Plans and writes the campaign's entries and reactions from one random stream."""

    def __init__(self, rng: random.Random, campaign: Campaign, members: list[User], langs):
        self.rng, self.campaign, self.members, self.langs = rng, campaign, members, langs
        self.start, self.end = campaign.starts_at, campaign.ends_at_inclusive
        self.tags = [campaign.hashtag, *campaign.aliases]
        self.writer = Writer(rng)
        self.plans: list[Planned] = []

    def cast(self) -> list[Voice]:
        """Who takes part (the first member always, so her login shows an entry)."""
        rng, members = self.rng, self.members
        k = min(len(members), max(2, round(len(members) * SHARE)))
        chosen = [members[0], *rng.sample(members[1:], k - 1)]
        veterans = max(1, round(k * VETERANS))
        voices = []
        for i, user in enumerate(chosen):
            days = rng.uniform(60, 240) if i < veterans else rng.uniform(-6, 30)
            pop, count = rng.paretovariate(1.8), round(rng.lognormvariate(1.8, 0.8))
            joined = self.start - timedelta(days=days)
            voices.append(Voice(user, self.langs[user.pk], joined, i < veterans, pop, count))
        for voice in voices:
            others = [m for m in members if m.pk != voice.user.pk]
            voice.fans = rng.sample(others, min(len(others), rng.randint(1, 2)))
            voice.count = min(32, max(1, voice.count))
        return voices

    def moment(self, voice: Voice) -> datetime:
        """Inside the window, after they joined; many on New Year's Eve and Day."""
        lo = max(self.start, voice.joined + HOUR) + timedelta(minutes=1)
        hi = self.end - timedelta(minutes=10)
        early = self.rng.random() < EARLY
        return lo + (min(hi, lo + timedelta(days=2)) - lo if early else hi - lo) * self.rng.random()

    def entry(self, voice: Voice, kind: str = "entry", pool=None, when=None) -> Planned:
        """An entry by `voice`: composed to pass, or a line from `pool` (NEAR, LOW)."""
        lang = voice.lang
        if pool is None:
            text = self.writer.text(words.ZH if lang == "zh" else words.EN, lang, self._theme())
        else:
            text = self.writer.deal((lang, kind), pool[lang])
        body = self.writer.tagged(text, lang, self.tags)
        when = when or self.moment(voice)
        return Planned(when, voice.user, body, kind, text, voice.pop, voice.fans)

    def _theme(self) -> str:
        return self.rng.choice(("words", "goals", "web3"))

    def plan(self, voices: list[Voice], staff: Voice, gone: Voice) -> None:
        """Posts before the window for veterans, the entries, then the ones that miss."""
        rng, veterans = self.rng, [v for v in voices if v.veteran]
        for voice in veterans:
            for _ in range(rng.randint(1, 2)):
                body = self.writer.deal((voice.lang, "earlier"), words.EARLIER[voice.lang])
                when = self.start - timedelta(days=rng.uniform(2, 50))
                self.plans.append(Planned(when, voice.user, body, "earlier"))
        self.plans += [self.entry(v) for v in voices for _ in range(v.count)]
        for kind, per in SPECIALS.items():
            for _ in range(max(1, len(self.members) // per)):
                self.plans.append(self.special(kind, rng.choice(veterans)))
        text = words.STAFF_ENTRY
        when = self.moment(staff)
        self.plans.append(Planned(when, staff.user, self.writer.tagged(text, "zh", self.tags)))
        self.plans += [self.entry(gone) for _ in range(2)]

    def special(self, kind: str, voice: Voice) -> Planned:
        minutes = timedelta(minutes=self.rng.uniform(1, 120))
        if kind == "short":
            return self.entry(voice, kind, words.NEAR)
        if kind == "low":
            return self.entry(voice, kind, words.LOW)
        if kind == "before":
            return self.entry(voice, kind, when=self.start - minutes)
        if kind == "after":
            return self.entry(voice, kind, when=self.end + minutes)
        return self.entry(voice, kind)

    def write(self) -> None:
        """Post through `post_create`, oldest first, so ids rise with time."""
        for p in sorted(self.plans, key=lambda p: p.when):
            p.post = post_create(author=p.author, body=p.body, created_at=p.when)

    def react(self, people: list[User], joined: dict) -> Reactions:
        """Plan reactions to everything posted inside the window, and make sure each
        person who reacts had joined in time."""
        plan = Reactions(self.rng, people, joined, self.langs)
        for p in self.plans:
            if p.kind not in UNREACHED:
                plan.react(p.post, p.pop, p.fans, self.end)
        for act in plan.acts:
            if act.actor.pk != act.post.author_id:
                join_by(act.actor, joined[act.actor.pk])
        return plan

    def moderate(self, staff: User, gone: User) -> None:
        """What happened to some entries afterwards: a tag edited out during the window,
        a post deleted, one hidden by staff, an author deactivated."""
        for p in self.plans:
            if p.kind == "edit":
                self._drop_tag(p)
            elif p.kind == "delete":
                post_delete(post=p.post, actor=p.author)
            elif p.kind == "hide":
                post_hide(post=p.post, staff=staff)
        user_deactivate(user=gone, staff=staff)

    def _drop_tag(self, p: Planned) -> None:
        """Edit the tag out, then date the edit inside the window (the service stamps
        "now") and judge the entry again as of then."""
        post_edit(post=p.post, editor=p.author, body=p.text)
        moment = p.when + (self.end - p.when) * self.rng.uniform(0.1, 0.9)
        PostRevision.objects.filter(post=p.post).update(replaced_at=moment)
        Post.objects.filter(pk=p.post.pk).update(edited_at=moment)
        entry_refresh(post=p.post)
