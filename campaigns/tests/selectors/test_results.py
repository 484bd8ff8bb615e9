"""The public results: results.json, the frozen lists' downloads, the results page, the
fairness box, and `campaign_verify` — anyone can redo the draw, and tampering shows."""

import hashlib
import json
import subprocess
import sys
from datetime import datetime, timedelta
from io import StringIO
from pathlib import Path
from urllib.parse import urlparse

import pytest
from django.core.cache import cache
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import Client
from django.urls import reverse

from campaigns import draw
from campaigns.demo.beacons import DEMO_ROUND, recorded
from campaigns.models import Award, Campaign, Snapshot, TierDraw
from campaigns.selectors import results as results_selectors
from campaigns.selectors.published import results_document, results_page_context
from campaigns.selectors.results import results_data
from campaigns.services import award_disqualify, campaign_close, draw_run, results_publish
from campaigns.tests.factories import (
    AFTER,
    DURING,
    RECORDED,
    CampaignFactory,
    PrizeFactory,
    RewardTierFactory,
    entry_post,
    four_tier_campaign,
    member,
)

pytestmark = pytest.mark.django_db

CLOSE_AT = AFTER
DRAW_AT = AFTER + timedelta(hours=2)
PUBLISH_AT = AFTER + timedelta(days=1)
BEACON = json.loads(RECORDED)  # the pinned round's real beacon, which the draws take
ENTROPY = BEACON["randomness"]
OTHER = json.loads(recorded("quicknet", 25563182))  # a real beacon of another round


@pytest.fixture
def setup(db):
    """A campaign with 4 tiers like the announced one, 12 people, 24 valid posts."""
    return four_tier_campaign()


def closed(campaign: Campaign) -> Campaign:
    return campaign_close(campaign=campaign, now=CLOSE_AT)


def drawn(campaign: Campaign) -> Campaign:
    return draw_run(campaign=closed(campaign), beacon=RECORDED, now=DRAW_AT)


def published(campaign: Campaign) -> Campaign:
    return results_publish(campaign=drawn(campaign), now=PUBLISH_AT)


def fresh(campaign: Campaign) -> Campaign:
    return Campaign.objects.get(pk=campaign.pk)


def url(name: str, campaign: Campaign, **kwargs) -> str:
    return reverse(f"campaigns:{name}", kwargs={"slug": campaign.slug, **kwargs})


def stored_context(campaign: Campaign) -> dict:
    """The context a published campaign's stored page is rendered from, for nobody in
    particular (the served page is those stored bytes and has no `response.context`)."""
    return results_page_context(campaign=campaign, viewer=None, base_url="http://testserver")


def client_fetch(client):
    """`draw.verify`'s fetch through the site itself: every list as the view serves it."""

    def fetch(address: str) -> bytes:
        response = client.get(urlparse(address).path)
        assert response.status_code == 200, address
        return response.content

    return fetch


def save_for_the_script(tmp_path: Path, data: dict, campaign: Campaign) -> Path:
    """results.json and every list side by side, with `list_url` made file names."""
    bodies = {s.kind: s.body.encode("ascii") for s in campaign.snapshots.all()}
    for kind, body in bodies.items():
        (tmp_path / f"{kind}.txt").write_bytes(body)
    data = json.loads(json.dumps(data))
    for tier in data["tiers"]:
        tier["list_url"] = f"{tier['list']}.txt"
    target = tmp_path / "results.json"
    target.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    return target


def run_script(path: Path) -> subprocess.CompletedProcess:
    script = Path(draw.__file__)
    return subprocess.run(
        [sys.executable, str(script), str(path)], capture_output=True, text=True, check=False
    )


# --- results.json -----------------------------------------------------------------------------


