"""A draw that fails half-way — an exception, or the process killed — leaves no award
behind, and running it again gives exactly the winners an undisturbed draw gives."""

import os
import select
import signal
import subprocess
import sys
from datetime import timedelta

import pytest
from django.conf import settings
from django.db import connection, transaction
from django.test import Client, override_settings
from django.urls import reverse
from django.utils import timezone

from campaigns.models import AuditEvent, Award, AwardItem, Campaign, TierDraw
from campaigns.services import campaign_close, draw_run
from campaigns.services import draws as draws_service
from campaigns.tests.factories import (
    AFTER,
    RECORDED,
    CampaignFactory,
    entry_post,
    four_tier_campaign,
    member,
)
from square.tests.parallel import needs_postgresql, redis_cache_settings

CLOSE_AT = AFTER
DRAW_AT = AFTER + timedelta(hours=2)


class _Undo(Exception):
    pass


def winners() -> list[tuple]:
    """Every award as (tier, person, post, position): what a draw decided."""
    rows = Award.objects.values_list("tier__slug", "user_id", "post_id", "position")
    return sorted(rows)


def undisturbed_winners(campaign: Campaign, beacon: str = RECORDED) -> list[tuple]:
    """The winners of a clean draw of this closed campaign, rolled back afterwards."""
    try:
        with transaction.atomic():
            draw_run(campaign=campaign, beacon=beacon, now=DRAW_AT)
            result = winners()
            raise _Undo
    except _Undo:
        pass
    assert not Award.objects.exists()
    return result


def assert_nothing_drawn(campaign: Campaign) -> None:
    assert not Award.objects.exists()
    assert not AwardItem.objects.exists()
    assert not TierDraw.objects.exists()
    assert not AuditEvent.objects.filter(action="draw").exists()
    campaign = Campaign.objects.get(pk=campaign.pk)
    assert (campaign.status, campaign.entropy, campaign.drawn_at) == ("closed", "", None)
    assert campaign.beacon_signature == ""


@pytest.fixture
def closed(db):
    campaign, _people, _posts = four_tier_campaign()
    return campaign_close(campaign=campaign, now=CLOSE_AT)


@pytest.mark.parametrize("failing_call", ["first", "middle", "last"])
def test_an_exception_half_way_leaves_nothing_and_the_rerun_agrees(
    closed, monkeypatch, failing_call
):
    expected = undisturbed_winners(closed)
    assert len(expected) > 10  # four tiers' worth, so "middle" is inside a later tier
    fail_at = {"first": 1, "middle": len(expected) // 2, "last": len(expected)}[failing_call]
    real, calls = draws_service.award_create, []

    def flaky(**kwargs):
        calls.append(kwargs["tier"].slug)
        if len(calls) == fail_at:
            raise RuntimeError("the database went away")
        return real(**kwargs)

    monkeypatch.setattr(draws_service, "award_create", flaky)
    with pytest.raises(RuntimeError):
        draw_run(campaign=closed, beacon=RECORDED, now=DRAW_AT)
    assert len(calls) == fail_at
    assert_nothing_drawn(closed)

    monkeypatch.setattr(draws_service, "award_create", real)
    draw_run(campaign=closed, beacon=RECORDED, now=DRAW_AT)
    assert winners() == expected
    assert AuditEvent.objects.filter(action="draw").count() == 1


# A draw in its own process, stopped for good after `halt_after` awards: it prints its
# backend's pid and waits inside its transaction until the test kills it.
KILLED_DRAW = """
import sys, threading
from datetime import datetime
import django
django.setup()
from django.db import connection
from campaigns.models import Campaign
from campaigns.services import draws

campaign_id, halt_after, beacon, now = sys.argv[1:5]
real, made = draws.award_create, []

def award_create(**kwargs):
    made.append(real(**kwargs))
    if len(made) == int(halt_after):
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_backend_pid()")
            print("HALTED", cursor.fetchone()[0], flush=True)
        threading.Event().wait()  # until SIGKILL
    return made[-1]

draws.award_create = award_create
draws.draw_run(campaign=Campaign.objects.get(pk=int(campaign_id)), beacon=beacon,
               now=datetime.fromisoformat(now))
print("FINISHED", flush=True)
"""


def _database_url() -> str:
    db = settings.DATABASES["default"]
    auth = db["USER"] + (f":{db['PASSWORD']}" if db.get("PASSWORD") else "")
    return f"postgres://{auth}@{db['HOST']}:{db['PORT']}/{db['NAME']}"


def _read_line(process: subprocess.Popen, timeout: float) -> str:
    ready, _w, _x = select.select([process.stdout], [], [], timeout)
    assert ready, f"the draw process said nothing in {timeout} s"
    return process.stdout.readline()


@needs_postgresql
@pytest.mark.django_db(transaction=True)
def test_a_draw_process_killed_half_way_leaves_nothing_and_the_rerun_agrees():
    campaign, _people, _posts = four_tier_campaign()
    closed = campaign_close(campaign=campaign, now=CLOSE_AT)
    expected = undisturbed_winners(closed)
    halt_after = len(expected) // 2
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "square.project.settings_test",
        "DATABASE_URL": _database_url(),
    }
    process = subprocess.Popen(
        [sys.executable, "-c", KILLED_DRAW, str(closed.pk), str(halt_after), RECORDED,
         DRAW_AT.isoformat()],
        cwd=settings.BASE_DIR, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
        text=True,
    )  # fmt: skip
    try:
        line = _read_line(process, timeout=180)
        assert line.startswith("HALTED "), line + process.stderr.read()
        pid = int(line.split()[1])
        with connection.cursor() as cursor:  # half-way: inside its open transaction
            cursor.execute("SELECT state FROM pg_stat_activity WHERE pid = %s", [pid])
            assert cursor.fetchone() == ("idle in transaction",)
        assert not Award.objects.exists()  # nothing of it is visible before a commit
    finally:
        process.send_signal(signal.SIGKILL)
        process.wait(timeout=60)
    assert process.returncode == -signal.SIGKILL

    with transaction.atomic():  # waits until the server has rolled the dead draw back
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL lock_timeout = '120s'")
        Campaign.objects.select_for_update().get(pk=closed.pk)
    assert_nothing_drawn(closed)

    draw_run(campaign=closed, beacon=RECORDED, now=DRAW_AT)
    assert winners() == expected
    assert AuditEvent.objects.filter(action="draw").count() == 1


@pytest.mark.django_db
def test_redis_down_the_campaign_pages_are_still_served(caplog):
    """The live board and the campaign figures are computed in the request when the
    cache cannot be reached: the leaderboard still shows who leads."""
    campaign = CampaignFactory(live=True)
    leader = member(username="leader")
    entry_post(leader, at=timezone.now() - timedelta(hours=1))
    with override_settings(CACHES=redis_cache_settings("redis://127.0.0.1:1/0")):
        for name in ("detail", "leaderboard", "new_voices", "results"):
            url = reverse(f"campaigns:{name}", args=[campaign.slug])
            assert Client().get(url).status_code == 200, name
        board = Client().get(reverse("campaigns:leaderboard", args=[campaign.slug]))
    assert [row.user_id for row, _person in board.context["rows"]] == [leader.pk]
    assert "computing it in this request" in caplog.text
