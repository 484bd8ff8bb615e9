"""The verify checks as a service (`campaigns.services.verify`): callable without the
command, by the admin or a test, with the same lines the command prints."""

import pytest
from django.utils import translation

from campaigns.models import Snapshot
from campaigns.services.verify import VerifyError, campaign_verify
from campaigns.tests.factories import CampaignFactory, four_tier_campaign
from campaigns.tests.selectors.test_results import drawn, published

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _in_english():
    """The lines are translated; these tests read the English ones."""
    with translation.override("en"):
        yield


def test_an_honest_campaign_has_no_problems_and_every_tier_is_checked():
    campaign = published(four_tier_campaign()[0])
    seen = []
    report = campaign_verify(campaign=campaign, emit=lambda kind, text: seen.append(kind))
    assert report.problems == []
    assert seen == [kind for kind, _text in report.lines]
    oks = [text for kind, text in report.lines if kind == "ok"]
    assert any(text.startswith("tier part (participant_draw): 5 winner(s)") for text in oks)
    assert "every lucky-draw award went to the winning post's author" in oks


def test_a_changed_list_is_a_problem_not_an_exception():
    campaign = drawn(four_tier_campaign()[0])
    Snapshot.objects.filter(campaign=campaign, kind="lucky_tickets").update(body="1\n")
    report = campaign_verify(campaign=campaign)
    assert any("lucky_tickets: its bytes do not match" in p for p in report.problems)


def test_a_campaign_not_closed_cannot_be_verified():
    with pytest.raises(VerifyError):
        campaign_verify(campaign=CampaignFactory())
