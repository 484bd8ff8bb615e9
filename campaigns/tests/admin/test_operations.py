"""Staff close, draw, publish and export from the admin (or the command line), manage the
awards, and every step lands in the read-only audit log."""

import csv
import io
import json
from datetime import timedelta

import pytest
from django.contrib.auth.models import Permission
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.urls import reverse
from django.utils import translation

from campaigns.demo.beacons import DEMO_ROUND, recorded, relay_url
from campaigns.exports import columns
from campaigns.models import AuditEvent, Award, Campaign, ShippingAddress, Snapshot, TierDraw
from campaigns.tests.factories import (
    DURING,
    RECORDED,
    WINDOW_END,
    four_tier_campaign,
)
from square.models import User
from square.project.beijing_time import SECONDS, beijing_text
from square.tests.factories import UserFactory

pytestmark = pytest.mark.django_db

# The factory campaign pins the recorded round DEMO_ROUND, published on 2026-01-20 at
# 11:24:48 (UTC+8): staff close the morning after the end, before the round exists.
CLOSE_AT = WINDOW_END + timedelta(hours=9)
BEACON_AT = WINDOW_END + timedelta(days=4, hours=11, minutes=24, seconds=49)
TOO_EARLY = BEACON_AT - timedelta(minutes=30)
DRAW_AT = BEACON_AT + timedelta(hours=2)
ENTROPY = json.loads(RECORDED)["randomness"]
OTHER_ROUND = 20791007  # a real, earlier quicknet round: not the one the rules pinned
BOM = "\ufeff"


@pytest.fixture
def setup(db):
    """Four tiers like the announced campaign's, 10 people, 19 valid posts."""
    campaign, _members, _posts = four_tier_campaign(people=10, participant_winners=4, slug="ops")
    return campaign


@pytest.fixture(autouse=True)
def _in_english(client):
    """These tests read the staff pages' and commands' English wording."""
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    with translation.override("en"):
        yield


@pytest.fixture
def root(db):
    return User.objects.create_superuser("root", "root@example.com", "pw-root-123456")


@pytest.fixture
def root_client(client, root):
    client.force_login(root)
    return client


def staff(username="clerk", *codenames) -> User:
    """A staff member with the campaign admin's view permissions plus `codenames`."""
    user = UserFactory(username=username, is_staff=True)
    wanted = {"view_campaign", "change_campaign", "view_award", "view_auditevent", *codenames}
    user.user_permissions.set(
        Permission.objects.filter(content_type__app_label="campaigns", codename__in=wanted)
    )
    return user


def url(name, campaign):
    return reverse(f"admin:campaigns_campaign_{name}", args=[campaign.pk])


def messages_of(response) -> list[str]:
    return [str(m) for m in response.context["messages"]] if response.context else []


def close_and_draw(campaign, clock):
    from campaigns.services import campaign_close, draw_run

    clock(CLOSE_AT)
    campaign_close(campaign=campaign)
    clock(DRAW_AT)
    return draw_run(campaign=Campaign.objects.get(pk=campaign.pk), beacon=RECORDED)


def read_csv(response) -> list[list[str]]:
    text = b"".join(response.streaming_content).decode("utf-8")
    assert text.startswith(BOM)
    return list(csv.reader(io.StringIO(text[len(BOM) :])))


# --- close, draw, publish through the admin -------------------------------------------


