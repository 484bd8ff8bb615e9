"""Re-judging a whole campaign in batches (`entries_recheck`, used by the close) gives
exactly the verdicts `entry_refresh` gives post by post, in a few queries a batch."""

from datetime import timedelta

import pytest

from campaigns.models import Entry
from campaigns.services import entry_refresh
from campaigns.services import recheck as recheck_module
from campaigns.services.recheck import entries_recheck
from campaigns.tests.factories import (
    BEFORE,
    DURING,
    SHORT_TEXT,
    entry_post,
    entry_text,
    member,
)
from square.services.accounts import user_deactivate
from square.services.posts import post_create, post_delete, post_edit, post_hide

pytestmark = pytest.mark.django_db

FIELDS = (
    "post_id", "author_id", "posted_at", "valid", "reasons", "counted_chars",
    "distinct_chars", "is_newcomer", "under_review", "first_valid",
)  # fmt: skip


def verdicts(campaign) -> list[tuple]:
    return list(Entry.objects.filter(campaign=campaign).order_by("post_id").values_list(*FIELDS))


@pytest.fixture
def mixed(announced, staff_user):
    """Entries of every kind: valid and too short, deleted and hidden, a veteran and
    newcomers, a deactivated author, and edits after the end."""
    veteran, newcomer, leaver, editor = member(), member(), member(), member()
    post_create(author=veteran, body="long before", created_at=BEFORE)
    for person in (veteran, newcomer, leaver, editor):
        entry_post(person, DURING, SHORT_TEXT)
        for i in range(3):
            entry_post(person, DURING + timedelta(hours=i + 1), entry_text(extra=str(i)))
    first_of = {p: p.posts.order_by("created_at", "pk")[1] for p in (newcomer, veteran)}
    post_delete(post=first_of[newcomer], actor=newcomer)  # the next one becomes first
    post_hide(post=first_of[veteran], staff=staff_user)
    user_deactivate(user=leaver, staff=staff_user)
    post_edit(post=editor.posts.order_by("pk").last(), editor=editor, body="not tagged now")
    return announced


def test_the_batches_judge_as_entry_refresh_does(mixed, monkeypatch):
    monkeypatch.setattr(recheck_module, "BATCH", 5)  # several batches, one cut mid-author
    for entry in Entry.objects.filter(campaign=mixed).select_related("post"):
        entry_refresh(post=entry.post)
    expected = verdicts(mixed)
    assert any(v[3] for v in expected) and not all(v[3] for v in expected)
    assert sum(v[-1] for v in expected) == 3  # the deactivated author has no valid entry

    Entry.objects.filter(campaign=mixed).update(
        valid=True, reasons=[], counted_chars=0, is_newcomer=False, first_valid=True
    )
    assert entries_recheck(campaigns=[mixed]) == len(expected)
    assert verdicts(mixed) == expected


def test_a_batch_costs_a_fixed_number_of_queries(mixed, monkeypatch, django_assert_max_num_queries):
    monkeypatch.setattr(recheck_module, "BATCH", 5)
    n = Entry.objects.filter(campaign=mixed).count()
    batches = -(-n // 5) + 1  # and the empty read that ends the loop
    expected = verdicts(mixed)
    Entry.objects.filter(campaign=mixed).update(counted_chars=0)  # every entry changes
    # a batch: the entries, posts with authors, findings, veterans, one bulk update; the
    # edited post adds its revisions once; then judged_at and the two first-valid updates
    with django_assert_max_num_queries(5 * batches + 1 + 3 + 2):
        entries_recheck(campaigns=[mixed])
    assert verdicts(mixed) == expected
