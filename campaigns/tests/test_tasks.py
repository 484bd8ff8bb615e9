"""The leaderboard refresh: the task recomputes live rankings into the cache the pages
read, and committed entries and interactions ask for it at most once per window."""

from datetime import timedelta

import pytest
from django.core.cache import cache
from django.core.management import call_command
from django.db import transaction
from django.tasks import TaskResultStatus
from django.utils import timezone

from campaigns.models import Campaign
from campaigns.selectors import ranking_compute
from campaigns.services.leaderboard import leaderboard_serve
from campaigns.tasks import REFRESH_LOCK_KEY, leaderboard_refresh
from campaigns.tests.factories import CampaignFactory, entry_post, member
from square.services.comments import comment_create
from square.services.interactions import like_create, like_delete
from square.services.posts import repost_create

pytestmark = pytest.mark.django_db

BOARD_KEY = "campaigns:board:{}"


def ranking(campaign: Campaign):
    """The standings the pages show (the top of the live board)."""
    return list(leaderboard_serve(campaign=campaign).top)


@pytest.fixture
def live():
    return CampaignFactory(live=True)


@pytest.fixture
def author():
    return member(username="author")


@pytest.fixture
def fan():
    return member(username="fan")


@pytest.fixture
def entry(live, author):
    return entry_post(author, at=timezone.now() - timedelta(minutes=5))


def cached(campaign: Campaign):
    board = cache.get(BOARD_KEY.format(campaign.pk))
    return None if board is None else list(board.top)


def test_the_task_puts_each_live_ranking_in_the_cache(live, entry, author, fan):
    like_create(user=fan, post=entry)
    ended = CampaignFactory()  # over but not closed: moderation can still move it
    upcoming = CampaignFactory(
        starts_at=timezone.now() + timedelta(days=1), ends_at=timezone.now() + timedelta(days=9)
    )
    closed = CampaignFactory(live=True, status=Campaign.Status.CLOSED)

    result = leaderboard_refresh.enqueue()

    assert result.status == TaskResultStatus.SUCCESSFUL
    assert result.return_value == {str(live.pk): 1, str(ended.pk): 0}
    assert cached(live) == ranking_compute(live)
    assert cached(live)[0].user_id == author.pk
    assert cached(live)[0].likes == 1
    assert cached(upcoming) is None and cached(closed) is None
    assert ranking(live) == cached(live)  # what the pages read


def test_the_task_can_be_limited_to_some_campaigns(live, entry):
    other = CampaignFactory(live=True)
    result = leaderboard_refresh.enqueue(campaign_ids=[other.pk])
    assert result.return_value == {str(other.pk): 0}
    assert cached(live) is None


def test_a_committed_like_refreshes_the_cached_ranking(
    live, entry, fan, refreshes, django_capture_on_commit_callbacks
):
    assert ranking(live)[0].likes == 0  # cached for a minute
    with django_capture_on_commit_callbacks(execute=True):
        like_create(user=fan, post=entry)
        assert ranking(live)[0].likes == 0  # not before the commit
    assert len(refreshes) == 1
    assert ranking(live)[0].likes == 1


def test_refreshes_are_asked_for_at_most_once_per_window(
    live, entry, fan, refreshes, django_capture_on_commit_callbacks, settings
):
    settings.SQUARE_LEADERBOARD_REFRESH_SECONDS = 60
    with django_capture_on_commit_callbacks(execute=True):
        like_create(user=fan, post=entry)
    with django_capture_on_commit_callbacks(execute=True):
        like_delete(user=fan, post=entry)
    with django_capture_on_commit_callbacks(execute=True):
        comment_create(author=fan, post=entry, body="好")
    assert len(refreshes) == 1
    assert ranking(live)[0].likes == 1  # the unlike waits for the next window

    cache.delete(REFRESH_LOCK_KEY)  # the window is over
    with django_capture_on_commit_callbacks(execute=True):
        repost_create(author=fan, post=entry)
    assert len(refreshes) == 2
    standing = ranking(live)[0]
    assert (standing.likes, standing.comments, standing.reposts) == (0, 1, 1)


def test_a_new_entry_asks_for_a_refresh(
    live, author, refreshes, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        entry_post(author, at=timezone.now())
    assert len(refreshes) == 1
    assert [s.user_id for s in cached(live)] == [author.pk]


def test_nothing_is_asked_for_before_the_commit_or_after_a_rollback(
    live, entry, fan, refreshes, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        try:
            with transaction.atomic():
                like_create(user=fan, post=entry)
                raise RuntimeError("the request failed")
        except RuntimeError:
            pass
    assert callbacks == [] and refreshes == []
    assert cache.get(REFRESH_LOCK_KEY) is None  # the next change is not held back


@pytest.mark.django_db(transaction=True)  # the worker commits and reconnects as in production
def test_on_the_database_backend_the_refresh_runs_at_the_end_of_the_window(
    live, entry, fan, settings
):
    from django_tasks_db.models import DBTaskResult

    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    settings.SQUARE_LEADERBOARD_REFRESH_SECONDS = 30
    assert ranking(live)[0].likes == 0
    cache.delete(REFRESH_LOCK_KEY)  # the entry's own refresh (immediate) took the window
    asked_at = timezone.now()
    like_create(user=fan, post=entry)  # commits: the refresh is asked for

    queued = DBTaskResult.objects.get()
    assert queued.task_path == "campaigns.tasks.leaderboard_refresh"
    assert timedelta(seconds=29) < queued.run_after - asked_at < timedelta(seconds=31)
    call_command("db_worker", "--batch", "--no-startup-delay", "--no-reload", verbosity=0)
    queued.refresh_from_db()
    assert queued.status == TaskResultStatus.READY  # not yet: changes may still come
    assert ranking(live)[0].likes == 0

    DBTaskResult.objects.update(run_after=timezone.now() - timedelta(seconds=1))
    call_command("db_worker", "--batch", "--no-startup-delay", "--no-reload", verbosity=0)
    queued.refresh_from_db()
    assert queued.status == TaskResultStatus.SUCCESSFUL
    assert ranking(live)[0].likes == 1