def test_a_superuser_closes_draws_and_publishes_in_the_admin(root_client, root, setup, clock):
    campaign = setup
    clock(CLOSE_AT)
    page = root_client.get(reverse("admin:campaigns_campaign_change", args=[campaign.pk]))
    for name in ("close", "draw", "publish", "export"):
        assert url(name, campaign) in page.text

    page = root_client.get(url("close", campaign))
    assert page.status_code == 200
    assert "What this will do" in page.text and "19 valid entries now" in page.text
    response = root_client.post(url("close", campaign), follow=True)
    campaign.refresh_from_db()
    assert campaign.status == "closed" and campaign.closed_at == CLOSE_AT
    assert campaign.beacon_at == BEACON_AT
    closing = (
        f"The draw takes drand round {DEMO_ROUND}, published at {beijing_text(BEACON_AT, SECONDS)}"
    )
    assert any("Lists frozen: 19 valid posts" in m and closing in m for m in messages_of(response))

    page = root_client.get(url("close", campaign))
    assert "already done" in page.text and 'id="operation-form"' not in page.text
    assert Snapshot.objects.get(campaign=campaign, kind="lucky_tickets").digest in page.text

    clock(DRAW_AT)
    page = root_client.get(url("draw", campaign))
    assert 'name="beacon"' in page.text and 'name="beacon_file"' in page.text
    assert "operation-blocker" not in page.text
    response = root_client.post(url("draw", campaign), {"beacon": RECORDED}, follow=True)
    campaign.refresh_from_db()
    assert (campaign.status, campaign.entropy) == ("drawn", ENTROPY)
    assert campaign.beacon_signature == json.loads(RECORDED)["signature"]
    assert Award.objects.filter(tier__campaign=campaign, tier__slug="top").count() == 3
    assert Award.objects.filter(tier__campaign=campaign, tier__slug="lucky").count() == 1
    drawn = f"with drand round {DEMO_ROUND} (signature verified, randomness {ENTROPY})"
    assert any("Drawn at" in m and drawn in m for m in messages_of(response))

    response = root_client.post(url("publish", campaign), follow=True)
    campaign.refresh_from_db()
    assert campaign.status == "published"
    assert any("Published at" in m for m in messages_of(response))

    events = AuditEvent.objects.filter(campaign=campaign).order_by("id")
    assert [(e.action, e.actor_id) for e in events] == [
        ("close", root.pk),
        ("draw", root.pk),
        ("publish", root.pk),
    ]
    assert events[1].inputs == {"beacon": json.dumps(json.loads(RECORDED), sort_keys=True)}
    assert events[1].result["entropy"] == ENTROPY


def test_the_draw_page_names_the_pinned_round_and_refuses_another(root, root_client, setup, clock):
    campaign = setup
    clock(CLOSE_AT)
    root_client.post(url("close", campaign))
    clock(TOO_EARLY)
    page = root_client.get(url("draw", campaign))
    blocker = f"Round {DEMO_ROUND} is published at {beijing_text(BEACON_AT, SECONDS)}"
    assert "operation-blocker" in page.text and blocker in page.text
    # A real beacon of a round that exists already is not the pinned one: refused.
    other = recorded("quicknet", OTHER_ROUND)
    response = root_client.post(url("draw", campaign), {"beacon": other})
    assert response.status_code == 200
    refusal = (
        f"This beacon is round {OTHER_ROUND}; the rules pinned this draw to round {DEMO_ROUND}."
    )
    assert refusal in messages_of(response)
    assert not Award.objects.exists() and not TierDraw.objects.exists()
    assert Campaign.objects.get(pk=campaign.pk).status == "closed"
    event = AuditEvent.objects.get(campaign=campaign, action="draw_refused")
    assert (event.actor_id, event.inputs) == (root.pk, {"beacon": other.strip()})
    assert event.result == {"check": "round", "pinned_round": DEMO_ROUND}
    assert not AuditEvent.objects.filter(action="draw").exists()
    # Once the round's time has passed, the page no longer blocks.
    clock(BEACON_AT)
    assert "operation-blocker" not in root_client.get(url("draw", campaign)).text
    # an empty beacon is a form error, not a 500 (and no attempt to record)
    clock(DRAW_AT)
    response = root_client.post(url("draw", campaign), {"beacon": "  "})
    assert response.status_code == 200 and "Paste the round" in response.text
    assert not Award.objects.exists()
    assert AuditEvent.objects.filter(action="draw_refused").count() == 1