def test_results_json_has_everything_the_verifier_needs(client, setup):
    campaign = published(setup[0])
    response = client.get(url("results_json", campaign))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert response["Access-Control-Allow-Origin"] == "*"
    data = json.loads(response.content)
    assert data["campaign"] == campaign.slug and data["status"] == "published"
    assert data["commitment"] == hashlib.sha256(bytes.fromhex(campaign.seed)).hexdigest()
    assert (data["seed"], data["entropy"]) == (campaign.seed, ENTROPY)
    assert data["algorithm"] == draw.ALGORITHM and "v1" in data["algorithm"]
    assert data["closed_at"] and data["winners_shown"]
    # the rule that pinned the round, and the round's beacon as the draw took it
    assert data["ends_at"] == campaign.ends_at.isoformat()
    assert data["entropy_delay_seconds"] == int(campaign.entropy_delay.total_seconds())
    quicknet = draw.CHAINS["quicknet"]
    assert draw.pinned_round(quicknet, data["ends_at"], data["entropy_delay_seconds"]) == DEMO_ROUND
    assert data["beacon"] == {
        "chain": "quicknet",
        "chain_hash": quicknet.chain_hash,
        "public_key": quicknet.public_key,
        "scheme": quicknet.scheme,
        "genesis_time": quicknet.genesis_time,
        "period": quicknet.period,
        "round": DEMO_ROUND,
        "round_time": "2026-01-20T03:24:48+00:00",
        "relay_urls": draw.relay_urls(quicknet, DEMO_ROUND),
        "signature": BEACON["signature"],
        "randomness": ENTROPY,
    }
    assert draw.bls_verify(quicknet, data["beacon"]) is True
    timeline = data["timeline"]
    assert timeline["beacon_round_at"] == data["beacon"]["round_time"]
    assert timeline["lists_frozen_at"] == data["closed_at"]
    assert datetime.fromisoformat(data["closed_at"]) == CLOSE_AT
    lists = {s.kind: s for s in campaign.snapshots.all()}
    tiers = {t["slug"]: t for t in data["tiers"]}
    assert [t["slug"] for t in data["tiers"]] == ["lucky", "top", "new", "part"]
    expected_lists = {
        "lucky": "lucky_tickets",
        "top": "ranking",
        "new": "newcomers",
        "part": "participant_tickets",
    }
    for slug, kind in expected_lists.items():
        tier = tiers[slug]
        assert tier["list_digest"] == lists[kind].digest
        assert tier["list_url"] == f"http://testserver/campaigns/{campaign.slug}/lists/{kind}.txt"
        awards = Award.objects.filter(tier__slug=slug).order_by("position")
        assert tier["winners"] == [
            {"user_id": a.user_id, "post_id": a.post_id, "position": a.position} for a in awards
        ]
    lucky_draw = TierDraw.objects.get(tier__slug="lucky")
    assert tiers["lucky"]["drawn"] == len(lucky_draw.sequence) == 11
    assert tiers["lucky"]["alternates"] == lucky_draw.sequence[1:]
    assert tiers["lucky"]["winners"][0]["post_id"] == lucky_draw.sequence[0]
    assert tiers["part"]["alternates"] == TierDraw.objects.get(tier__slug="part").sequence[5:]
    assert "drawn" not in tiers["top"] and tiers["top"]["alternates"] == []
    assert [w["user_id"] for w in tiers["top"]["winners"]] == lists["ranking"].ids[:3]
    assert [w["user_id"] for w in tiers["new"]["winners"]] == lists["newcomers"].ids
    assert draw.verify(data, fetch=client_fetch(client)) == []


def test_verify_holds_after_a_winner_is_replaced(client, setup):
    campaign = published(setup[0])
    lucky = Award.objects.get(tier__slug="lucky")
    replacement = award_disqualify(award=lucky, reason="copied a post", now=PUBLISH_AT)
    part = Award.objects.filter(tier__slug="part").order_by("position")[2]
    second = award_disqualify(award=part, reason="bought likes", now=PUBLISH_AT)
    top = Award.objects.filter(tier__slug="top").order_by("position").first()
    award_disqualify(award=top, reason="bought likes", now=PUBLISH_AT)
    assert replacement.position > lucky.position and second.position > 4
    data = results_data(campaign=fresh(campaign))
    tiers = {t["slug"]: t for t in data["tiers"]}
    assert [w["position"] for w in tiers["lucky"]["winners"]] == [replacement.position]
    assert part.user_id not in [w["user_id"] for w in tiers["part"]["winners"]]
    assert len(tiers["part"]["winners"]) == 5 and tiers["part"]["revoked"] == 1
    assert [w["position"] for w in tiers["top"]["winners"]] == [1, 2, 3]
    assert draw.verify(data, fetch=client_fetch(client)) == []
    html = client.get(url("results", campaign)).content.decode()
    assert "reasons" not in html and "bought likes" not in html
    assert html.count("camp-revoked") == 3


