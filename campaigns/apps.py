from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CampaignsConfig(AppConfig):
    """Hashtag campaigns with rewards. It may import from `square`; never the reverse:
    it plugs into the square through `square.project.hooks`."""

    name = "campaigns"
    verbose_name = _("Campaigns")

    def ready(self):
        from campaigns import hooks  # models must be loaded before the services import them
        from campaigns.services.versions import campaigns_watch

        hooks.register()
        campaigns_watch()
