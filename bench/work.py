"""The measurements without HTTP: closing the campaign and drawing, the draw over many
tickets, recomputing the leaderboard, the duplicate check, creating posts.

Each is a function of (meter, args) returning figures. `python -m bench` runs each in a
fresh process (`python -m bench.child NAME JSON`) so that peak memory is that work's
alone; the tests call them in-process. Work that must not change the dataset runs in
a transaction that is rolled back; creating posts commits (that is the point) and
deletes the posts afterwards; the close, draw and publish commit so the results page
can be loaded, and `campaign_reset` puts the campaign back.
"""

import random
import statistics
from collections import Counter
from datetime import UTC, datetime, timedelta

from django.db import connection, transaction
from django.db.models import F
from django.db.models.functions import Length
from django.utils import timezone

from bench import text
from bench.meter import Meter
from campaigns import draw
from campaigns.demo.beacons import DEMO_CHAIN, DEMO_ROUND, delay_to, recorded
from campaigns.models import Award, AwardItem, Campaign, Entry, Prize, RewardTier, TierDraw
from campaigns.models.results import AuditEvent, Snapshot
from campaigns.selectors.ranking import ranking_compute
from campaigns.services.awards import results_publish
from campaigns.services.close import campaign_close
from campaigns.services.draws import draw_run
from square.models import Hashtag, Notification, Post, PostHashtag, User
from square.services.duplicates import duplicate_check
from square.services.posts import post_create

# A real drand beacon (campaigns/demo/relay/): the draws check its signature, as they
# would a relay's, so the timings include that check.
BEACON = recorded(DEMO_CHAIN, DEMO_ROUND)


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q / 100 * (len(ordered) - 1)))]


def close_and_draw(meter: Meter, slug: str) -> dict:
    """Close the campaign (re-judge every entry, freeze four lists), run every tier's
    draw and publish — committed, for the results page; `campaign_reset` undoes it."""
    campaign = _pin_recorded_round(Campaign.objects.get(slug=slug))
    end = campaign.ends_at_inclusive + timedelta(seconds=1)
    with meter.measure() as close:
        campaign = campaign_close(campaign=campaign, now=end)
    after = end + campaign.entropy_delay  # when the rules' round would be out
    with meter.measure() as drawn:
        campaign = draw_run(campaign=campaign, beacon=BEACON, now=after)
    results_publish(campaign=campaign, now=after)
    lucky = Snapshot.objects.get(campaign=campaign, kind=Snapshot.Kind.LUCKY_TICKETS)
    return {
        "entries": Entry.objects.filter(campaign=campaign).count(),
        "tickets": lucky.size,
        "awards": Award.objects.filter(tier__campaign=campaign).count(),
        "close": close,
        "draw": drawn,
    }


def _pin_recorded_round(campaign: Campaign) -> Campaign:
    """The generated campaign ends tomorrow, after every recorded beacon, and no relay
    is asked during a benchmark: so the recorded round is pinned by hand, with a
    queryset update (the pre_save receiver refuses to move a started campaign's round).
    The draw timed is the same; `campaign_reset` puts the rules' round back."""
    Campaign.objects.filter(pk=campaign.pk).update(beacon_chain=DEMO_CHAIN, beacon_round=DEMO_ROUND)
    return Campaign.objects.get(pk=campaign.pk)


def campaign_reset(slug: str) -> None:
    """Back to live: no lists, draws, awards, audit events or award notices, and the
    beacon round its rules pin (not the recorded one `close_and_draw` used)."""
    campaign = Campaign.objects.get(slug=slug)
    with transaction.atomic():
        Notification.objects.filter(kind="award").delete()
        AwardItem.objects.filter(award__tier__campaign=campaign).delete()
        Award.objects.filter(tier__campaign=campaign).delete()
        TierDraw.objects.filter(tier__campaign=campaign).delete()
        Snapshot.objects.filter(campaign=campaign).delete()
        AuditEvent.objects.filter(campaign=campaign).delete()  # a QuerySet delete
        Campaign.objects.filter(pk=campaign.pk).update(
            status=Campaign.Status.SCHEDULED, closed_at=None, entropy="", beacon_signature="",
            beacon_previous_signature="", beacon_round=campaign.pinned_round(), drawn_at=None,
            published_at=None,
        )  # fmt: skip


def _ticket_campaign(n: int) -> Campaign:
    """A closed campaign whose lucky draw has `n` tickets (the first n posts with text),
    each with its entry (the draw looks up the winners' authors). It ended an hour
    before the recorded beacon's round, so its rules pin that round (`BEACON`)."""
    ends = datetime.fromtimestamp(draw.round_time(draw.CHAINS[DEMO_CHAIN], DEMO_ROUND), UTC)
    ends -= timedelta(hours=1)
    campaign = Campaign.objects.create(
        slug=f"bench-draw-{n}", title=f"draw over {n} tickets", hashtag="benchdraw",
        starts_at=ends - timedelta(days=10), ends_at=ends, beacon_chain=DEMO_CHAIN,
        entropy_delay=delay_to(ends), status=Campaign.Status.CLOSED,
        closed_at=ends + timedelta(minutes=1),
    )  # fmt: skip
    tier = RewardTier.objects.create(
        campaign=campaign, slug="lucky", name="lucky", kind=RewardTier.Kind.LUCKY_POST_DRAW,
        winners=10, alternates=10,
    )  # fmt: skip
    Prize.objects.create(
        tier=tier, slug="voucher", kind=Prize.Kind.VOUCHER, label="voucher",
        amount=10, currency="USDT",
    )  # fmt: skip
    e, p = Entry._meta.db_table, Post._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {e} (campaign_id, post_id, author_id, posted_at, valid, reasons, "
            "counted_chars, distinct_chars, is_newcomer, under_review, judged_at, first_valid) "
            f"SELECT %s, id, author_id, created_at, %s, %s, 0, 0, %s, %s, created_at, %s "
            f"FROM {p} WHERE body <> '' ORDER BY id LIMIT %s",
            [campaign.pk, True, "[]", False, False, False, n],
        )
    ids = sorted(Entry.objects.filter(campaign=campaign).values_list("post_id", flat=True))
    Snapshot.objects.create(
        campaign=campaign, kind=Snapshot.Kind.LUCKY_TICKETS, body=draw.list_bytes(ids).decode(),
        digest=draw.digest(ids), size=len(ids),
    )  # fmt: skip
    return campaign


