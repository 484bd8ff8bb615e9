"""The pure entry rules: how 字 are counted, the text verdict, the text as it stood at the
end, and the full verdict on a post. No database: campaigns are unsaved instances.

The shared cases file is the contract with the compose page's counter; ours
(`cases_extra.json`, same shape) pins the edges the issue lists."""

import json
from datetime import timedelta
from pathlib import Path

import pytest
from django.conf import settings

from campaigns import rules
from campaigns.models import Campaign
from campaigns.tests.factories import (
    ALIASES,
    TAG,
    VALID_TEXT,
    WINDOW_END,
    WINDOW_START,
    CampaignFactory,
    cn,
    entry_text,
    texts_restart,
)
from square import similarity
from square import text as square_text

SHARED_CASES = Path(settings.BASE_DIR).resolve().parent / "shared" / "cases" / "eligibility.json"
EXTRA_CASES = Path(__file__).resolve().parent / "cases_extra.json"


def load_cases(path: Path) -> tuple[dict, list]:
    """The file's settings and its cases as pytest params. A missing file is a failure
    of the test that reads it (not a skip, and not a collection error hiding the rest)."""
    try:
        doc = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return {}, [pytest.param(None, id=f"missing:{path}")]
    return doc, [pytest.param(case, id=case["name"]) for case in doc["cases"]]


SHARED_DOC, SHARED_PARAMS = load_cases(SHARED_CASES)
EXTRA_DOC, EXTRA_PARAMS = load_cases(EXTRA_CASES)


def campaign_for(doc: dict) -> Campaign:
    tags = doc["campaign_hashtags"]
    return CampaignFactory.build(
        hashtag=tags[0],
        aliases=tags[1:],
        min_chars=doc["min_chars"],
        min_distinct_chars=doc["min_distinct_chars"],
    )


def check_case(path: Path, doc: dict, case: dict | None) -> None:
    assert case is not None, f"cases file missing: {path}"
    campaign = campaign_for(doc)
    body, tags = case["body"], campaign.tag_keys
    assert square_text.hashtags(body) == case["hashtags"]
    assert rules.counted_length(body, tags) == case["counted_length"]
    assert rules.distinct_count(body, tags) == case["distinct"]
    assert rules.text_verdict(campaign, body) == (case["valid"], case["reasons"])
    verdict = rules.judge_text(
        body, tags=tags, min_chars=doc["min_chars"], min_distinct=doc["min_distinct_chars"]
    )
    assert (verdict.counted, verdict.distinct) == (case["counted_length"], case["distinct"])


@pytest.mark.parametrize("case", SHARED_PARAMS)
def test_shared_cases(case):
    check_case(SHARED_CASES, SHARED_DOC, case)


@pytest.mark.parametrize("case", EXTRA_PARAMS)
def test_extra_cases(case):
    check_case(EXTRA_CASES, EXTRA_DOC, case)


def test_cases_files_are_substantial_and_consistent():
    assert SHARED_CASES.is_file(), f"missing {SHARED_CASES}"
    assert len(SHARED_DOC["cases"]) > 0
    assert len(EXTRA_DOC["cases"]) >= 20
    for doc in (SHARED_DOC, EXTRA_DOC):
        names = [case["name"] for case in doc["cases"]]
        assert len(names) == len(set(names))
        for case in doc["cases"]:
            assert set(case) == {
                "name",
                "body",
                "hashtags",
                "counted_length",
                "distinct",
                "valid",
                "reasons",
            }
            assert case["valid"] is (not case["reasons"])
    assert EXTRA_DOC["campaign_hashtags"] == SHARED_DOC["campaign_hashtags"]


# --- counting, directly -----------------------------------------------------------------


def test_units_are_listed_in_order():
    assert rules.units("新年 Web3 快乐!") == ["新", "年", "Web3", "快", "乐"]


def test_without_tags_a_campaign_tag_glued_to_text_is_removed_whole():
    body = f"#{TAG}新年快乐"
    assert rules.counted_length(body) == 0
    assert rules.counted_length(body, [TAG]) == 4