def test_the_seed_is_secret_until_the_draw_and_winners_until_publication(client, staff_user, setup):
    campaign = setup[0]
    staff_client = Client()
    staff_client.force_login(staff_user)

    def public():
        json_text = client.get(url("results_json", campaign)).content.decode()
        page = client.get(url("results", campaign)).content.decode()
        return json.loads(json_text), json_text + page

    data, text = public()
    assert data["seed"] is None and data["entropy"] is None and campaign.seed not in text
    assert data["commitment"] == draw.commitment(campaign.seed) and data["commitment"] in text
    assert all(t["list_digest"] is None and t["list_url"] is None for t in data["tiers"])
    # the round is public from the start; its signature and randomness from the draw
    assert data["beacon"]["round"] == DEMO_ROUND and str(DEMO_ROUND) in text
    assert data["beacon"]["signature"] is None and data["beacon"]["randomness"] is None
    closed(campaign)
    data, text = public()
    assert data["seed"] is None and campaign.seed not in text
    assert all(t["list_digest"] for t in data["tiers"])
    assert (data["beacon"]["round"], data["beacon"]["signature"]) == (DEMO_ROUND, None)
    drawn(campaign)
    data, text = public()
    assert data["seed"] == campaign.seed and campaign.seed in text and ENTROPY in text
    assert data["entropy"] == data["beacon"]["randomness"] == ENTROPY
    assert data["beacon"]["signature"] == BEACON["signature"] and BEACON["signature"] in text
    assert not data["winners_shown"]
    assert all(t["winners"] == [] and t["alternates"] == [] for t in data["tiers"])
    assert draw.verify(data, fetch=client_fetch(client)) == []  # nothing claimed yet
    preview = json.loads(staff_client.get(url("results_json", campaign)).content)
    assert preview["winners_shown"] and any(t["winners"] for t in preview["tiers"])
    staff_page = staff_client.get(url("results", campaign))
    assert "no-store" in staff_page["Cache-Control"] and staff_page.context["page"].preview
    results_publish(campaign=fresh(campaign), now=PUBLISH_AT)
    data, text = public()
    assert data["winners_shown"] and all(t["winners"] for t in data["tiers"])


def test_drafts_have_no_results(client):
    draft = CampaignFactory(status=Campaign.Status.DRAFT)
    assert client.get(url("results", draft)).status_code == 404
    assert client.get(url("results_json", draft)).status_code == 404
    assert client.get(url("list_download", draft, kind="ranking")).status_code == 404


# --- the lists -------------------------------------------------------------------------------


def test_lists_are_served_after_the_close_as_the_exact_bytes_of_their_digest(client, setup):
    campaign = setup[0]
    ranking_url = url("list_download", campaign, kind="ranking")
    assert client.get(ranking_url).status_code == 404  # not frozen yet
    closed(campaign)
    for snapshot in campaign.snapshots.all():
        response = client.get(url("list_download", campaign, kind=snapshot.kind))
        assert response.status_code == 200
        assert response["Content-Type"] == "text/plain; charset=us-ascii"
        assert response.content == snapshot.body.encode("ascii") == draw.list_bytes(snapshot.ids)
        assert hashlib.sha256(response.content).hexdigest() == snapshot.digest
    assert client.get(url("list_download", campaign, kind="secrets")).status_code == 404


def test_the_verifier_script_is_served_as_it_is(client):
    response = client.get(reverse("campaigns:draw_script"))
    assert response.status_code == 200
    assert response.content == Path(draw.__file__).read_bytes()


# --- the shipped script and the command --------------------------------------------------------