def test_the_draw_page_takes_an_uploaded_or_fetched_beacon(root_client, setup, clock, settings):
    campaign = setup
    clock(CLOSE_AT)
    root_client.post(url("close", campaign))
    clock(DRAW_AT)
    # "fetch" asks the relays (here the recorded one) and only fills the form.
    settings.SQUARE_DRAND_RELAYS = [relay_url()]
    page = root_client.post(url("draw", campaign), {"fetch": "1"})
    assert page.status_code == 200
    assert page.context["form"].initial == {"beacon": RECORDED}
    assert any(m.startswith(f"Fetched from {relay_url()}/") for m in messages_of(page))
    assert Campaign.objects.get(pk=campaign.pk).status == "closed"
    assert not Award.objects.exists() and not AuditEvent.objects.filter(action="draw").exists()
    # A file saved from a relay draws as the pasted text does.
    upload = SimpleUploadedFile("25358708.json", RECORDED.encode(), "application/json")
    response = root_client.post(url("draw", campaign), {"beacon_file": upload}, follow=True)
    campaign.refresh_from_db()
    assert (campaign.status, campaign.entropy) == ("drawn", ENTROPY)
    assert any("signature verified" in m for m in messages_of(response))


def test_closing_before_the_end_is_an_error_message_not_a_500(root_client, setup, clock):
    campaign = setup
    clock(DURING)
    page = root_client.get(url("close", campaign))
    assert "has not ended yet" in page.text
    response = root_client.post(url("close", campaign))
    assert response.status_code == 200
    assert any("has not ended yet" in m for m in messages_of(response))
    assert Campaign.objects.get(pk=campaign.pk).status == "scheduled"
    response = root_client.post(url("publish", campaign))
    assert any("Run the draws before publishing" in m for m in messages_of(response))


def test_the_list_action_leads_to_the_confirmation_page(root_client, setup):
    campaign = setup
    changelist = reverse("admin:campaigns_campaign_changelist")
    page = root_client.get(changelist)
    for action in ("close_campaign", "run_draws", "publish_results", "export_awards"):
        assert f'value="{action}"' in page.text
    response = root_client.post(
        changelist, {"action": "run_draws", "_selected_action": [campaign.pk], "index": 0}
    )
    assert response.status_code == 302 and response["Location"] == url("draw", campaign)


# --- permissions ------------------------------------------------------------------------


def test_staff_without_the_permissions_see_nothing_and_get_403(client, setup, clock):
    campaign = setup
    clerk = staff("clerk")
    client.force_login(clerk)
    clock(CLOSE_AT)
    page = client.get(reverse("admin:campaigns_campaign_change", args=[campaign.pk]))
    assert page.status_code == 200
    for name in ("close", "draw", "publish"):
        assert url(name, campaign) not in page.text
    listing = client.get(reverse("admin:campaigns_campaign_changelist"))
    for action in ("close_campaign", "run_draws", "publish_results"):
        assert f'value="{action}"' not in listing.text
    for name in ("close", "draw", "publish"):
        assert client.get(url(name, campaign)).status_code == 403
        assert client.post(url(name, campaign), {"beacon": RECORDED}).status_code == 403
    client.post(
        reverse("admin:campaigns_campaign_changelist"),
        {"action": "close_campaign", "_selected_action": [campaign.pk], "index": 0},
    )
    assert Campaign.objects.get(pk=campaign.pk).status == "scheduled"
    assert not AuditEvent.objects.exists()


def test_each_permission_opens_only_its_own_operation(client, setup, clock):
    campaign = setup
    client.force_login(staff("closer", "close_campaign"))
    page = client.get(reverse("admin:campaigns_campaign_change", args=[campaign.pk]))
    assert url("close", campaign) in page.text and url("draw", campaign) not in page.text
    clock(CLOSE_AT)
    client.post(url("close", campaign))
    assert Campaign.objects.get(pk=campaign.pk).status == "closed"
    clock(DRAW_AT)
    assert client.post(url("draw", campaign), {"beacon": RECORDED}).status_code == 403
    assert not Award.objects.exists()


