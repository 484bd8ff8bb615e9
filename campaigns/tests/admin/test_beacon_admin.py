"""The beacon in the admin (issue 17): the draw page fetches the pinned round from a real
HTTP relay (a local server here) or says to paste it; the campaign form shows the pinned
round, lets staff choose the chain and delay before the start, shows them read-only
after it, and records an attempt to change them."""

import functools
import threading
from datetime import timedelta
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer

import pytest
from django.contrib.messages import get_messages
from django.utils import timezone, translation

from campaigns.demo.beacons import DEMO_ROUND, RELAY_DIR
from campaigns.models import AuditEvent, Campaign
from campaigns.services import campaign_close
from campaigns.tests.factories import AFTER, RECORDED, CampaignFactory, four_tier_campaign

pytestmark = pytest.mark.django_db


@pytest.fixture
def relay():
    """A drand relay over real HTTP, serving the recorded rounds at /<hash>/public/<n>."""
    handler = functools.partial(SimpleHTTPRequestHandler, directory=str(RELAY_DIR))
    handler.log_message = lambda *args: None
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


@pytest.fixture
def closed():
    campaign, _people, _posts = four_tier_campaign()
    return campaign_close(campaign=campaign, now=AFTER)


def draw_url(campaign) -> str:
    return f"/admin/campaigns/campaign/{campaign.pk}/draw/"


def said(response) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request)]


def test_fetch_tries_each_relay_and_shows_what_the_live_one_served(
    admin_client, closed, relay, settings
):
    settings.SQUARE_DRAND_RELAYS = ["http://127.0.0.1:9", relay]  # the first is closed
    with translation.override("en"):
        page = admin_client.post(draw_url(closed), {"fetch": "1"}, HTTP_ACCEPT_LANGUAGE="en")
    assert page.status_code == 200
    assert page.context["form"].initial["beacon"] == RECORDED
    assert any(f"Fetched from {relay}/" in m and f"/public/{DEMO_ROUND}" in m for m in said(page))
    assert Campaign.objects.get(pk=closed.pk).status == "closed"  # staff confirm first
    response = admin_client.post(draw_url(closed), {"beacon": RECORDED}, follow=True)
    assert response.status_code == 200
    assert Campaign.objects.get(pk=closed.pk).status == "drawn"


def test_fetch_without_a_reachable_relay_says_to_paste(admin_client, closed, settings):
    settings.SQUARE_DRAND_RELAYS = ["http://127.0.0.1:9"]
    page = admin_client.post(draw_url(closed), {"fetch": "1"}, HTTP_ACCEPT_LANGUAGE="en")
    assert page.status_code == 200
    assert any(f"No relay answered for round {DEMO_ROUND}" in m for m in said(page))
    assert not AuditEvent.objects.filter(action__startswith="draw").exists()


def test_the_draw_page_shows_the_pinned_round_and_its_relay(admin_client, closed):
    html = admin_client.get(draw_url(closed), HTTP_ACCEPT_LANGUAGE="en").text
    assert f"round {DEMO_ROUND}, pinned by the rules" in html
    assert closed.beacon_urls[0] in html
    assert 'enctype="multipart/form-data"' in html and 'name="fetch"' in html


def test_before_the_start_staff_choose_the_chain_and_delay(admin_client):
    start = timezone.now() + timedelta(days=5)
    campaign = CampaignFactory(starts_at=start, ends_at=start + timedelta(days=3))
    page = admin_client.get(f"/admin/campaigns/campaign/{campaign.pk}/change/").text
    assert 'name="beacon_chain"' in page and 'name="entropy_delay"' in page
    assert str(campaign.beacon_round) in page
    form = page_form(admin_client, campaign)
    form.update(beacon_chain="default", entropy_delay="02:00:00")
    response = admin_client.post(f"/admin/campaigns/campaign/{campaign.pk}/change/", form)
    assert response.status_code == 302, response.context["adminform"].form.errors
    campaign.refresh_from_db()
    assert (campaign.beacon_chain, campaign.entropy_delay) == ("default", timedelta(hours=2))
    assert campaign.beacon_round == campaign.pinned_round()


def test_after_the_start_they_are_read_only_and_an_attempt_is_recorded(admin_client, admin_user):
    campaign = CampaignFactory()  # started long ago
    pinned = campaign.beacon_round
    page = admin_client.get(f"/admin/campaigns/campaign/{campaign.pk}/change/").text
    assert 'name="beacon_chain"' not in page and 'name="entropy_delay"' not in page
    form = page_form(admin_client, campaign)
    form.update(beacon_chain="default", entropy_delay="9 00:00:00")
    response = admin_client.post(f"/admin/campaigns/campaign/{campaign.pk}/change/", form)
    assert response.status_code == 302
    stored = Campaign.objects.get(pk=campaign.pk)
    assert (stored.beacon_chain, stored.beacon_round) == ("quicknet", pinned)
    event = AuditEvent.objects.get(campaign=campaign, action="beacon_change_refused")
    assert event.actor_id == admin_user.pk
    assert event.inputs == {"beacon_chain": "default", "entropy_delay": "9 00:00:00"}
    # An ordinary save of a started campaign is not an attempt.
    admin_client.post(
        f"/admin/campaigns/campaign/{campaign.pk}/change/", page_form(admin_client, campaign)
    )
    assert AuditEvent.objects.filter(action="beacon_change_refused").count() == 1


def page_form(client, campaign) -> dict:
    """The change form's own values, as the browser would send them back."""
    response = client.get(f"/admin/campaigns/campaign/{campaign.pk}/change/")
    form = response.context["adminform"].form
    data = {}
    for name, field in form.fields.items():
        value = form.initial.get(name, field.initial)
        if value is None or value is False:
            continue
        data[name] = field.prepare_value(value) if hasattr(field, "prepare_value") else value
    if "aliases" in data and isinstance(data["aliases"], list):
        data["aliases"] = "\n".join(data["aliases"])
    for name in ("starts_at", "ends_at"):
        if name in data:
            local = timezone.localtime(getattr(campaign, name))
            data[f"{name}_0"], data[f"{name}_1"] = (
                local.date().isoformat(),
                local.strftime("%H:%M:%S"),
            )
            del data[name]
    for inline in response.context["inline_admin_formsets"]:
        management = inline.formset.management_form
        for name in management.fields:
            data[f"{management.prefix}-{name}"] = management.initial.get(name, 0)
    return data


def test_the_window_is_shown_to_the_second_in_chinese_so_a_started_campaign_saves(admin_client):
    """Found by the two-node test: the Chinese time box showed 23:59, so saving any field
    of a started campaign read its 23:59:59 end as a change of the window and refused."""
    campaign = CampaignFactory()  # the New-Year window: started long ago
    change = f"/admin/campaigns/campaign/{campaign.pk}/change/"
    page = admin_client.get(change, HTTP_ACCEPT_LANGUAGE="zh-hans").text
    assert 'name="ends_at_1"' in page and 'value="23:59:59"' in page
    form = page_form(admin_client, campaign)
    form["title"] = "只改标题"
    response = admin_client.post(change, form, HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert response.status_code == 302
    assert Campaign.objects.get(pk=campaign.pk).title == "只改标题"
