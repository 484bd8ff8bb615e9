"""The public disqualification list: excluded entries and people by reason code, awards
revoked after the draw, pseudonyms instead of names — on the results page in every
state of the campaign, and in results.json."""

import hashlib
import hmac
import html
import json
import re
from datetime import timedelta

import pytest
from django.conf import settings
from django.core.cache import cache
from django.test import Client
from django.urls import reverse
from django.utils import translation

from campaigns.models import Award, Campaign, Entry
from campaigns.selectors import exclusions as exclusions_module
from campaigns.selectors.exclusions import campaign_exclusions, pseudonym
from campaigns.selectors.published import results_document, results_page_context
from campaigns.services import award_disqualify, campaign_close, draw_run, results_publish
from campaigns.tests.factories import (
    AFTER,
    DURING,
    RECORDED,
    TAG,
    CampaignFactory,
    PrizeFactory,
    RewardTierFactory,
    entry_post,
    member,
)
from square.services.moderation import user_ban

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]

CLOSE_AT = AFTER
DRAW_AT = AFTER + timedelta(hours=2)
PUBLISH_AT = AFTER + timedelta(days=1)


def han(seed: int, n: int = 40) -> str:
    """`n` different Han characters of its own: texts of different seeds share none, so
    the near-duplicate check never takes one post for a copy of another."""
    start = 0x4E00 + seed * 200
    return "".join(chr(start + i) for i in range(n))


def tagged(seed: int, n: int = 40) -> str:
    return f"#{TAG} {han(seed, n)}"


@pytest.fixture
def people(campaign, moderator):
    """Six people, one for each way to be excluded (and one who is not):

    ann: one valid entry of 120 字 — copied by dan;
    bob: a valid entry and a too-short one;
    cat: one entry posted after the end;
    dan: a copy of ann's entry (flagged, under review);
    eve: a valid entry and a too-short one, then banned (both excluded, the short one
         for two reasons);
    fay: a valid entry and the same text again (a repeat of her own).
    """
    names = ("p_ann", "p_bob", "p_cat", "p_dan", "p_eve", "p_fay")
    ann, bob, cat, dan, eve, fay = (member(username=name) for name in names)
    original = entry_post(ann, at=DURING, body=tagged(1, 120))
    entry_post(bob, at=DURING, body=tagged(2))
    entry_post(bob, at=DURING + timedelta(minutes=1), body=f"#{TAG} 新年快乐")
    entry_post(cat, at=AFTER, body=tagged(3))
    entry_post(dan, at=DURING + timedelta(hours=1), body=original.body)
    entry_post(eve, at=DURING, body=tagged(4))
    entry_post(eve, at=DURING + timedelta(minutes=1), body=f"#{TAG} 万事如意")
    entry_post(fay, at=DURING, body=tagged(5))
    entry_post(fay, at=DURING + timedelta(hours=2), body=tagged(5))
    user_ban(user=eve, actor=moderator, reason="spam")
    return {p.username[2:]: p for p in (ann, bob, cat, dan, eve, fay)}


def url(name: str, campaign: Campaign) -> str:
    return reverse(f"campaigns:{name}", kwargs={"slug": campaign.slug})


def excluded_section(page: str) -> str:
    return page[page.index('id="excluded"') : page.index('id="verify"')]


def test_counts_by_reason_code(campaign, people):
    dan_entry = Entry.objects.get(campaign=campaign, author=people["dan"])
    assert dan_entry.reasons == ["duplicate_of_other"] and dan_entry.under_review
    found = campaign_exclusions(campaign)
    by_code = {row.code: (row.entries, row.users) for row in found.by_reason}
    assert by_code == {
        "too_short": (2, 2),  # bob's and eve's short posts
        "outside_window": (1, 1),
        "duplicate_of_other": (1, 1),
        "repeat_of_own": (1, 1),
        "author_banned": (2, 1),  # both of eve's: an entry counts under each of its codes
    }
    assert (found.entries, found.users) == (6, 5)
    assert found.users_out == 3  # cat, dan and eve have nothing that counts
    assert found.under_review == 1
    assert found.revoked == [] and found.revoked_total == 0
    assert Entry.objects.filter(campaign=campaign, valid=False).count() == found.entries