def test_the_shipped_script_verifies_results_data_and_catches_a_changed_list(tmp_path, setup):
    campaign = published(setup[0])
    award_disqualify(award=Award.objects.get(tier__slug="lucky"), reason="copied", now=DRAW_AT)
    target = save_for_the_script(tmp_path, results_data(campaign=fresh(campaign)), campaign)
    ok = run_script(target)
    assert ok.returncode == 0, ok.stdout + ok.stderr
    assert "all checks passed" in ok.stdout
    assert f"beacon: drand quicknet round {DEMO_ROUND}, randomness {ENTROPY}" in ok.stdout
    assert "beacon: BLS signature verified" in ok.stdout
    tickets = tmp_path / "participant_tickets.txt"
    tickets.write_bytes(tickets.read_bytes() + b"999999\n")
    bad = run_script(target)
    assert bad.returncode == 1 and "MISMATCH" in bad.stdout


def test_campaign_verify_passes_on_an_honest_campaign(setup):
    campaign = published(setup[0])
    award_disqualify(award=Award.objects.get(tier__slug="lucky"), reason="copied", now=DRAW_AT)
    out = _verify(campaign.slug)
    assert "all checks passed" in out and "MISMATCH" not in out
    assert f"drand quicknet round {DEMO_ROUND}, the round the rules pinned" in out
    assert "the beacon's BLS signature verifies" in out
    assert f"randomness {ENTROPY} as recorded at the draw" in out
    assert "tier lucky (lucky_post_draw): 1 winner(s), 10 alternate(s), 1 revoked" in out
    assert "commitment" in out and "list ranking" in out


def test_campaign_verify_before_publication_checks_the_hidden_winners(setup):
    campaign = drawn(setup[0])
    out = _verify(campaign.slug)
    assert "tier part (participant_draw): 5 winner(s)" in out


def test_campaign_verify_before_the_draw_checks_the_lists(setup):
    campaign = closed(setup[0])
    out = _verify(campaign.slug)
    assert "list lucky_tickets" in out and "all checks passed" in out
    with pytest.raises(CommandError):
        _verify(CampaignFactory().slug)  # not closed: nothing frozen to check


def _swap_award_user(tier_slug: str) -> None:
    award = Award.objects.filter(tier__slug=tier_slug).order_by("position").first()
    taken = Award.objects.filter(tier__slug=tier_slug).values_list("user_id", flat=True)
    other = Award.objects.exclude(user_id__in=taken).values_list("user_id", flat=True).first()
    Award.objects.filter(pk=award.pk).update(user_id=other)


def _add_ticket(campaign: Campaign, kind: str) -> None:
    snapshot = campaign.snapshots.get(kind=kind)
    Snapshot.objects.filter(pk=snapshot.pk).update(body=snapshot.body + "999999\n")


TAMPERING = {
    "a list's bytes": (
        lambda c: _add_ticket(c, "participant_tickets"),
        "part: the downloaded list does not match its digest",
    ),
    "a list and its digest": (
        lambda c: Snapshot.objects.filter(campaign=c, kind="lucky_tickets").update(
            body="1\n", digest=draw.digest([1]), size=1
        ),
        "digest differs from the one recorded at the close",
    ),
    "the seed": (
        lambda c: Campaign.objects.filter(pk=c.pk).update(seed="ab" * 32),
        "part: the alternates are not the draw's",
    ),
    "the entropy": (
        lambda c: Campaign.objects.filter(pk=c.pk).update(entropy=ENTROPY[::-1]),
        "the beacon's randomness is not SHA-256 of its signature",
    ),
    "a byte of the beacon's signature": (
        lambda c: Campaign.objects.filter(pk=c.pk).update(
            beacon_signature=BEACON["signature"][:-1]
            + ("0" if BEACON["signature"][-1] != "0" else "1")
        ),
        "the beacon's randomness is not SHA-256 of its signature",
    ),
    # Another round's real signature, with its real randomness as the entropy: only the
    # BLS check (this round's number was never signed so) and the audit log can tell.
    "the beacon's signature and randomness": (
        lambda c: Campaign.objects.filter(pk=c.pk).update(
            beacon_signature=OTHER["signature"], entropy=OTHER["randomness"]
        ),
        "the beacon's BLS signature does not verify against the chain's public key",
    ),
    # The whole beacon of another round (past the pin receiver, as a database edit would).
    "the beacon's round": (
        lambda c: Campaign.objects.filter(pk=c.pk).update(
            beacon_round=OTHER["round"],
            beacon_signature=OTHER["signature"],
            entropy=OTHER["randomness"],
        ),
        f"the beacon is round {OTHER['round']}, the rules pin {DEMO_ROUND}",
    ),
    "the delay that pins the round": (
        lambda c: Campaign.objects.filter(pk=c.pk).update(
            entropy_delay=c.entropy_delay + timedelta(hours=1)
        ),
        f"the beacon is round {DEMO_ROUND}, the rules pin {DEMO_ROUND + 1200}",
    ),
    "a participant's award": (
        lambda c: _swap_award_user("part"),
        "part: winner at position 0 is not the draw's",
    ),
    "a leaderboard award": (
        lambda c: _swap_award_user("top"),
        "top: winner at position 0 is not the draw's",
    ),
    "a lucky award's person": (
        lambda c: _swap_award_user("lucky"),
        "is not its author's",
    ),
}