# --- awards -----------------------------------------------------------------------------


def test_disqualify_needs_a_reason_and_the_next_takes_the_place(root_client, setup, clock):
    campaign = close_and_draw(setup, clock)
    ranking = Snapshot.objects.get(campaign=campaign, kind="ranking").ids
    first = Award.objects.get(tier__slug="top", position=0)
    changelist = reverse("admin:campaigns_award_changelist")
    chosen = {"action": "disqualify", "_selected_action": [first.pk]}

    page = root_client.post(changelist, {**chosen, "index": 0})
    assert page.status_code == 200 and 'name="reason"' in page.text
    assert first.user.username in page.text

    page = root_client.post(changelist, {**chosen, "post": "yes", "reason": "  "})
    assert page.status_code == 200
    assert any("Say why" in m for m in messages_of(page))
    assert Award.objects.get(pk=first.pk).status == "pending"

    response = root_client.post(
        changelist, {**chosen, "post": "yes", "reason": "bought likes"}, follow=True
    )
    first.refresh_from_db()
    assert (first.status, first.revoked_reason) == ("revoked", "bought likes")
    replacement = Award.objects.get(tier__slug="top", position=3)
    assert replacement.user_id == ranking[3]
    assert any("takes the place" in m for m in messages_of(response))
    event = AuditEvent.objects.get(action="disqualify")
    assert event.inputs["reason"] == "bought likes" and event.result["replacement"] == ranking[3]


def test_mark_issued_then_delivered(root_client, setup, clock):
    campaign = close_and_draw(setup, clock)
    awards = list(Award.objects.filter(tier__campaign=campaign, tier__slug="part"))
    ids = [a.pk for a in awards]
    changelist = reverse("admin:campaigns_award_changelist")
    root_client.post(changelist, {"action": "mark_issued", "_selected_action": ids, "index": 0})
    assert set(Award.objects.filter(pk__in=ids).values_list("status", flat=True)) == {"issued"}
    root_client.post(changelist, {"action": "mark_delivered", "_selected_action": ids, "index": 0})
    assert set(Award.objects.filter(pk__in=ids).values_list("status", flat=True)) == {"delivered"}
    assert AuditEvent.objects.filter(action="mark_issued").count() == len(ids)
    assert AuditEvent.objects.filter(action="mark_delivered").count() == len(ids)


def test_award_actions_need_their_permissions(client, setup, clock):
    close_and_draw(setup, clock)
    award = Award.objects.filter(tier__slug="part").first()
    client.force_login(staff("reader"))
    changelist = reverse("admin:campaigns_award_changelist")
    listing = client.get(changelist)
    assert listing.status_code == 200
    for action in ("disqualify", "mark_issued", "mark_delivered"):
        assert f'value="{action}"' not in listing.text
    client.post(changelist, {"action": "mark_issued", "_selected_action": [award.pk], "index": 0})
    client.post(
        changelist,
        {"action": "disqualify", "_selected_action": [award.pk], "post": "yes", "reason": "x"},
    )
    assert Award.objects.get(pk=award.pk).status == "pending"


def test_codes_are_masked_in_the_list_and_addresses_need_the_permission(
    root_client, client, setup, clock
):
    close_and_draw(setup, clock)
    award = Award.objects.get(tier__slug="lucky")
    code = award.items.get().code
    ShippingAddress.objects.create(
        award=award, name="张三", phone="13800000000", address="上海市某路1号", country="CN"
    )
    listing = root_client.get(reverse("admin:campaigns_award_changelist"))
    compact = code.replace("-", "")
    assert f"{compact[:4]}-…-{compact[-4:]}" in listing.text and code not in listing.text
    detail = root_client.get(reverse("admin:campaigns_award_change", args=[award.pk]))
    assert code in detail.text and "上海市某路1号" in detail.text

    client.force_login(staff("reader"))
    detail = client.get(reverse("admin:campaigns_award_change", args=[award.pk]))
    assert detail.status_code == 200
    assert "上海市某路1号" not in detail.text and "hidden — needs" in detail.text
    assert client.get(reverse("admin:campaigns_award_add")).status_code == 403
    assert client.post(reverse("admin:campaigns_award_delete", args=[award.pk])).status_code == 403


