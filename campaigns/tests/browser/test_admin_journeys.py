"""Staff in the Django admin, in a real browser: create a campaign and see the drand
round its rules pin; close an ended campaign, watch its draw page refuse a wrong beacon
and take the pinned round's real one, publish, with the admin's own actions and
buttons; the public results show the winners and the beacon, and the shipped verifier
passes on the live results.json and fails on a copy with one signature byte changed;
the winner reads the voucher code and gives an address (journey 4). Staff without
`campaigns.run_draw` never see the draw (journey 6).
"""

import hashlib
import json
import subprocess
import sys
import urllib.request
from datetime import timedelta
from pathlib import Path

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from campaigns import draw
from campaigns.demo.beacons import DEMO_ROUND, recorded
from campaigns.models import Award, Campaign, ShippingAddress
from campaigns.tests.browser.world import ended_campaign, staff
from campaigns.tests.factories import RECORDED
from square.tests.browser.web import Web, t

pytestmark = pytest.mark.browser

ENTROPY = json.loads(RECORDED)["randomness"]
ADDRESS = {
    "Recipient": "韩梅梅",
    "Phone": "+86 138 0000 2026",
    "Address": "上海市浦东新区世纪大道 100 号 8 楼",
    "Postcode": "200120",
    "Country or region": "中国",
}


def to_changelist(page: Page) -> None:
    page.locator("tr.model-campaign th a").click()
    page.wait_for_url("**/admin/campaigns/campaign/")


def confirm(page: Page, web: Web, name: str) -> None:
    """Press the confirmation page's button; the campaign page then says it is done."""
    web.shot(page, name)
    page.locator("#operation-form input.default").click()
    page.wait_for_url("**/change/")
    expect(page.locator(".messagelist li.success")).to_have_count(1)


def test_a_new_campaign_shows_the_round_its_rules_pin(web):
    staff("maker", "add_campaign")
    admin = web.log_in("maker", admin=True)
    admin.goto("/admin/campaigns/campaign/add/")
    start = timezone.localtime(timezone.now() + timedelta(days=20))
    admin.locator("#id_title").fill("#新活动 试一试")
    admin.locator("#id_slug").fill("try-it")
    admin.locator("#id_hashtag").fill("新活动")
    for name, moment in (("starts_at", start), ("ends_at", start + timedelta(days=7))):
        admin.locator(f"#id_{name}_0").fill(moment.strftime("%Y-%m-%d"))
        admin.locator(f"#id_{name}_1").fill(moment.strftime("%H:%M:%S"))
    admin.locator("input[name=_continue]").click()
    admin.wait_for_url("**/change/")
    campaign = Campaign.objects.get(slug="try-it")
    assert campaign.beacon_round == campaign.pinned_round()
    expect(admin.locator(".field-pinned_beacon")).to_contain_text(
        t("round %(round)s", round=campaign.beacon_round)
    )
    web.shot(admin, "new-campaign-round")


def test_staff_close_draw_and_publish_and_the_winner_claims_the_prize(web, live_server, tmp_path):
    campaign, mei = ended_campaign()
    staff("ops", "close_campaign", "run_draw", "publish_results")
    admin = web.log_in("ops", admin=True)
    to_changelist(admin)
    admin.locator(f"input.action-select[value='{campaign.pk}']").check()
    admin.locator("select[name=action]").select_option("close_campaign")
    admin.locator("button[name=index]").click()
    expect(admin.locator(".campaign-operation")).to_have_count(1)
    confirm(admin, web, "close")
    assert Campaign.objects.get(pk=campaign.pk).status == Campaign.Status.CLOSED

    admin.locator("a.op-draw").click()
    expect(admin.locator(".state-beacon")).to_contain_text(str(DEMO_ROUND))
    for wrong in ("hello", recorded("quicknet", 25563182)):  # not a beacon; another round
        admin.locator("#id_beacon").fill(wrong)
        admin.locator("#operation-form input.default").click()
        expect(admin.locator(".messagelist li.error")).to_have_count(1)
    expect(admin.locator(".messagelist li.error")).to_contain_text(str(DEMO_ROUND))
    web.shot(admin, "draw-refused")
    assert Campaign.objects.get(pk=campaign.pk).status == Campaign.Status.CLOSED
    admin.locator("#id_beacon").fill(RECORDED)
    confirm(admin, web, "draw")
    admin.locator("a.op-publish").click()
    confirm(admin, web, "publish")
    campaign.refresh_from_db()
    assert (campaign.status, campaign.entropy) == (Campaign.Status.PUBLISHED, ENTROPY)

    results_show_winners_and_proof(web, campaign)
    anyone_verifies(f"{live_server.url}/campaigns/{campaign.slug}/results.json", tmp_path)
    winner_claims(web, Award.objects.get(tier__campaign=campaign, tier__slug="top"))
    assert Award.objects.get(tier__campaign=campaign, tier__slug="top").user == mei


