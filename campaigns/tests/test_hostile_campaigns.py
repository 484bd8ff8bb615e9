"""Hostile input, part 3: campaigns. Other winners' rewards, voucher codes and shipping
addresses reached by changing an id; hostile addresses; forged CSRF tokens; the award
and campaign admin actions POSTed by members and by staff without the permission.

Same engine and promises as the square's hostile suite (`square.tests.hostile`): no
500, a clear message for a person's mistake, nothing written that should not be (the
square's tables and the campaigns' below), nothing executed. docs/security.md lists
every case.
"""

from datetime import timedelta

import pytest
from django.contrib.auth.models import Permission
from django.utils import timezone

from campaigns.models import (
    AuditEvent,
    Award,
    AwardItem,
    Campaign,
    ShippingAddress,
    Snapshot,
)
from campaigns.services.winners import award_create
from campaigns.tests.factories import RECORDED, CampaignFactory, PrizeFactory, RewardTierFactory
from square.tests.factories import UserFactory
from square.tests.hostile import Case, World, cases_param, run, square_tracked

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]

CSRF = "CSRF verification failed."
NOT_SAVED = "The address was not saved: please correct the fields below."
BOBS_STREET = "Bob's secret street 9"
ADDRESS = {
    "name": "Alice Winner",
    "phone": "+86 138 0000 0001",
    "address": "1 Century Avenue, Pudong",
    "postcode": "200120",
    "country": "China",
}


def tracked() -> dict:
    def rows(model):
        return lambda: model.objects.order_by("pk")

    address = ("pk", "award_id", "name", "phone", "address", "postcode", "country")
    return {
        **square_tracked(),
        "campaign": (rows(Campaign), ("pk", "status", "closed_at", "published_at")),
        "award": (rows(Award), ("pk", "status", "revoked_reason", "issued_at")),
        "item": (rows(AwardItem), ("pk", "code", "shipped_at")),
        "address": (rows(ShippingAddress), address),
        "audit": (rows(AuditEvent), ("pk",)),
        "snapshot": (rows(Snapshot), ("pk",)),
    }


class CampaignWorld(World):
    """The square's world, plus a published campaign in which alice and bob each won a
    voucher and a parcel (bob has given his address), a campaign that has ended and
    waits to be closed, and `reader`: staff who may view campaigns and awards only."""

    def __init__(self, media_files, settings):
        super().__init__(media_files, settings)
        now = timezone.now()
        won = CampaignFactory(
            slug="won", status=Campaign.Status.PUBLISHED, published_at=now,
            starts_at=now - timedelta(days=20), ends_at=now - timedelta(days=10),
        )  # fmt: skip
        tier = RewardTierFactory(campaign=won, slug="lucky", kind="lucky_post_draw", winners=2)
        PrizeFactory(tier=tier, voucher=True)
        PrizeFactory(tier=tier, kind="physical")
        alice, bob = self.users["alice"], self.users["bob"]
        mine = award_create(tier=tier, user_id=alice.pk, post_id=None, position=0, now=now)
        theirs = award_create(tier=tier, user_id=bob.pk, post_id=None, position=1, now=now)
        ShippingAddress.objects.create(
            award=theirs, name="Bob", phone="139", address=BOBS_STREET, country="China"
        )
        ended = CampaignFactory(
            slug="ended", starts_at=now - timedelta(days=9), ends_at=now - timedelta(days=2)
        )
        reader = UserFactory(username="reader", is_staff=True)
        views = ("view_campaign", "change_campaign", "view_award", "view_auditevent")
        reader.user_permissions.set(
            Permission.objects.filter(content_type__app_label="campaigns", codename__in=views)
        )
        self.users["reader"] = reader
        self.codes = {"mine": voucher(mine), "theirs": voucher(theirs)}
        self.ids.update(won=won.pk, ended=ended.pk, my_award=mine.pk, bob_award=theirs.pk)


def voucher(award) -> str:
    return award.items.get(prize__kind="voucher").code


@pytest.fixture
def world(db, media_files, settings):
    return CampaignWorld(media_files, settings)


def address(**changes):
    return {**ADDRESS, **changes}


def award_action(name, target, **extra):
    return lambda w: {"action": name, "_selected_action": [w.ids[target]], "index": 0, **extra}


def to_login(world, response):
    location = response["Location"]
    assert location.startswith(("/admin/login/", "/accounts/login/"))


def only_my_reward(world, response):
    html = response.content.decode()
    assert world.codes["mine"] in html
    assert world.codes["theirs"] not in html
    assert BOBS_STREET not in html


def no_address_shown(world, response):
    html = response.content.decode()
    assert BOBS_STREET not in html


def mark(status):
    def setup(world):
        values = {"status": status}
        if status == Award.Status.REVOKED:
            values["revoked_reason"] = "bought likes"
        Award.objects.filter(pk=world.ids["my_award"]).update(**values)

    return setup


ADMIN_AWARDS = "/admin/campaigns/award/"
OPS = "/admin/campaigns/campaign/{ended}/"

