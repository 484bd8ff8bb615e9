"""What integrity outcomes do to campaigns: entries (copies, rewordings, repeats,
bans), the ranking, and awards already drawn (revoke and replace, audited)."""

from datetime import timedelta

import pytest

from campaigns.models import AuditEvent, Award, Entry
from campaigns.selectors.exclusions import campaign_exclusions
from campaigns.selectors.ranking import ranking_compute
from campaigns.services import campaign_close, draw_run
from campaigns.tests.factories import (
    AFTER,
    DURING,
    RECORDED,
    TAG,
    entry_post,
    four_tier_campaign,
    like_at,
    member,
)
from square import similarity
from square.services.moderation import moderation_decide, report_create, user_ban
from square.services.posts import post_create
from square.tests.services.test_duplicates import ORIGINAL, OTHER

pytestmark = pytest.mark.django_db
DRAW_AT = AFTER + timedelta(hours=2)
LONG = f"#{TAG} {ORIGINAL}"


def spin_of(text: str) -> str:
    """A rewording: one character in six replaced, as synonyms swapped here and there."""
    out = []
    for i, char in enumerate(text):
        out.append("改" if i % 6 == 3 and similarity.fold(char) else char)
    return "".join(out)


def entry_of(post) -> Entry:
    return Entry.objects.get(post=post)


def test_a_copy_stops_counting_at_once_and_counts_again_when_cleared(campaign, moderator):
    original = entry_post(member(), body=LONG)
    copy = entry_post(member(), at=DURING + timedelta(hours=1), body=LONG + "（转）")
    assert entry_of(original).valid
    entry = entry_of(copy)
    assert (entry.valid, entry.reasons, entry.under_review) == (False, ["duplicate_of_other"], True)
    moderation_decide(post=copy, actor=moderator, action="confirm", reason="整段照搬")
    entry = entry_of(copy)
    assert (entry.valid, entry.reasons, entry.under_review) == (
        False,
        ["duplicate_of_other"],
        False,
    )
    moderation_decide(post=copy, actor=moderator, action="clear", reason="复核：作者授权")
    entry = entry_of(copy)
    assert (entry.valid, entry.reasons, entry.under_review) == (True, [], False)
    event = AuditEvent.objects.filter(campaign=campaign, action="moderation_clear").get()
    assert event.actor == moderator and event.inputs["reason"] == "复核：作者授权"


def test_a_suspected_rewording_counts_under_review_until_confirmed(campaign, moderator):
    reworded = f"#{TAG} " + spin_of(ORIGINAL)
    units = [u.value for u in similarity.units(reworded)]
    match = similarity.compare(len(units), similarity.shingles_of(units), similarity.shingles(LONG))
    assert match.level == similarity.SPIN  # the text really is in the rewording band
    entry_post(member(), body=LONG)
    spin = entry_post(member(), at=DURING + timedelta(hours=1), body=reworded)
    entry = entry_of(spin)
    assert (entry.valid, entry.under_review) == (True, True)
    moderation_decide(post=spin, actor=moderator, action="confirm", reason="洗稿")
    entry = entry_of(spin)
    assert (entry.valid, entry.reasons, entry.under_review) == (
        False,
        ["duplicate_of_other"],
        False,
    )


def test_repeating_ones_own_entry_adds_no_entry(campaign):
    author = member()
    first = entry_post(author, body=LONG)
    again = entry_post(author, at=DURING + timedelta(hours=1), body=LONG + "再发一遍")
    assert entry_of(first).valid
    entry = entry_of(again)
    assert (entry.valid, entry.reasons, entry.under_review) == (False, ["repeat_of_own"], False)


def test_a_ban_stops_entries_and_interactions_counting(campaign, moderator):
    star, fan, other = member(), member(), member()
    post = entry_post(star, body=LONG)
    fan_post = entry_post(fan, body=f"#{TAG} {OTHER}")
    like_at(fan, post)
    like_at(other, post)
    before = {s.user_id: s for s in ranking_compute(campaign, now=AFTER)}
    assert before[star.pk].likes == 2
    user_ban(user=fan, actor=moderator, reason="刷赞")
    assert entry_of(fan_post).reasons == ["author_banned"]
    after = {s.user_id: s for s in ranking_compute(campaign, now=AFTER)}
    assert after[star.pk].likes == 1 and fan.pk not in after


def _drawn(**fields):
    campaign, members, posts = four_tier_campaign(**fields)
    campaign_close(campaign=campaign, now=AFTER)
    draw_run(campaign=campaign, beacon=RECORDED, now=DRAW_AT)
    return campaign, members, posts


def test_banning_a_winner_after_the_draw_revokes_and_replaces_every_award(moderator):
    campaign, _members, _posts = _drawn()
    award = Award.objects.filter(tier__slug="part").order_by("position").first()
    winner = award.user
    live_before = Award.objects.exclude(status="revoked").filter(tier__slug="part").count()
    user_ban(user=winner, actor=moderator, reason="多个小号")
    assert not Award.objects.filter(user=winner).exclude(status="revoked").exists()
    revoked = Award.objects.get(pk=award.pk)
    assert revoked.revoked_reason == "author_banned: 多个小号"
    part = Award.objects.exclude(status="revoked").filter(tier__slug="part")
    assert part.count() == live_before and winner.pk not in part.values_list("user", flat=True)
    event = AuditEvent.objects.get(campaign=campaign, action="moderation_ban")
    assert event.actor == moderator and award.pk in event.result["revoked_awards"]


def test_confirming_a_winning_post_as_a_copy_revokes_that_award(moderator):
    _drawn()
    award = Award.objects.get(tier__slug="lucky", status="pending")
    earlier = post_create(
        author=member(), body=OTHER, created_at=award.post.created_at - timedelta(hours=1)
    )
    report_create(
        reporter=member(), post=award.post, reason="plagiarism", original_link=str(earlier.pk)
    )
    moderation_decide(post=award.post, actor=moderator, action="confirm", reason="举报属实")
    award.refresh_from_db()
    assert award.status == "revoked" and award.revoked_reason.startswith("duplicate_of_other")
    replacement = Award.objects.get(tier__slug="lucky", status="pending")
    assert replacement.post_id != award.post_id
    assert Entry.objects.get(post=award.post).valid  # frozen: the lists are the record


def test_someone_banned_between_close_and_draw_loses_what_the_draw_gives(moderator):
    campaign, members, _posts = four_tier_campaign()
    campaign_close(campaign=campaign, now=AFTER)
    user_ban(user=members[0], actor=moderator, reason="批量违规")
    draw_run(campaign=campaign, beacon=RECORDED, now=DRAW_AT)
    assert not Award.objects.filter(user=members[0]).exclude(status="revoked").exists()
    revoked = Award.objects.filter(user=members[0], status="revoked").count()
    assert revoked >= 1  # every newcomer wins the newcomer tier
    event = AuditEvent.objects.get(campaign=campaign, action="draw")
    assert event.result["revoked_banned"] == revoked


def test_a_decision_shows_in_the_exclusion_list_at_once(campaign, moderator):
    original = entry_post(member(), body=LONG)
    copy = entry_post(member(), at=DURING + timedelta(hours=1), body=LONG + "（转）")
    moderation_decide(post=copy, actor=moderator, action="clear", reason="授权转载")
    assert campaign_exclusions(campaign).entries == 0  # now cached for a minute
    moderation_decide(post=copy, actor=moderator, action="confirm", reason="复核：未获授权")
    found = campaign_exclusions(campaign)
    assert found.entries == 1 and [r.code for r in found.by_reason] == ["duplicate_of_other"]
    assert entry_of(original).valid
