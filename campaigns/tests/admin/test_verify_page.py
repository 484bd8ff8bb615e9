"""The admin's verification page: the checks of `campaigns.services.verify` for staff
without a terminal, behind the permission to view campaigns, in both languages."""

import pytest
from django.contrib.auth.models import Permission

from campaigns.models import Snapshot
from campaigns.tests.factories import CampaignFactory, four_tier_campaign
from campaigns.tests.selectors.test_results import drawn, published
from square.tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def page(campaign) -> str:
    return f"/admin/campaigns/campaign/{campaign.pk}/verify/"


def staff_client(client, *codenames):
    user = UserFactory(is_staff=True)
    user.user_permissions.set(Permission.objects.filter(codename__in=codenames))
    client.force_login(user)
    return client


def test_an_honest_campaign_passes_every_check_in_both_languages(client):
    campaign = published(four_tier_campaign()[0])
    viewer = staff_client(client, "view_campaign")
    zh = viewer.get(page(campaign), HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert "全部检查通过" in zh
    assert "✗" not in zh
    assert "python3 campaigns/draw.py http://testserver/" in zh
    en = viewer.get(page(campaign), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "All checks passed." in en
    assert "tier part (participant_draw): 5 winner(s)" in en


def test_a_tampered_list_fails_on_the_page(client):
    campaign = drawn(four_tier_campaign()[0])
    Snapshot.objects.filter(campaign=campaign, kind="lucky_tickets").update(body="1\n")
    html = staff_client(client, "view_campaign").get(page(campaign), HTTP_ACCEPT_LANGUAGE="en")
    text = html.content.decode()
    assert 'class="error" id="verify-outcome"' in text
    assert "lucky_tickets: its bytes do not match its digest or size" in text


def test_a_campaign_not_closed_says_why_and_changes_nothing(client):
    campaign = CampaignFactory()
    response = staff_client(client, "view_campaign").get(page(campaign), HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200
    assert "The campaign is not closed yet" in response.content.decode()
    assert not Snapshot.objects.filter(campaign=campaign).exists()


def test_staff_who_may_not_view_campaigns_are_refused(client):
    campaign = published(four_tier_campaign()[0])
    assert staff_client(client, "view_post").get(page(campaign)).status_code == 403


def test_members_are_sent_to_the_admin_login(client):
    campaign = CampaignFactory()
    client.force_login(UserFactory())
    response = client.get(page(campaign))
    assert response.status_code == 302
    assert "/admin/login/" in response["Location"]


def test_the_change_page_links_to_it(admin_client):
    campaign = CampaignFactory()
    html = admin_client.get(f"/admin/campaigns/campaign/{campaign.pk}/change/").content.decode()
    assert f'href="{page(campaign)}"' in html