def test_every_excluded_person_has_a_pseudonymous_row(campaign, people):
    found = campaign_exclusions(campaign)
    rows = {p.pseudonym: p for p in found.people}
    assert len(rows) == 5 and [p.pseudonym for p in found.people] == sorted(rows)
    eve = rows[pseudonym(campaign, people["eve"].pk)]
    assert (eve.entries, eve.counting) == (2, 0)
    assert set(eve.codes) == {"too_short", "author_banned"}
    assert "author banned" in eve.labels
    bob = rows[pseudonym(campaign, people["bob"].pk)]
    assert (bob.entries, bob.counting, bob.codes) == (1, 1, ("too_short",))
    assert pseudonym(campaign, people["ann"].pk) not in rows  # nothing excluded


def test_the_pseudonym_is_a_stable_keyed_hash_without_name_or_id(campaign, people):
    dan = people["dan"]
    expected = hmac.new(
        settings.SECRET_KEY.encode(), f"{campaign.slug}:{dan.pk}".encode(), hashlib.sha256
    ).hexdigest()[:10]
    assert pseudonym(campaign, dan.pk) == expected == pseudonym(campaign, dan.pk)
    assert re.fullmatch(r"[0-9a-f]{10}", expected)
    assert dan.username not in expected and expected != str(dan.pk)
    assert pseudonym(CampaignFactory(), dan.pk) != expected  # not linkable across campaigns
    assert pseudonym(campaign, people["ann"].pk) != expected


def test_awards_revoked_after_the_draw_are_counted_by_code(campaign, moderator):
    lucky = RewardTierFactory(campaign=campaign, slug="lucky", kind="lucky_post_draw", winners=1)
    PrizeFactory(tier=lucky, voucher=True)
    part = RewardTierFactory(campaign=campaign, slug="part", kind="participant_draw", winners=3)
    PrizeFactory(tier=part)
    for i in range(8):
        entry_post(member(), at=DURING + timedelta(minutes=i), body=tagged(10 + i))
    campaign = campaign_close(campaign=campaign, now=CLOSE_AT)
    campaign = draw_run(campaign=campaign, beacon=RECORDED, now=DRAW_AT)
    campaign = results_publish(campaign=campaign, now=PUBLISH_AT)
    assert campaign_exclusions(campaign, with_revoked=True).revoked == []
    lucky_award = Award.objects.get(tier=lucky)
    # A ban takes every award of the person: ban someone who won only in one tier.
    winners = Award.objects.filter(tier=part).exclude(user=lucky_award.user_id)
    winners = list(winners.order_by("position"))
    user_ban(user=winners[0].user, actor=moderator, reason="买卖账号")  # revoked by the hook
    award_disqualify(award=winners[1], reason="duplicate_of_other: 抄袭了别人的帖子")
    award_disqualify(award=lucky_award, reason="hidden: 不当内容")
    by_hand = Award.objects.filter(tier=part, status="pending").first()
    award_disqualify(award=by_hand, reason="bought likes")  # free text
    campaign = Campaign.objects.get(pk=campaign.pk)
    assert campaign_exclusions(campaign).revoked == []  # only when asked
    found = campaign_exclusions(campaign, with_revoked=True)
    assert {r.code: r.awards for r in found.revoked} == {
        "author_banned": 1,
        "duplicate_of_other": 1,
        "hidden": 1,
        "other": 1,
    }
    assert found.revoked_total == 4
    client = Client()
    page = client.get(url("results", campaign)).content.decode()
    section = excluded_section(page)
    assert "Awards taken back after the draw" in section and "bought likes" not in page
    assert "买卖账号" not in section and "抄袭" not in section
    data = json.loads(client.get(url("results_json", campaign)).content)["exclusions"]
    assert {r["code"]: r["awards"] for r in data["revoked_awards"]} == {
        "author_banned": 1,
        "duplicate_of_other": 1,
        "hidden": 1,
        "other": 1,
    }


