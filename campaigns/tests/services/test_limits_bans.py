"""What a ban leaves open on the campaign side (issue 15): a banned member can still
give the shipping address of a prize they still hold — it is their own business with
the fulfilment staff, shown to no one and telling no one, like their appeal. (A ban by
the moderators revokes every award not yet delivered, so this is the rare prize staff
chose to keep.)"""

import pytest
from django.utils import timezone

from campaigns.models import ShippingAddress
from campaigns.tests.views.test_rewards import ADDRESS, REWARDS, build, lucky_award
from square.models import User

pytestmark = pytest.mark.django_db


def test_a_banned_winner_can_still_give_the_address_of_a_prize_they_hold(client):
    _campaign, winner, _posts = build(featured=False)
    award = lucky_award(winner)
    User.objects.filter(pk=winner.pk).update(banned_at=timezone.now(), ban_reason="spam")
    client.force_login(winner)
    assert client.get(REWARDS).status_code == 200
    response = client.post(f"/me/rewards/{award.pk}/address/", ADDRESS)
    assert response.status_code == 302
    assert ShippingAddress.objects.filter(award=award).exists()