# --- export -----------------------------------------------------------------------------


def test_export_with_and_without_the_address_permission(root_client, client, setup, clock):
    campaign = close_and_draw(setup, clock)
    award = Award.objects.get(tier__slug="lucky")
    ShippingAddress.objects.create(
        award=award, name="=HYPERLINK(1)", phone="138", address="上海市某路1号", country="CN"
    )
    response = root_client.post(url("export", campaign))
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    rows = read_csv(response)
    assert rows[0][-5:] == ["recipient", "phone", "address", "postcode", "country"]
    assert len(rows) == 1 + Award.objects.filter(tier__campaign=campaign).count()
    lucky = next(r for r in rows[1:] if r[0] == str(award.pk))
    assert lucky[6] == award.items.get().code and lucky[7] == "2026.00" and lucky[8] == "USDT"
    assert "上海市某路1号" in lucky and "'=HYPERLINK(1)" in lucky  # no formula for Excel

    client.force_login(staff("reader"))
    page = client.get(url("export", campaign))
    assert "Shipping addresses are left out" in page.text
    rows = read_csv(client.post(url("export", campaign)))
    assert "recipient" not in rows[0]
    assert all("上海市某路1号" not in cell for row in rows for cell in row)
    events = AuditEvent.objects.filter(action="export").order_by("id")
    assert [e.inputs["with_addresses"] for e in events] == [True, False]


def test_export_needs_the_award_view_permission(client, setup):
    user = UserFactory(username="editor", is_staff=True)
    user.user_permissions.set(Permission.objects.filter(codename="view_campaign"))
    client.force_login(user)
    assert client.post(url("export", setup)).status_code == 403
    assert not AuditEvent.objects.exists()


# --- the audit log and the frozen lists are read-only ----------------------------------


def test_audit_log_and_lists_are_read_only(root_client, setup, clock):
    campaign = close_and_draw(setup, clock)
    event = AuditEvent.objects.get(action="close")
    listing = root_client.get(reverse("admin:campaigns_auditevent_changelist"), {"action": "close"})
    assert listing.status_code == 200 and "close" in listing.text
    assert root_client.get(reverse("admin:campaigns_auditevent_add")).status_code == 403
    change = reverse("admin:campaigns_auditevent_change", args=[event.pk])
    assert root_client.get(change).status_code == 200  # view only
    assert root_client.post(change, {"action": "edited"}).status_code == 403
    delete = reverse("admin:campaigns_auditevent_delete", args=[event.pk])
    assert root_client.post(delete, {"post": "yes"}).status_code == 403
    assert AuditEvent.objects.get(pk=event.pk).action == "close"

    snapshot = Snapshot.objects.get(campaign=campaign, kind="ranking")
    listing = root_client.get(reverse("admin:campaigns_snapshot_changelist"))
    assert snapshot.digest in listing.text
    assert root_client.get(reverse("admin:campaigns_snapshot_add")).status_code == 403
    snap_change = reverse("admin:campaigns_snapshot_change", args=[snapshot.pk])
    assert root_client.post(snap_change, {"size": 1}).status_code == 403
    assert root_client.get(reverse("admin:campaigns_tierdraw_changelist")).status_code == 200
    assert root_client.get(reverse("admin:campaigns_tierdraw_add")).status_code == 403


# --- the same operations as commands ---------------------------------------------------