@pytest.mark.parametrize("what", list(TAMPERING))
def test_campaign_verify_fails_when_the_data_was_tampered_with(setup, what):
    campaign = published(setup[0])
    tamper, expected = TAMPERING[what]
    tamper(campaign)
    with pytest.raises(CommandError, match=expected):
        _verify(campaign.slug)


def test_campaign_verify_compares_a_recorded_commitment(setup):
    campaign = published(setup[0])
    _verify(campaign.slug, "--commitment", draw.commitment(campaign.seed).upper())
    with pytest.raises(CommandError):
        _verify(campaign.slug, "--commitment", "0" * 64)


def test_campaign_verify_url_runs_the_shipped_script(tmp_path, setup):
    campaign = published(setup[0])
    target = save_for_the_script(tmp_path, results_data(campaign=campaign), campaign)
    out = _verify("--url", str(target))
    assert "all checks passed" in out and "BLS signature verified" in out
    honest = target.read_text(encoding="utf-8")
    data = json.loads(honest)
    data["beacon"]["signature"] = OTHER["signature"]  # another round's: does not verify
    target.write_text(json.dumps(data), encoding="utf-8")
    with pytest.raises(CommandError):
        _verify("--url", str(target))
    target.write_text(honest, encoding="utf-8")
    _verify("--url", str(target))
    (tmp_path / "ranking.txt").write_bytes(b"1\n2\n")
    with pytest.raises(CommandError):
        _verify("--url", str(target))
    with pytest.raises(CommandError):
        _verify("--url", str(tmp_path / "missing.json"))


def _verify(*args) -> str:
    out = StringIO()
    call_command("campaign_verify", *args, stdout=out)
    return out.getvalue()


# --- the pages -------------------------------------------------------------------------------


def test_results_page_for_anonymous_readers_in_chinese(client, setup):
    campaign = published(setup[0])
    response = client.get(url("results", campaign))
    assert response.status_code == 200
    html = response.content.decode()
    assert '<html lang="zh-hans">' in html
    assert 'id="verify"' in html and campaign.seed in html and ENTROPY in html
    assert BEACON["signature"] in html and str(DEMO_ROUND) in html
    assert draw.relay_urls(draw.CHAINS["quicknet"], DEMO_ROUND)[0] in html
    assert draw.commitment(campaign.seed) in html and draw.ALGORITHM in html
    command = f"python3 campaigns/draw.py http://testserver/campaigns/{campaign.slug}/results.json"
    assert command in html
    assert reverse("campaigns:draw_script") in html
    for snapshot in campaign.snapshots.all():
        assert snapshot.digest in html
        assert url("list_download", campaign, kind=snapshot.kind) in html
    lucky = Award.objects.get(tier__slug="lucky")
    assert lucky.post.get_absolute_url() in html and lucky.user.name in html
    for award in Award.objects.filter(tier__slug__in=["top", "part"]):
        assert award.user.get_absolute_url() in html
    tabs = stored_context(campaign)["page"].tiers
    top = next(t for t in tabs if t.tier.slug == "top")
    assert [row["rank"] for _award, row in top.rows] == [1, 2, 3]
    for _award, row in top.rows:  # and the page served shows those ranks
        assert f'<td class="num">{row["rank"]}</td>' in html
    assert "camp-revoked" not in html


