from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CampaignsConfig(AppConfig):
    """Hashtag campaigns with rewards. It may import from `square`; never the reverse."""

    name = "campaigns"
    verbose_name = _("Campaigns")
