"""`manage.py campaign_draw <slug> --beacon FILE` (or `--beacon -` for standard input):
run every tier's draw of a closed campaign with the pinned drand round's beacon, as the
admin's draw page does (the same service, which refuses any other value)."""

import sys

from django.core.management.base import BaseCommand, CommandError

from campaigns.management.commands.campaign_close import campaign_for, run
from campaigns.models import Award, Campaign
from campaigns.services import draw_run
from square.project.beijing_time import SECONDS, beijing_text


class Command(BaseCommand):
    help = "Run the draws of a closed campaign with its pinned drand round's beacon."

    def add_arguments(self, parser):
        parser.add_argument("slug", help="the campaign's slug")
        parser.add_argument(
            "--beacon",
            required=True,
            help="a file with the round's beacon JSON as a drand relay serves it, or - for stdin",
        )

    def _read(self, source: str) -> str:
        if source == "-":
            return sys.stdin.read()
        try:
            with open(source, encoding="utf-8") as handle:
                return handle.read()
        except OSError as error:
            raise CommandError(f"Cannot read {source}: {error}") from error

    def handle(self, *args, slug, beacon, **options):
        campaign = campaign_for(slug)
        if campaign.status in (Campaign.Status.DRAWN, Campaign.Status.PUBLISHED):
            when = beijing_text(campaign.drawn_at, SECONDS)
            self.stdout.write(
                f"Already drawn at {when} with entropy {campaign.entropy}: no winner changed."
            )
            return
        self.stderr.write(
            f"Drawing {campaign.slug} with drand {campaign.beacon_chain} round "
            f"{campaign.beacon_round}…"
        )
        campaign = run(draw_run, campaign=campaign, beacon=self._read(beacon))
        self.stdout.write(
            self.style.SUCCESS(
                f"Drawn {campaign.slug} at {beijing_text(campaign.drawn_at, SECONDS)} "
                f"with round {campaign.beacon_round} (signature verified), "
                f"randomness {campaign.entropy}."
            )
        )
        for tier in campaign.tiers.order_by("order", "id"):
            count = Award.objects.filter(tier=tier).count()
            self.stdout.write(f"  {tier.slug} ({tier.kind}): {count} awards")
