"""A post keeps a bounded history, and never the revision a campaign judges it by
(issue 15: 300 edits of one post kept 300 revisions)."""

from datetime import timedelta

import pytest

from campaigns.models import Campaign, Entry
from campaigns.tests.factories import AFTER, DURING, entry_text, member
from square.models import PostRevision
from square.project.hooks import revision_moments
from square.services.posts import post_create, post_edit

pytestmark = pytest.mark.django_db


@pytest.fixture
def many_edits(settings):
    """The hourly edit limits raised out of the way (they are tested in the square)."""
    settings.SQUARE_RATE_LIMITS = {
        **settings.SQUARE_RATE_LIMITS,
        "edit": (10_000, 3600),
        "edit_post": (10_000, 3600),
    }


def test_300_edits_keep_the_first_the_last_n_and_the_text_at_the_campaigns_end(
    campaign, clock, many_edits, settings
):
    kept_last = settings.SQUARE_REVISIONS_KEPT
    author = member()
    first_text, at_end = entry_text(), entry_text()
    post = post_create(author=author, body=first_text, created_at=DURING)
    clock(DURING + timedelta(hours=1))
    post_edit(post=post, editor=author, body=at_end)  # in force when the campaign ends
    for i in range(300):
        clock(AFTER + timedelta(minutes=i))
        post_edit(post=post, editor=author, body=f"改短了 {i}")

    revisions = list(post.revisions.order_by("written_at", "pk").values_list("body", flat=True))
    assert len(revisions) <= 1 + kept_last + 1
    assert revisions[0] == first_text
    assert revisions[1] == at_end
    assert revisions[2:] == [f"改短了 {i}" for i in range(299 - kept_last, 299)]
    # The entry is still judged by the text in force at the end: valid, 30 units.
    entry = Entry.objects.get(campaign=campaign, post=post)
    assert (entry.valid, entry.counted_chars) == (True, 30)


def test_the_campaigns_end_is_a_moment_to_keep_once_it_has_passed(campaign, clock):
    post = post_create(author=member(), body=entry_text(), created_at=DURING)
    assert revision_moments(post=post) == [campaign.ends_at_inclusive]
    clock(DURING)  # not yet ended: its text is still being written
    assert revision_moments(post=post) == []


def test_a_closed_campaign_keeps_its_end_only_for_its_entries(campaign, many_edits):
    entered = post_create(author=member(), body=entry_text(), created_at=DURING)
    not_entered = post_create(author=member(), body="没有话题的帖子", created_at=DURING)
    Campaign.objects.filter(pk=campaign.pk).update(status=Campaign.Status.CLOSED)
    assert revision_moments(post=entered) == [campaign.ends_at_inclusive]
    assert revision_moments(post=not_entered) == []
    later = post_create(author=member(), body=entry_text(), created_at=AFTER)
    assert revision_moments(post=later) == []  # written after the end: nothing to keep
    assert not PostRevision.objects.exists()
