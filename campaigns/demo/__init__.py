"""Campaign demo data for `seed_demo` (registered in campaigns.hooks as `seed`).

A fresh checkout should show campaigns at work: the announced #我的2026第一帖, ended,
with a few hundred entries, a meaningful leaderboard, New Voices, and entries refused
for each reason the rules know (`first_post.py`); and a small campaign live now that a
visitor can join (`year_end.py`).

Runs after the square's own demo, inside the same transaction and on the same random
stream, so it is as deterministic as the square: the announced campaign sits at its
fixed dates, everything else is placed relative to `now`. Every post goes through the
square's services, so entries are judged by the real post hook, never written here.
"""

import random
from datetime import datetime, timedelta

from campaigns.demo import first_post, people, year_end
from campaigns.demo.first_post import FirstPost, Voice
from campaigns.models import Campaign, Entry
from campaigns.services.scores import score_rows_rebuild
from square.demo.content import USERS
from square.models import User

LANGS = {u.username: u.lang for u in USERS}


def seed(*, members: list[User], rng: random.Random, now: datetime) -> dict:
    """Add both campaigns and their entries; returns counts for the report."""
    people.check_free()
    langs = {m.pk: LANGS.get(m.username, "zh") for m in members}
    announced = first_post.load()
    staff = people.account_create(
        people.STAFF, joined=announced.starts_at - timedelta(days=300), password="", staff=True
    )
    langs[staff.pk] = people.STAFF.lang
    tally = dict.fromkeys(("likes", "comments", "reposts"), 0)
    if now > announced.ends_at_inclusive + timedelta(days=1):  # never plan the future
        _add(tally, _first_post(announced, members, langs, rng, staff, now))
    _add(tally, _year_end(members, langs, rng, now))
    for campaign in Campaign.objects.accepting_entries():  # acts were moved in time
        score_rows_rebuild(campaign=campaign)
    slugs = [first_post.SLUG, year_end.SLUG]
    entries = Entry.objects.filter(campaign__slug__in=slugs)
    # Keys read as words in the command's report ("270 campaign entries").
    return {
        "campaigns": Campaign.objects.filter(slug__in=slugs).count(),
        "campaign_entries": entries.count(),
        "valid_entries": entries.filter(valid=True).count(),
        "campaign_accounts": User.objects.filter(username__in=people.USERNAMES).count(),
        "likes_on_entries": tally["likes"],
        "comments_on_entries": tally["comments"],
        "reposts_of_entries": tally["reposts"],
    }


def _add(tally: dict, counts: dict) -> None:
    for kind, n in counts.items():
        tally[kind] += n


def _first_post(campaign, members, langs, rng, staff, now) -> dict:
    """The announced campaign: cast, write, react, then what happened afterwards."""
    demo = FirstPost(rng, campaign, members, langs)
    voices = demo.cast()
    gone_joined = campaign.starts_at - timedelta(days=rng.uniform(90, 200))
    gone = people.account_create(people.GONE, joined=gone_joined, password="")
    langs[gone.pk] = people.GONE.lang
    demo.plan(
        voices,
        staff=Voice(staff, "zh", staff.date_joined, True, 0.8, 1),
        gone=Voice(gone, "zh", gone_joined, True, 0.8, 2),
    )
    for voice in voices:
        people.join_by(voice.user, voice.joined)
    demo.write()
    # Members who only react joined well before, at a moment drawn for each in turn.
    joined = {m.pk: campaign.starts_at - timedelta(days=rng.uniform(30, 200)) for m in members}
    joined |= {v.user.pk: v.joined for v in voices}
    plan = demo.react(members, joined)
    counts = plan.perform(now)
    demo.moderate(staff, gone)
    return counts


def _year_end(members, langs, rng, now) -> dict:
    """The live campaign, with new accounts (as many as the square is big) whose first
    post is their entry."""
    year_end.create(now)
    password = members[0].password  # the demo password: these are logins to try
    fresh = []
    for account in people.FRESH[: 2 if len(members) >= 10 else 1]:
        joined = now - timedelta(days=rng.uniform(2, 6))
        fresh.append(people.account_create(account, joined=joined, password=password))
        langs[fresh[-1].pk] = account.lang
    posts = year_end.write(rng, members, fresh, langs, now)
    return year_end.react(rng, posts, members, langs, now).perform(now)
