"""The leaderboard rebuild: the task rebuilds open campaigns' live rows from scratch,
and a change of a campaign's scoring rules asks for it once the change commits
(likes and entries need no task: they move the rows in their own transaction)."""

from datetime import timedelta

import pytest
from django.core.management import call_command
from django.db import transaction
from django.tasks import TaskResultStatus
from django.utils import timezone

from campaigns.models import Campaign, Score
from campaigns.selectors import ranking_compute
from campaigns.services.leaderboard import leaderboard_serve
from campaigns.tasks import leaderboard_rebuild, leaderboard_rebuild_soon
from campaigns.tests.factories import CampaignFactory, entry_post, member
from square.services.interactions import like_create

pytestmark = pytest.mark.django_db


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


def test_the_task_rebuilds_each_open_campaign(live, entry, author, fan):
    like_create(user=fan, post=entry)
    Score.objects.all().update(likes=7, points=7, score=12)  # as if something went wrong
    closed = CampaignFactory(live=True, status=Campaign.Status.CLOSED)

    result = leaderboard_rebuild.enqueue()

    assert result.status == TaskResultStatus.SUCCESSFUL
    assert result.return_value == {str(live.pk): 1}
    assert str(closed.pk) not in result.return_value
    board = leaderboard_serve(campaign=live)
    assert list(board.top) == ranking_compute(live)
    assert board.top[0].user_id == author.pk and board.top[0].likes == 1


def test_the_task_can_be_limited_to_some_campaigns(live, entry):
    other = CampaignFactory(live=True)
    result = leaderboard_rebuild.enqueue(campaign_ids=[other.pk])
    assert result.return_value == {str(other.pk): 0}


def test_a_like_needs_no_task(live, entry, fan, refreshes, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        like_create(user=fan, post=entry)
        assert leaderboard_serve(campaign=live).top[0].likes == 1  # before the commit
    assert refreshes == []


def test_a_scoring_change_asks_for_a_rebuild_after_the_commit(
    live, entry, fan, refreshes, django_capture_on_commit_callbacks
):
    like_create(user=fan, post=entry)
    with django_capture_on_commit_callbacks(execute=True):
        Campaign.objects.filter(pk=live.pk).update(w_like=10)
        leaderboard_rebuild_soon(campaign_id=live.pk)
        assert refreshes == []
    assert len(refreshes) == 1
    assert Score.objects.get(user=entry.author).points == 10


def test_nothing_is_asked_after_a_rollback(live, refreshes, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        try:
            with transaction.atomic():
                leaderboard_rebuild_soon(campaign_id=live.pk)
                raise RuntimeError("the request failed")
        except RuntimeError:
            pass
    assert callbacks == [] and refreshes == []


@pytest.mark.django_db(transaction=True)  # the worker commits and reconnects as in production
def test_on_the_database_backend_the_rebuild_runs_in_the_worker(live, entry, fan, settings):
    from django_tasks_db.models import DBTaskResult

    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    like_create(user=fan, post=entry)
    Score.objects.all().update(likes=0)
    with transaction.atomic():
        leaderboard_rebuild_soon(campaign_id=live.pk)
    queued = DBTaskResult.objects.get()
    assert queued.task_path == "campaigns.tasks.leaderboard_rebuild"
    call_command("db_worker", "--batch", "--no-startup-delay", "--no-reload", verbosity=0)
    queued.refresh_from_db()
    assert queued.status == TaskResultStatus.SUCCESSFUL
    assert Score.objects.get(user=entry.author).likes == 1


def test_new_weights_in_the_admin_move_every_row(
    admin_client, live, entry, fan, refreshes, django_capture_on_commit_callbacks
):
    from campaigns.tests.admin.test_admin import form_data

    like_create(user=fan, post=entry)
    url = f"/admin/campaigns/campaign/{live.pk}/change/"
    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(url, form_data(live, w_like=7))
    assert response.status_code == 302
    assert len(refreshes) == 1
    row = Score.objects.get(campaign=live, user=entry.author)
    assert (row.points, row.score) == (7, live.w_posts + 7)
    live.refresh_from_db()
    assert ranking_compute(live)[0].score == row.score
