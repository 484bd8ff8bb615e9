"""`manage.py campaign_publish <slug>`: make a drawn campaign's results public and tell
the winners, as the admin's publish page does (the same service)."""

from django.core.management.base import BaseCommand

from campaigns.management.commands.campaign_close import campaign_for, run
from campaigns.models import Award, Campaign
from campaigns.services import results_publish
from square.project.beijing_time import SECONDS, beijing_text


class Command(BaseCommand):
    help = "Publish the results of a drawn campaign and notify every winner."

    def add_arguments(self, parser):
        parser.add_argument("slug", help="the campaign's slug")

    def handle(self, *args, slug, **options):
        campaign = campaign_for(slug)
        if campaign.status == Campaign.Status.PUBLISHED:
            self.stdout.write(
                f"Already published at {beijing_text(campaign.published_at, SECONDS)}."
            )
            return
        campaign = run(results_publish, campaign=campaign)
        winners = (
            Award.objects.filter(tier__campaign=campaign)
            .exclude(status=Award.Status.REVOKED)
            .count()
        )
        self.stdout.write(
            self.style.SUCCESS(
                f"Published {campaign.slug} at {beijing_text(campaign.published_at, SECONDS)}; "
                f"{winners} winners told."
            )
        )