def test_revoked_awards_are_as_private_as_the_winners_until_publication(campaign, staff_user):
    tier = RewardTierFactory(campaign=campaign, slug="part", kind="participant_draw", winners=2)
    PrizeFactory(tier=tier)
    for i in range(4):
        entry_post(member(), at=DURING + timedelta(minutes=i), body=tagged(20 + i))
    campaign = campaign_close(campaign=campaign, now=CLOSE_AT)
    campaign = draw_run(campaign=campaign, beacon=RECORDED, now=DRAW_AT)
    award_disqualify(award=Award.objects.filter(tier=tier).first(), reason="hidden: 广告")
    public = excluded_section(Client().get(url("results", campaign)).content.decode())
    data = json.loads(Client().get(url("results_json", campaign)).content)["exclusions"]
    assert "Awards taken back" not in public and data["revoked_awards"] == []
    staff = Client()
    staff.force_login(staff_user)  # the staff preview shows the winners, and this
    assert "Awards taken back" in staff.get(url("results", campaign)).content.decode()
    results_publish(campaign=campaign, now=PUBLISH_AT)
    data = json.loads(Client().get(url("results_json", campaign)).content)["exclusions"]
    assert data["revoked_awards"] == [{"code": "hidden", "awards": 1}]


def test_codes_this_version_does_not_know_count_as_other(campaign, people):
    entry = Entry.objects.get(campaign=campaign, author=people["cat"])
    Entry.objects.filter(pk=entry.pk).update(reasons=["bought_followers"])
    found = campaign_exclusions(campaign)
    other = next(r for r in found.by_reason if r.code == "other")
    assert (other.entries, other.users) == (1, 1)
    assert "outside_window" not in {r.code for r in found.by_reason}
    cat = next(p for p in found.people if p.pseudonym == pseudonym(campaign, people["cat"].pk))
    assert cat.codes == ("other",)


# --- the page and the JSON ----------------------------------------------------------------


def test_the_results_page_shows_the_list_in_every_state(campaign, people):
    client = Client()
    for step in ("open", "closed", "drawn", "published"):
        if step == "closed":
            campaign = campaign_close(campaign=campaign, now=CLOSE_AT)
        elif step == "drawn":
            campaign = draw_run(campaign=campaign, beacon=RECORDED, now=DRAW_AT)
        elif step == "published":
            campaign = results_publish(campaign=campaign, now=PUBLISH_AT)
        response = client.get(url("results", campaign))
        assert response.status_code == 200, step
        section = re.sub(r"\s+", " ", excluded_section(response.content.decode()))
        text = re.sub(r"\s+", " ", html.unescape(re.sub(r"<[^>]+>", " ", section)))
        assert "Excluded posts 6" in text and "People concerned 5" in text, step
        assert "copy of someone else's post" in text and "duplicate_of_other" in text, step
        assert "author banned" in text and "too short" in text, step
        for person in people.values():
            assert person.username not in section, step
        assert section.count('class="camp-pseudonym"') == 5, step
        data = json.loads(client.get(url("results_json", campaign)).content)["exclusions"]
        assert (data["entries"], data["users"], data["people_total"]) == (6, 5, 5), step
    assert "frozen at the close" in text