def draw_tickets(meter: Meter, n: int) -> dict:
    """`draw_run` over n lucky-draw tickets, end to end (read the frozen list, draw,
    look up the authors, write the awards); rolled back."""
    with transaction.atomic():
        campaign = _ticket_campaign(n)
        tickets = Snapshot.objects.get(campaign=campaign).size
        with meter.measure() as drawn:
            draw_run(campaign=campaign, beacon=BEACON, now=timezone.now())
        transaction.set_rollback(True)
    return {"tickets": tickets, "draw": drawn}


def leaderboard(meter: Meter, slug: str, repeat: int = 3) -> dict:
    """The full ranking recomputed from the rows (one SQL statement), `repeat` times."""
    campaign = Campaign.objects.get(slug=slug)
    runs = []
    for _ in range(repeat):
        with meter.measure() as run:
            people = len(ranking_compute(campaign))
        runs.append(run)
    seconds = [r["seconds"] for r in runs]
    return {"ranked": people, "seconds": statistics.median(seconds), "runs": seconds,
            "peak_mb": max(r["peak_mb"] for r in runs)}  # fmt: skip


def _texts(n: int, sources: list[str], rng: random.Random) -> list[str]:
    """n new 1,000-character posts: four in five fresh, one in five a light rewrite of
    a stored long post (so the check also reads and compares candidates)."""
    out = []
    for i in range(n):
        if sources and i % 5 == 4:
            chars = list(rng.choice(sources))
            for _ in range(len(chars) // 10):
                chars[rng.randrange(len(chars))] = rng.choice(text.COMMON)
            body = "".join(chars)
        else:
            body = text.zh_text(rng, 1000)
        out.append((body * 2)[:1000])
    return out


DUP_WARMUP = 20


def duplicate_checks(meter: Meter, n: int) -> dict:
    """`duplicate_check` of a new 1,000-character post against everything stored, n
    times with n different texts: each post is written, checked and rolled back (a
    savepoint each), so every check is that of a new post, as in `post_create`."""
    rng = random.Random(7)
    long_posts = Post.objects.annotate(n=Length("body")).filter(n__gte=800, status="published")
    sources = list(long_posts.order_by("pk").values_list("body", flat=True)[:100])
    times, flagged = [], 0
    with transaction.atomic():
        author = User.objects.order_by("pk").first()
        # Not recorded, as the pages' warm-up: the first checks after the close and the
        # leaderboard read the index from disk, which a server checking all day does not.
        for body in _texts(DUP_WARMUP, sources, random.Random(8)):
            saved = transaction.savepoint_create()
            duplicate_check(post=Post.objects.create(author=author, body=body))
            transaction.savepoint_rollback(saved)
        for body in _texts(n, sources, rng):
            saved = transaction.savepoint_create()
            post = Post.objects.create(author=author, body=body, created_at=timezone.now())
            with meter.measure() as run:
                flags = duplicate_check(post=post)
            times.append(run["seconds"] * 1000)
            flagged += bool(flags)
            transaction.savepoint_rollback(saved)
        transaction.set_rollback(True)
    return {"checks": n, "flagged": flagged, "p50_ms": percentile(times, 50),
            "p95_ms": percentile(times, 95), "max_ms": max(times)}  # fmt: skip


def create_posts(meter: Meter, n: int, slug: str) -> dict:
    """`post_create` n times (text, tags, mentions, duplicate check, campaign entry,
    each its own committed transaction), then the posts are deleted again."""
    rng = random.Random(11)
    campaign = Campaign.objects.get(slug=slug)
    tags = list(Hashtag.objects.order_by("-post_count").values_list("display", flat=True)[:50])
    writer = User.objects.order_by("pk").first()
    bodies = [
        text.post_body(rng, text.post_length(rng, campaign=i % 3 == 0), rng.sample(tags, 1),
                       lead_tag=campaign.hashtag if i % 3 == 0 else "")
        for i in range(n)
    ]  # fmt: skip
    ids, times = [], []
    with meter.measure() as run:
        for body in bodies:
            with meter.measure() as one:
                ids.append(post_create(author=writer, body=body).pk)
            times.append(one["seconds"] * 1000)
    _delete_posts(ids, writer)
    return {"posts": n, "per_second": n / run["seconds"], "p50_ms": percentile(times, 50),
            "p95_ms": percentile(times, 95), "seconds": run["seconds"]}  # fmt: skip


def _delete_posts(ids: list[int], writer: User) -> None:
    with transaction.atomic():
        links = PostHashtag.objects.filter(post_id__in=ids).values_list("hashtag_id", flat=True)
        for hashtag_id, count in Counter(links).items():
            Hashtag.objects.filter(pk=hashtag_id).update(post_count=F("post_count") - count)
        Post.objects.filter(pk__in=ids).delete()
        User.objects.filter(pk=writer.pk).update(post_count=F("post_count") - len(ids))


MEASURES = {
    "close_and_draw": close_and_draw,
    "draw_tickets": draw_tickets,
    "leaderboard": leaderboard,
    "duplicate_checks": duplicate_checks,
    "create_posts": create_posts,
}
