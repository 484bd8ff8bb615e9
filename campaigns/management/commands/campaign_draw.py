"""`manage.py campaign_draw <slug> --entropy VALUE`: run every tier's draw of a closed
campaign, as the admin's draw page does (the same service)."""

from django.core.management.base import BaseCommand

from campaigns.management.commands.campaign_close import campaign_for, run
from campaigns.models import Award, Campaign
from campaigns.services import draw_run
from square.project.beijing_time import SECONDS, beijing_text


class Command(BaseCommand):
    help = "Run the draws of a closed campaign with the public entropy value."

    def add_arguments(self, parser):
        parser.add_argument("slug", help="the campaign's slug")
        parser.add_argument(
            "--entropy", required=True, help="the public entropy value (e.g. the block hash)"
        )

    def handle(self, *args, slug, entropy, **options):
        campaign = campaign_for(slug)
        if campaign.status in (Campaign.Status.DRAWN, Campaign.Status.PUBLISHED):
            when = beijing_text(campaign.drawn_at, SECONDS)
            self.stdout.write(
                f"Already drawn at {when} with entropy {campaign.entropy}: no winner changed."
            )
            return
        self.stderr.write(
            f"Drawing {campaign.slug} (entropy source: {campaign.entropy_source_text})…"
        )
        campaign = run(draw_run, campaign=campaign, entropy=entropy)
        self.stdout.write(
            self.style.SUCCESS(
                f"Drawn {campaign.slug} at {beijing_text(campaign.drawn_at, SECONDS)} "
                f"with entropy {campaign.entropy}."
            )
        )
        for tier in campaign.tiers.order_by("order", "id"):
            count = Award.objects.filter(tier=tier).count()
            self.stdout.write(f"  {tier.slug} ({tier.kind}): {count} awards")