def anyone_verifies(url: str, folder: Path) -> None:
    """`python3 campaigns/draw.py <results.json URL>`, run as the page says: it passes,
    signature included; a copy with one byte of the signature changed fails."""
    script = Path(draw.__file__)
    ok = subprocess.run([sys.executable, str(script), url], capture_output=True, text=True)
    assert ok.returncode == 0, ok.stdout + ok.stderr
    assert "BLS signature verified" in ok.stdout and "all checks passed" in ok.stdout
    with urllib.request.urlopen(url) as response:
        results = json.loads(response.read())
    signature = results["beacon"]["signature"]
    results["beacon"]["signature"] = signature[:-2] + f"{int(signature[-2:], 16) ^ 1:02x}"
    copy = folder / "results.json"
    copy.write_text(json.dumps(results))
    bad = subprocess.run([sys.executable, str(script), str(copy)], capture_output=True, text=True)
    assert bad.returncode == 1 and "MISMATCH" in bad.stdout, bad.stdout + bad.stderr


def results_show_winners_and_proof(web: Web, campaign: Campaign) -> None:
    visitor = web.page()
    visitor.goto(campaign.get_absolute_url())
    visitor.locator(".camp-tabs").get_by_role("link", name=t("Results")).click()
    expect(visitor.locator("#tier-top .who a")).to_have_accessible_name("韩梅梅")
    lucky = Award.objects.get(tier__campaign=campaign, tier__slug="lucky")
    expect(visitor.locator("#tier-lucky .camp-win-who a")).to_have_accessible_name(lucky.user.name)
    proof = visitor.locator("#verify .camp-proof")
    commitment = hashlib.sha256(bytes.fromhex(campaign.seed)).hexdigest()
    for value in (commitment, campaign.seed, ENTROPY):
        expect(proof.locator("code", has_text=value)).to_have_count(1)
    expect(visitor.locator("#verify .camp-lists-table tbody tr")).to_have_count(4)
    web.shot(visitor, "results")


def winner_claims(web: Web, award: Award) -> None:
    """The winner is told, reads the voucher code and gives the shipping address."""
    winner = web.log_in(award.user.username)
    expect(winner.locator(".bell [data-unread]")).to_be_visible()
    winner.locator(".bell").click()
    winner.locator(".notice-row.unread .notice-text > a").first.click()
    winner.wait_for_url("**/me/rewards/")
    reward = winner.locator(f"#award-{award.pk}")
    expect(reward.locator(".voucher-code")).to_have_text(
        award.items.get(prize__kind="voucher").code
    )
    form = reward.locator("form.reward-address")
    for label, value in ADDRESS.items():
        form.get_by_label(t(label), exact=True).fill(value)
    web.shot(winner, "rewards")
    form.get_by_role("button", name=t("Save the address")).click()
    expect(winner.locator(".messages")).to_contain_text(t("Your shipping address is saved."))
    saved = winner.locator(f"#award-{award.pk}")
    expect(saved).to_contain_text(t("We have your address; the parcel has not been shipped yet."))
    web.shot(winner, "address-saved")
    assert ShippingAddress.objects.get(award=award).address == ADDRESS["Address"]


def test_staff_without_the_draw_permission_do_not_see_the_draw(web):
    campaign, _mei = ended_campaign()
    staff("clerk", "close_campaign", "publish_results")
    admin = web.log_in("clerk", admin=True)
    to_changelist(admin)
    actions = admin.locator("select[name=action] option").evaluate_all(
        "options => options.map(o => o.value)"
    )
    assert "close_campaign" in actions and "publish_results" in actions
    assert "run_draws" not in actions
    web.shot(admin, "changelist")
    admin.get_by_role("link", name=campaign.title).click()
    expect(admin.locator("a.op-close")).to_have_count(1)
    expect(admin.locator("a.op-publish")).to_have_count(1)
    expect(admin.locator("a.op-draw")).to_have_count(0)
    web.shot(admin, "change-page")
    web.visit(admin, f"/admin/campaigns/campaign/{campaign.pk}/draw/", status=403)