def test_the_json_has_counts_and_pseudonyms_but_no_names_or_ids(client, campaign, people):
    response = client.get(url("results_json", campaign))
    data = json.loads(response.content)["exclusions"]
    by_code = {r["code"]: (r["entries"], r["users"]) for r in data["by_reason"]}
    assert by_code["duplicate_of_other"] == (1, 1) and by_code["author_banned"] == (2, 1)
    assert data["under_review"] == 1 and data["users_without_counting_entry"] == 3
    assert all(set(row) == {"pseudonym", "entries", "codes"} for row in data["people"])
    dumped = json.dumps(data)
    for person in people.values():
        assert person.username not in dumped
    assert "user" not in {key for row in data["people"] for key in row}


def test_a_signed_in_viewer_is_told_their_own_pseudonym(client, campaign, people):
    dan = people["dan"]
    client.force_login(dan)
    section = excluded_section(client.get(url("results", campaign)).content.decode())
    mine = pseudonym(campaign, dan.pk)
    assert f'You are on this list as <code class="camp-pseudonym">{mine}</code>' in section
    assert '<tr class="me">' in section
    client.force_login(people["ann"])
    section = excluded_section(client.get(url("results", campaign)).content.decode())
    assert "None of your posts is on this list." in section and "You are on" not in section
    anonymous = excluded_section(Client().get(url("results", campaign)).content.decode())
    assert "You are on" not in anonymous and "None of your posts" not in anonymous


def test_the_rows_are_rendered_once_and_each_viewer_finds_their_own(monkeypatch, campaign, people):
    from campaigns import presentation

    rendered = []
    real = presentation.get_template

    class Counting:
        def __init__(self, name):
            self.template = real(name)

        def render(self, context):
            rendered.append(context["person"].pseudonym)
            return self.template.render(context)

    monkeypatch.setattr(presentation, "get_template", Counting)
    Client().get(url("results", campaign))
    assert len(rendered) == 5  # every row, once
    for name in ("dan", "cat"):
        client = Client()
        client.force_login(people[name])
        section = excluded_section(client.get(url("results", campaign)).content.decode())
        mine = pseudonym(campaign, people[name].pk)
        assert section.count('<tr class="me">') == 1
        assert f'<tr class="me"><td><code class="camp-pseudonym">{mine}</code>' in section
    assert rendered[5:] == [pseudonym(campaign, people[n].pk) for n in ("dan", "cat")]


def test_a_long_list_is_cut_on_the_page_with_the_total(monkeypatch, client, campaign, people):
    monkeypatch.setattr(exclusions_module, "PEOPLE_SHOWN", 2)
    section = excluded_section(client.get(url("results", campaign)).content.decode())
    assert section.count('class="camp-pseudonym"') == 2
    assert "The first 2 of 5 people" in section
    data = json.loads(client.get(url("results_json", campaign)).content)["exclusions"]
    assert len(data["people"]) == 5


def test_nothing_excluded_says_so(client, campaign):
    entry_post(member(), body=tagged(30))
    section = excluded_section(client.get(url("results", campaign)).content.decode())
    assert "No post has been excluded." in section


# --- the campaign page's own list -----------------------------------------------------------


def test_my_entry_under_review_says_why_and_links_to_the_appeal(client, campaign, people):
    client.force_login(people["dan"])
    page = html.unescape(client.get(campaign.get_absolute_url()).content.decode())
    mine = page[page.index('id="mine"') :]
    dan_post = Entry.objects.get(campaign=campaign, author=people["dan"]).post
    assert "under review" in mine
    assert "it looks like a copy of someone else's earlier post; staff will review it" in mine
    assert f'href="{dan_post.get_absolute_url()}#integrity"' in mine
    client.force_login(people["bob"])
    mine = client.get(campaign.get_absolute_url()).content.decode()
    mine = mine[mine.index('id="mine"') :]
    assert "#integrity" not in mine and "does not count" in mine  # too short: nothing to appeal


# --- query counts ---------------------------------------------------------------------------


