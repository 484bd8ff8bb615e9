"""One rule for "the winner may still give the address" (`address_open`): the page's
form and `shipping_address_save` agree. Before, the page closed the form once the
parcel was shipped while the service still took an address by a hand-made POST."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from campaigns.models import AwardItem, ShippingAddress
from campaigns.selectors.rewards import address_open
from campaigns.services import shipping_address_save
from campaigns.tests.views.test_rewards import ADDRESS, REWARDS, build, lucky_award

pytestmark = pytest.mark.django_db


def ship(award) -> None:
    AwardItem.objects.filter(award=award, prize__kind="physical").update(shipped_at=timezone.now())


def items_of(award):
    return award.items.select_related("prize")


def test_the_address_is_open_until_the_parcel_is_shipped():
    _campaign, winner, _posts = build()
    award = lucky_award(winner)
    assert address_open(award=award, items=items_of(award))
    ship(award)
    assert not address_open(award=award, items=items_of(award))


def test_an_award_without_a_parcel_has_no_address_form():
    _campaign, winner, _posts = build()
    award = lucky_award(winner)
    without_parcel = [i for i in items_of(award) if i.prize.kind != "physical"]
    assert not address_open(award=award, items=without_parcel)


def test_the_service_refuses_an_address_once_the_parcel_is_shipped():
    _campaign, winner, _posts = build()
    award = lucky_award(winner)
    ship(award)
    with pytest.raises(ValidationError):
        shipping_address_save(award=award, user=winner, **ADDRESS)
    assert not ShippingAddress.objects.exists()


def test_a_posted_address_after_shipping_changes_nothing(client):
    _campaign, winner, _posts = build()
    award = lucky_award(winner)
    shipping_address_save(award=award, user=winner, **{**ADDRESS, "name": "Old"})
    ship(award)
    client.force_login(winner)
    page = client.get(REWARDS, HTTP_ACCEPT_LANGUAGE="en")
    assert 'class="form reward-address"' not in page.content.decode()
    response = client.post(
        reverse("my_reward_address", args=[award.pk]), ADDRESS, HTTP_ACCEPT_LANGUAGE="en"
    )
    assert response.status_code == 400
    assert "This parcel can no longer be redirected." in response.content.decode()
    assert ShippingAddress.objects.get(award=award).name == "Old"