def test_results_page_before_the_close_says_the_lists_are_not_frozen(client, setup):
    campaign = setup[0]
    html = client.get(url("results", campaign), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "The lists are not frozen yet" in html
    assert campaign.seed not in html and draw.commitment(campaign.seed) in html
    drawn(campaign)
    html = client.get(url("results", campaign), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "results soon" in html
    assert Award.objects.get(tier__slug="lucky").post.get_absolute_url() not in html


def test_campaign_page_fairness_box_and_results_tab(client, setup):
    campaign = setup[0]
    results_url = url("results", campaign)
    html = client.get(campaign.get_absolute_url()).content.decode()
    assert 'id="fairness"' in html and draw.commitment(campaign.seed) in html
    assert str(DEMO_ROUND) in html  # the pinned round, public from the start
    assert campaign.seed not in html and f'href="{results_url}"' not in html
    closed(campaign)
    html = client.get(campaign.get_absolute_url()).content.decode()
    for snapshot in campaign.snapshots.all():
        assert snapshot.digest in html
    assert url("list_download", campaign, kind="lucky_tickets") in html
    drawn(campaign)
    html = client.get(campaign.get_absolute_url()).content.decode()
    assert f'href="{results_url}"' in html  # the tab
    assert campaign.seed not in html  # the seed is on the results page


# --- query counts ----------------------------------------------------------------------------


@pytest.mark.parametrize("n", [5, 100])
def test_results_have_bounded_queries(client, staff_user, n, django_assert_max_num_queries):
    campaign = CampaignFactory()
    lucky = RewardTierFactory(campaign=campaign, slug="lucky", kind="lucky_post_draw", winners=1)
    PrizeFactory(tier=lucky, voucher=True)
    RewardTierFactory(campaign=campaign, slug="top", kind="leaderboard", winners=min(n, 10))
    part = RewardTierFactory(campaign=campaign, slug="part", kind="participant_draw", winners=n)
    PrizeFactory(tier=part)
    for i in range(n):
        entry_post(member(), at=DURING + timedelta(minutes=i))
    campaign = drawn(campaign)
    staff_client = Client()
    staff_client.force_login(staff_user)
    cache.clear()
    # Before publication the page is still rendered per request. The staff preview:
    # campaign, tiers with their draws, prizes, snapshots, the awards, the shown ones = 6;
    # + session, user, the view_award permission (the user's own, their groups') = 4;
    # + the exclusion list, the unread badge and the published files' lookup by address
    # (campaigns.middleware: none yet), all cached for every later request
    with django_assert_max_num_queries(6 + 4 + 3):
        staff_client.get(url("results", campaign))
    with django_assert_max_num_queries(6 + 4):
        response = staff_client.get(url("results", campaign))
    assert response.context["page"].preview
    assert sum(len(t.rows) for t in response.context["page"].tiers) == Award.objects.count()
    campaign = results_publish(campaign=fresh(campaign), now=PUBLISH_AT)
    first = Award.objects.filter(tier__slug="part").order_by("position").first()
    award_disqualify(award=first, reason="duplicate account", now=PUBLISH_AT)
    campaign = fresh(campaign)
    kept = Award.objects.exclude(status="revoked").count()
    assert kept >= n
    cache.clear()
    # Published, the page is rendered once (at publication and after each change of the
    # winners) from: tiers with their draws, prizes, snapshots, the awards (ids and
    # positions), then the shown ones (at most PAGE_WINNERS a tier) with people and posts
    # = 5 — so a tier of 15,000 newcomers does not load 15,000 people and posts;
    # + the exclusion list grouped by person, which is cached for every later rendering
    with django_assert_max_num_queries(5 + 1):
        context = stored_context(campaign)
    with django_assert_max_num_queries(5):
        context = stored_context(campaign)
    assert sum(len(t.rows) for t in context["page"].tiers) == kept
    # results.json likewise: tiers with their draws, snapshots, awards = 3
    with django_assert_max_num_queries(3):
        data = results_document(campaign=campaign, base_url="http://testserver")
    assert sum(len(t["winners"]) for t in data["tiers"]) == kept
    # The reader's own part, per request: campaign, session, user, their awards, the unread
    # badge (the exclusion list is cached by the renderings above)
    with django_assert_max_num_queries(5):
        assert staff_client.get(url("results_mine", campaign)).status_code == 200
    # Served, they are the stored bytes: the campaign, and after a cache clear the newest
    # version's files (its number, then its rows), cached for every later request
    cache.clear()
    with django_assert_max_num_queries(1 + 2):
        response = client.get(url("results", campaign))
    assert response.status_code == 200
    assert response["ETag"] == f'"{hashlib.sha256(response.content).hexdigest()}"'
    with django_assert_max_num_queries(1):
        assert client.get(url("results", campaign)).content == response.content
    html = response.content.decode()
    for tier in context["page"].tiers:  # the page served names every winner shown
        for award, _extra in tier.rows:
            assert award.user.get_absolute_url() in html
    with django_assert_max_num_queries(1):
        served = json.loads(client.get(url("results_json", campaign)).content)
    assert sum(len(t["winners"]) for t in served["tiers"]) == kept
    with django_assert_max_num_queries(1):
        client.get(url("list_download", campaign, kind="participant_tickets"))
    # signed in, the same stored page (what is the reader's own is the fragment's)
    with django_assert_max_num_queries(1):
        assert staff_client.get(url("results", campaign)).content == response.content
    # the campaign page with its fairness box: + the lists' digests
    with django_assert_max_num_queries(4 + 1):
        client.get(campaign.get_absolute_url())


def test_a_large_tier_shows_its_first_winners_and_says_how_many_there_are(
    client, monkeypatch, english
):
    monkeypatch.setattr(results_selectors, "PAGE_WINNERS", 3)
    campaign = CampaignFactory()
    part = RewardTierFactory(campaign=campaign, slug="part", kind="participant_draw", winners=5)
    PrizeFactory(tier=part)
    for i in range(6):
        entry_post(member(), at=DURING + timedelta(minutes=i))
    campaign = published(campaign)
    response = client.get(url("results", campaign))
    tier = stored_context(campaign)["page"].tiers[0]
    assert (len(tier.rows), tier.winners, tier.truncated) == (3, 5, True)
    assert [a.position for a, _extra in tier.rows] == sorted(a.position for a, _ in tier.rows)
    assert "The first 3 of 5 winners" in response.content.decode()
    data = client.get(url("results_json", campaign)).json()
    assert len(data["tiers"][0]["winners"]) == 5  # the JSON names them all


@pytest.mark.parametrize("head", [1, 300])
def test_winners_figures_are_read_from_the_frozen_rows_wherever_they_stand(
    client, setup, monkeypatch, head
):
    """On PostgreSQL the page reads the first ROWS_HEAD rows of each frozen list with the
    lists themselves; a winner placed further down is read from the whole list."""
    monkeypatch.setattr(results_selectors, "ROWS_HEAD", head)
    campaign = published(setup[0])
    tiers = {t.tier.kind: t for t in stored_context(campaign)["page"].tiers}
    ranking = campaign.snapshots.get(kind="ranking").rows
    top = tiers["leaderboard"].rows
    assert len(top) == 3 and [row["rank"] for _award, row in top] == [1, 2, 3]
    assert [list(row.values()) for _a, row in top] == [ranking[a.position] for a, _ in top]
    firsts = dict(campaign.snapshots.get(kind="newcomers").rows)
    newcomers = tiers["newcomer"].rows
    assert newcomers and all(post == firsts[a.user_id] for a, post in newcomers)
    # the page served (stored at publication) shows those figures
    html = client.get(url("results", campaign)).content.decode()
    for _award, row in top:
        assert f'<td class="num score">{row["score"]}</td>' in html
    for _award, post in newcomers:
        assert f'href="{reverse("post_detail", args=[post])}"' in html