@pytest.mark.parametrize("n", [3, 30])
def test_bounded_queries(campaign, n, django_assert_max_num_queries):
    tier = RewardTierFactory(campaign=campaign, slug="part", kind="participant_draw", winners=2)
    PrizeFactory(tier=tier)
    for i in range(n):
        person = member()
        entry_post(person, at=DURING, body=tagged(40 + i))
        entry_post(person, at=DURING + timedelta(minutes=1), body=f"#{TAG} 好")
    client = Client()
    with django_assert_max_num_queries(1):  # the entries, grouped by person
        found = campaign_exclusions(campaign)
    assert (found.entries, found.users, len(found.people)) == (n, n, n)
    # open: campaign, tiers, prizes + the grouped entries
    with django_assert_max_num_queries(3 + 1):
        response = client.get(url("results", campaign))
    assert response.context["exclusions"].users == n
    campaign = campaign_close(campaign=campaign, now=CLOSE_AT)
    campaign = draw_run(campaign=campaign, beacon=RECORDED, now=DRAW_AT)
    campaign = results_publish(campaign=campaign, now=PUBLISH_AT)
    cache.clear()
    # published, the page is rendered once (at publication and after each change of the
    # winners, for no one in particular) from: tiers, prizes, snapshots, awards, the shown
    # awards with their people and posts + the grouped entries (cached after)
    with django_assert_max_num_queries(5 + 1):
        context = results_page_context(campaign=campaign, viewer=None, base_url="http://x")
    assert context["exclusions"].users == n
    with django_assert_max_num_queries(3):  # the JSON has no prizes nor people and posts
        document = results_document(campaign=campaign, base_url="http://x")
    assert document["exclusions"]["users"] == n
    # served, they are the stored bytes: the campaign + the newest version's files (its
    # number, then its rows), cached for every later request
    with django_assert_max_num_queries(1 + 2):
        page = client.get(url("results", campaign)).content.decode()
    shown = len(context["exclusions"].shown)
    assert shown and excluded_section(page).count('class="camp-pseudonym"') == shown
    with django_assert_max_num_queries(1):
        client.get(url("results", campaign))
    with django_assert_max_num_queries(1):
        data = json.loads(client.get(url("results_json", campaign)).content)["exclusions"]
    assert (data["users"], data["revoked_awards"]) == (n, [])
    first = Award.objects.filter(tier=tier).order_by("position").first()
    award_disqualify(award=first, reason="author_banned: 刷号")
    campaign = Campaign.objects.get(pk=campaign.pk)
    with django_assert_max_num_queries(2):  # + the revoked awards
        found = campaign_exclusions(campaign, with_revoked=True)
    assert found.revoked_total == 1 and found.entries == n
    # once an award is revoked, its reason's code comes with the awards: no query more
    with django_assert_max_num_queries(5):
        context = results_page_context(campaign=campaign, viewer=None, base_url="http://x")
    assert context["exclusions"].revoked_total == 1
    with django_assert_max_num_queries(3):
        document = results_document(campaign=campaign, base_url="http://x")
    assert document["exclusions"]["revoked_awards"] == [{"code": "author_banned", "awards": 1}]
    # the disqualification stored a new version: its files are read once more
    with django_assert_max_num_queries(1 + 2):
        page = client.get(url("results", campaign)).content.decode()
    assert "Awards taken back after the draw" in excluded_section(page)
    with django_assert_max_num_queries(1):
        data = json.loads(client.get(url("results_json", campaign)).content)["exclusions"]
    assert data["revoked_awards"] == [{"code": "author_banned", "awards": 1}]


def test_the_cached_list_speaks_each_viewers_language(campaign, people):
    with translation.override("en"):
        english = [row.label for row in campaign_exclusions(campaign).by_reason]
    with translation.override("zh-hans"):  # the same cached summary, another reader
        chinese = [row.label for row in campaign_exclusions(campaign).by_reason]
    assert "too short" in " ".join(english).lower()
    assert english != chinese and not any("short" in label for label in chinese)