@pytest.mark.parametrize(
    ("body", "count"),
    [
        ("การเมือง", 1),  # Thai vowel marks inside the word
        ("महात्मा गांधी", 2),  # Hindi matras (Mc) and viramas
        ("தமிழ்நாடு வாழ்க", 2),  # Tamil
        ("بِسْمِ اللَّهِ", 2),  # Arabic harakat
        ("می\u200cخواهم", 1),  # a Persian word with a zero-width non-joiner
        ("il·lusió", 1),  # the Catalan middle dot inside a word
        ("l·2 a·", 3),  # not between two letters: a break
        ("我·你", 2),  # CJK characters stay one unit each
    ],
)
def test_words_written_with_marks_count_once(body, count):
    """The 字数 rule reads words with the hashtag rule's characters (issue 20); the
    marks no one sees on their own (Mn) are left out of the unit, the count is what
    matters."""
    assert rules.counted_length(body) == count


def test_is_cjk():
    for char in "汉字〇あアー한𠀀豈﨎":
        assert rules.is_cjk(char), char
    for char in "a1・!。 ㅋ々":
        assert not rules.is_cjk(char), char


def test_tag_keys_normalise_hash_width_and_duplicates():
    campaign = CampaignFactory.build(hashtag="＃Web3新年", aliases=["#WEB3新年", "web3新年", ""])
    assert campaign.tag_keys == ["web3新年"]


def test_carries_tag_accepts_aliases_and_the_glued_form():
    keys = CampaignFactory.build().tag_keys
    assert rules.carries_tag(f"#{ALIASES[0]}", keys)
    assert rules.carries_tag(f"#{ALIASES[1]}", keys)
    assert rules.carries_tag(f"＃{TAG}新年", keys)
    assert not rules.carries_tag(f"#{TAG}abc", keys)
    assert not rules.carries_tag(f"{TAG} 没有井号", keys)


def test_text_verdict_follows_the_campaign_minimums():
    campaign = CampaignFactory.build(min_chars=4, min_distinct_chars=4)
    assert rules.text_verdict(campaign, f"#{TAG} 新年快乐") == (True, [])
    campaign.min_distinct_chars = 5
    assert rules.text_verdict(campaign, f"#{TAG} 新年快乐") == (False, [rules.LOW_VARIETY])
    campaign.min_chars = 5
    assert rules.text_verdict(campaign, f"#{TAG} 新年快乐") == (False, [rules.TOO_SHORT])


# --- text_at: the text as it stood at a moment -------------------------------------------


T0 = cn(2026, 1, 2, 10, 0, 0)  # written
T1 = cn(2026, 1, 10, 10, 0, 0)  # first edit
T2 = cn(2026, 1, 20, 10, 0, 0)  # second edit (after the end)
REVISIONS = [("first", T0, T1), ("second", T1, T2)]


def test_text_at_never_edited_is_the_body():
    assert rules.text_at("body", None, [], WINDOW_END) == "body"


def test_text_at_edited_before_the_moment_is_the_body():
    assert rules.text_at("third", T1, [("first", T0, T1)], WINDOW_END) == "third"
    assert rules.text_at("third", WINDOW_END, [("first", T0, WINDOW_END)], WINDOW_END) == "third"


@pytest.mark.parametrize(
    ("moment", "expected"),
    [
        (T0, "first"),
        (T1 - timedelta(microseconds=1), "first"),
        (T1, "second"),  # replaced at T1: from then on the newer text shows
        (WINDOW_END, "second"),
        (T2 - timedelta(seconds=1), "second"),
    ],
)
def test_text_at_picks_the_revision_current_at_the_moment(moment, expected):
    assert rules.text_at("third", T2, REVISIONS, moment) == expected


def test_text_at_a_moment_before_the_post_existed_is_the_body():
    assert rules.text_at("third", T2, REVISIONS, T0 - timedelta(days=1)) == "third"


# --- entry_verdict: every rule for one post ----------------------------------------------


