"""The "you won" notification, added to the square's notifications (square.notifications)."""

from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from campaigns.models import Award
from square import notifications


def _describe(group) -> str:

    award = (
        Award.objects.select_related("tier__campaign")
        .filter(pk=group.latest.data.get("award"))
        .first()
    )
    if award is None:
        return _("You won a prize.")
    english = (get_language() or "").startswith("en")
    tier = (award.tier.name_en if english else "") or award.tier.name
    campaign = (award.tier.campaign.title_en if english else "") or award.tier.campaign.title
    return format_html(
        _("You won <b>{tier}</b> in {campaign}! See your rewards."), tier=tier, campaign=campaign
    )


def register() -> None:
    notifications.register("award", describe=_describe, url=lambda notice: reverse("my_rewards"))