# fmt: off
CASES = [
    # --- other people's rewards, codes and addresses, by changing an id -------------------
    Case("address-of-others-award", "post", "/me/rewards/{bob_award}/address/", address(),
         status=404),
    Case("address-of-missing-award", "post", "/me/rewards/987654/address/", address(),
         status=404),
    Case("address-of-overflowing-award-id", "post",
         "/me/rewards/99999999999999999999999/address/", address(), status=404),
    Case("address-url-read-by-get", "get", "/me/rewards/{bob_award}/address/", status=405),
    Case("my-rewards-show-only-mine", "get", "/me/rewards/", check=only_my_reward),
    Case("rewards-need-login", "get", "/me/rewards/", who="anon", status=302,
         check=to_login),
    Case("address-needs-login", "post", "/me/rewards/{my_award}/address/", address(),
         who="anon", status=302, check=to_login),
    Case("member-reads-award-in-admin", "get", ADMIN_AWARDS + "{bob_award}/change/",
         status=302, check=to_login),
    Case("reader-sees-no-address-in-admin", "get", ADMIN_AWARDS + "{bob_award}/change/",
         who="reader", says="hidden — needs the “view shipping address” permission",
         check=no_address_shown),
    Case("member-exports-awards", "post", "/admin/campaigns/campaign/{won}/export/",
         status=302, check=to_login),
    Case("staff-without-award-view-exports", "post", "/admin/campaigns/campaign/{won}/export/",
         who="clerk", status=403),
    # --- hostile addresses -------------------------------------------------------------------
    Case("address-saved", "post", "/me/rewards/{my_award}/address/", address(), status=302,
         writes=("address",), says="Your shipping address is saved."),
    Case("address-with-script", "post", "/me/rewards/{my_award}/address/",
         address(name="<script>alert(21)</script>"), status=302, writes=("address",),
         shows="/me/rewards/", escaped="&lt;script&gt;alert(21)&lt;/script&gt;"),
    Case("address-with-nul", "post", "/me/rewards/{my_award}/address/",
         address(phone="138\x00"), status=400, says="Null characters are not allowed."),
    Case("address-501-chars", "post", "/me/rewards/{my_award}/address/",
         address(address="址" * 501), status=400,
         says="Ensure this value has at most 500 characters (it has 501)."),
    Case("address-missing-fields", "post", "/me/rewards/{my_award}/address/", {}, status=400,
         says=NOT_SAVED),
    Case("address-only-spaces", "post", "/me/rewards/{my_award}/address/",
         address(name="   "), status=400, says="This field is required."),
    Case("address-only-zero-width", "post", "/me/rewards/{my_award}/address/",
         address(name="\u200b\u2060"), status=400, says="This field is required."),
    Case("address-after-delivery", "post", "/me/rewards/{my_award}/address/", address(),
         setup=mark(Award.Status.DELIVERED), status=400,
         says="This parcel can no longer be redirected."),
    Case("address-of-revoked-award", "post", "/me/rewards/{my_award}/address/", address(),
         setup=mark(Award.Status.REVOKED), status=400,
         says="This parcel can no longer be redirected."),
    Case("csrf-missing-address", "post", "/me/rewards/{my_award}/address/", address(),
         csrf="missing", status=403, says=CSRF),
    Case("csrf-forged-address", "post", "/me/rewards/{my_award}/address/", address(),
         csrf="forged", status=403, says=CSRF),
    # --- award actions ---------------------------------------------------------------------
    Case("member-disqualifies", "post", ADMIN_AWARDS,
         award_action("disqualify", "bob_award", post="yes", reason="x"), status=302,
         check=to_login),
    Case("reader-disqualifies", "post", ADMIN_AWARDS,
         award_action("disqualify", "bob_award", post="yes", reason="x"), who="reader"),
    Case("reader-marks-issued", "post", ADMIN_AWARDS, award_action("mark_issued", "bob_award"),
         who="reader"),
    Case("staff-without-permissions-marks-delivered", "post", ADMIN_AWARDS,
         award_action("mark_delivered", "bob_award"), who="staffer", status=403),
    Case("superuser-marks-issued", "post", ADMIN_AWARDS,
         award_action("mark_issued", "bob_award"), who="root", status=302,
         writes=("award", "audit")),
    Case("csrf-forged-disqualify", "post", ADMIN_AWARDS,
         award_action("disqualify", "bob_award", post="yes", reason="x"), who="root",
         csrf="forged", status=403, says=CSRF),
    Case("reader-adds-award", "post", ADMIN_AWARDS + "add/", {"position": 9}, who="reader",
         status=403),
    Case("reader-deletes-award", "post", ADMIN_AWARDS + "{bob_award}/delete/", {"post": "yes"},
         who="reader", status=403),
    # --- campaign operations -----------------------------------------------------------------
    Case("member-closes", "post", OPS + "close/", status=302, check=to_login),
    Case("reader-closes", "post", OPS + "close/", who="reader", status=403),
    Case("reader-draws", "post", OPS + "draw/", {"beacon": RECORDED}, who="reader",
         status=403),
    Case("reader-publishes", "post", "/admin/campaigns/campaign/{won}/publish/",
         who="reader", status=403),
    Case("reader-closes-from-the-list", "post", "/admin/campaigns/campaign/",
         award_action("close_campaign", "ended"), who="reader", status=302,
         says="No action selected."),
    Case("superuser-closes-overflowing-id", "post",
         "/admin/campaigns/campaign/99999999999999999999999/close/", who="root", status=302,
         says="doesn’t exist"),
]
# fmt: on


@cases_param(CASES)
def test_hostile_campaigns(world, case):
    run(case, world, tracked())


def test_docs_security_lists_every_case():
    """docs/security.md lists each hostile case by its id (and so stays complete)."""
    from django.conf import settings

    from square.tests import test_hostile, test_hostile_access

    doc = (settings.BASE_DIR / "docs" / "security.md").read_text(encoding="utf-8")
    every = [*test_hostile.CASES, *test_hostile_access.CASES, *CASES]
    assert len(every) >= 60
    assert [c.id for c in every if f"`{c.id}`" not in doc] == []
