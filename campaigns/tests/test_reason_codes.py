"""One table for the reason codes (`rules.Reason`): staff's names and the member's words
come from it, so a code added there is named everywhere."""

from types import SimpleNamespace

from django.utils import translation

from campaigns import presentation, rules
from campaigns.admin.entries import ReasonFilter
from campaigns.selectors.exclusions import reason_label

CAMPAIGN = SimpleNamespace(hashtag="新年第一帖", min_chars=30, starts_at=None)


def test_every_code_has_a_staff_name_and_member_words():
    with translation.override("zh-hans"):  # in Chinese, no code reads like its words
        for reason in rules.Reason:
            assert str(reason.label) and str(reason.label) != reason.value
            told = presentation.reason_text(reason.value, campaign=CAMPAIGN)
            assert told and told != reason.value


def test_staff_see_the_same_names_in_the_filter_and_the_exclusions():
    with translation.override("en"):
        names = dict(ReasonFilter.lookups(None, None, None))
        assert names == {r.value: r.label for r in rules.Reason}
        assert reason_label(rules.TOO_SHORT) == "too short"
        assert reason_label("made_up") == "other"


def test_an_unknown_code_is_shown_as_it_is():
    assert presentation.reason_text("later_rule", campaign=CAMPAIGN) == "later_rule"
