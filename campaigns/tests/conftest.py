"""Fixtures for the campaigns tests. The square's fixtures (users, clients, a fresh
MEDIA_ROOT and an empty cache for every test) are shared, so both apps' tests run alike."""

from datetime import datetime

import pytest
from django.contrib.auth.models import Permission
from django.core.management import call_command
from django.tasks.signals import task_enqueued

from campaigns.models import Campaign
from campaigns.tasks import leaderboard_rebuild
from campaigns.tests.factories import CampaignFactory, texts_restart
from square.tests.conftest import *  # noqa: F403
from square.tests.conftest import _clear_cache  # noqa: F401  (autouse: not in `*`)
from square.tests.factories import moderator_user

ANNOUNCED_SLUG = "my-2026-first-post"


@pytest.fixture
def staff_user(db):
    """The square's staff fixture (moderation, accounts), who may also see the awards:
    the winners' preview before publication needs `view_award` (issue 15)."""
    user = moderator_user("moderator", extra_permissions=("change_user", "view_user"))
    user.user_permissions.add(
        Permission.objects.get(content_type__app_label="campaigns", codename="view_award")
    )
    return user


@pytest.fixture(autouse=True)
def _made_up_texts():
    """Every test gets the same made-up texts (`entry_text()`), run alone or in the suite."""
    texts_restart()


@pytest.fixture
def announced(db) -> Campaign:
    """The announced New-Year campaign, loaded from its fixture as in production."""
    call_command("loaddata", ANNOUNCED_SLUG, verbosity=0)
    return Campaign.objects.get(slug=ANNOUNCED_SLUG)


@pytest.fixture
def campaign(db) -> Campaign:
    """A scheduled campaign over the New-Year window (see `CampaignFactory`)."""
    return CampaignFactory()


@pytest.fixture
def clock(monkeypatch):
    """Set what `django.utils.timezone.now()` returns, for services that stamp "now"
    (an edit's time): `clock(cn(2026, 1, 2, 9, 0))`. Model field defaults are unaffected."""

    def set_now(moment: datetime) -> datetime:
        monkeypatch.setattr("django.utils.timezone.now", lambda: moment)
        return moment

    return set_now


@pytest.fixture
def refreshes():
    """The leaderboard rebuilds enqueued during the test."""
    seen = []

    def record(sender, task_result, **kwargs):
        if task_result.task.func is leaderboard_rebuild.func:
            seen.append(task_result)

    task_enqueued.connect(record)
    yield seen
    task_enqueued.disconnect(record)