def test_commands_close_draw_publish_and_export(setup, clock, tmp_path):
    campaign = setup
    out, err = io.StringIO(), io.StringIO()
    clock(CLOSE_AT)
    call_command("campaign_close", "ops", stdout=out, stderr=err)
    assert "Closed ops" in out.getvalue() and "lucky_tickets: 19" in out.getvalue()
    assert f"The draw takes drand quicknet round {DEMO_ROUND}" in out.getvalue()
    clock(DRAW_AT)
    beacon = tmp_path / "beacon.json"
    beacon.write_text(RECORDED, encoding="utf-8")
    call_command("campaign_draw", "ops", "--beacon", str(beacon), stdout=out, stderr=err)
    assert "Drawn ops" in out.getvalue() and "top (leaderboard): 3 awards" in out.getvalue()
    assert f"with round {DEMO_ROUND} (signature verified), randomness {ENTROPY}" in out.getvalue()
    assert Campaign.objects.get(pk=campaign.pk).entropy == ENTROPY
    call_command("campaign_publish", "ops", stdout=out, stderr=err)
    assert Campaign.objects.get(pk=campaign.pk).status == "published"

    award = Award.objects.get(tier__slug="lucky")
    ShippingAddress.objects.create(
        award=award, name="张三", phone="138", address="上海市某路1号", country="CN"
    )
    plain, full = tmp_path / "plain.csv", tmp_path / "full.csv"
    call_command("campaign_export", "ops", "--out", str(plain), stdout=out, stderr=err)
    call_command(
        "campaign_export", "ops", "--out", str(full), "--with-addresses", stdout=out, stderr=err
    )
    total = Award.objects.filter(tier__campaign=campaign).count()
    assert f"{total}/{total}" in err.getvalue() and "100%" in err.getvalue()
    plain_text = plain.read_text(encoding="utf-8")
    assert plain_text.startswith(BOM) and "上海市某路1号" not in plain_text
    assert "上海市某路1号" in full.read_text(encoding="utf-8")

    events = AuditEvent.objects.filter(campaign=campaign).order_by("id")
    assert [e.action for e in events] == ["close", "draw", "publish", "export", "export"]
    assert all(e.actor_id is None for e in events)  # the command line
    assert events[4].inputs == {
        "format": "csv", "with_addresses": True, "via": "command",
        "columns": columns(with_addresses=True), "codes": "full",  # issue 15: which columns
    }  # fmt: skip


def test_commands_fail_cleanly(setup, clock, tmp_path, monkeypatch):
    with pytest.raises(CommandError, match="No campaign"):
        call_command("campaign_close", "nope")
    with pytest.raises(CommandError, match="No campaign"):
        call_command("campaign_export", "nope", "--out", str(tmp_path / "x.csv"))
    clock(DURING)
    with pytest.raises(CommandError, match="not ended"):
        call_command("campaign_close", "ops")
    clock(CLOSE_AT)
    call_command("campaign_close", "ops", stdout=io.StringIO())
    clock(TOO_EARLY)
    with pytest.raises(CommandError, match="Cannot read"):
        call_command("campaign_draw", "ops", "--beacon", str(tmp_path / "missing.json"))
    other = tmp_path / "other.json"
    other.write_text(recorded("quicknet", OTHER_ROUND), encoding="utf-8")
    with pytest.raises(CommandError, match=f"the rules pinned this draw to round {DEMO_ROUND}"):
        call_command("campaign_draw", "ops", "--beacon", str(other), stderr=io.StringIO())
    monkeypatch.setattr("sys.stdin", io.StringIO("not a beacon"))
    with pytest.raises(CommandError, match="This is not a drand beacon"):
        call_command("campaign_draw", "ops", "--beacon", "-", stderr=io.StringIO())
    refused = AuditEvent.objects.filter(action="draw_refused").order_by("id")
    assert [e.result["check"] for e in refused] == ["round", "malformed"]
    with pytest.raises(CommandError, match="Run the draws"):
        call_command("campaign_publish", "ops")
    assert not Award.objects.exists()