def verdict(campaign=None, **facts):
    campaign = campaign or CampaignFactory.build()
    facts = {
        "text": entry_text(),
        "created_at": cn(2026, 1, 5, 12, 0, 0),
        "status": "published",
        "author_active": True,
        "author_staff": False,
        **facts,
    }
    return rules.entry_verdict(campaign, **facts)


def test_entry_verdict_valid_entry_has_no_reasons_and_its_figures():
    figures, reasons = verdict()
    assert reasons == []
    assert (figures.valid, figures.counted, figures.distinct) == (True, 30, 30)


@pytest.mark.parametrize(
    ("created_at", "inside"),
    [
        (cn(2025, 12, 31, 17, 59, 59), False),
        (WINDOW_START - timedelta(microseconds=1), False),
        (WINDOW_START, True),
        (cn(2026, 1, 15, 23, 59, 59), True),
        (WINDOW_END + timedelta(microseconds=999_999), True),  # the whole last second
        (cn(2026, 1, 16, 0, 0, 0), False),
    ],
)
def test_entry_verdict_window_is_inclusive_to_the_second(created_at, inside):
    _figures, reasons = verdict(created_at=created_at)
    assert reasons == ([] if inside else [rules.OUTSIDE_WINDOW])


def test_entry_verdict_window_with_microseconds_in_the_stored_end():
    campaign = CampaignFactory.build(ends_at=WINDOW_END + timedelta(microseconds=250_000))
    assert verdict(campaign, created_at=WINDOW_END + timedelta(microseconds=900_000))[1] == []
    late = WINDOW_END + timedelta(seconds=1)
    assert verdict(campaign, created_at=late)[1] == [rules.OUTSIDE_WINDOW]


@pytest.mark.parametrize(
    ("status", "reason"), [("deleted", rules.DELETED), ("hidden", rules.HIDDEN)]
)
def test_entry_verdict_unpublished_posts(status, reason):
    assert verdict(status=status)[1] == [reason]


def test_entry_verdict_inactive_author():
    assert verdict(author_active=False)[1] == [rules.AUTHOR_INELIGIBLE]


def test_entry_verdict_staff_only_when_the_campaign_excludes_them():
    assert verdict(author_staff=True)[1] == [rules.AUTHOR_INELIGIBLE]
    campaign = CampaignFactory.build(exclude_staff=False)
    assert verdict(campaign, author_staff=True)[1] == []
    assert verdict(campaign, author_active=False)[1] == [rules.AUTHOR_INELIGIBLE]


def test_entry_verdict_lists_every_reason_text_first():
    figures, reasons = verdict(
        text="新年快乐",
        created_at=cn(2026, 2, 1),
        status="hidden",
        author_active=False,
        author_staff=True,
    )
    assert reasons == [
        rules.MISSING_HASHTAG,
        rules.TOO_SHORT,
        rules.OUTSIDE_WINDOW,
        rules.HIDDEN,
        rules.AUTHOR_INELIGIBLE,
    ]
    assert (figures.valid, figures.counted, figures.distinct) == (False, 4, 4)


def test_entry_verdict_with_an_alias():
    assert verdict(text=entry_text(ALIASES[1]))[1] == []


# --- the factories' made-up texts --------------------------------------------------------


def test_made_up_entry_texts_are_valid_and_unrelated_to_each_other():
    """`entry_text()` gives every post of a test a text of its own: valid at exactly the
    minimum of 30 字, and sharing no 3-gram with any other (nor with the fixed text), so
    the near-duplicate check never takes two of them for copies. The same every time."""
    texts_restart()
    texts = [entry_text() for _ in range(300)]
    shorter = [entry_text(length=24) for _ in range(20)]
    for body in texts:
        figures, reasons = verdict(text=body)
        assert (reasons, figures.counted, figures.distinct) == ([], 30, 30)
    assert {verdict(text=body)[1][0] for body in shorter} == {rules.TOO_SHORT}
    sets = [similarity.shingles(body) for body in [VALID_TEXT, *texts, *shorter]]
    assert len(set().union(*sets)) == sum(len(found) for found in sets)
    texts_restart()
    assert [entry_text() for _ in range(300)] == texts
