"""`manage.py campaign_close <slug>`: freeze an ended campaign's lists, as the admin's
Close button does (the same service; the audit log records the command line)."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management.base import BaseCommand, CommandError

from campaigns.models import Campaign
from campaigns.services import campaign_close
from square.project.beijing_time import SECONDS, beijing_text
from square.project.refusals import refusal_text


def campaign_for(slug: str) -> Campaign:
    try:
        return Campaign.objects.get(slug=slug)
    except Campaign.DoesNotExist:
        raise CommandError(f"No campaign with the slug {slug!r}.") from None


def run(service, **kwargs):
    """Call a service; its refusals become a CommandError with the same message."""
    try:
        return service(actor=None, **kwargs)
    except (ValidationError, PermissionDenied) as error:
        raise CommandError(refusal_text(error)) from error


class Command(BaseCommand):
    help = "Close an ended campaign: judge every entry a last time and freeze its lists."

    def add_arguments(self, parser):
        parser.add_argument("slug", help="the campaign's slug")

    def handle(self, *args, slug, **options):
        campaign = campaign_for(slug)
        if campaign.closed_at is not None and campaign.status != Campaign.Status.SCHEDULED:
            self.stdout.write(
                f"Already closed at {beijing_text(campaign.closed_at, SECONDS)}: nothing changed."
            )
            return
        campaign = run(campaign_close, campaign=campaign)
        self.stdout.write(
            self.style.SUCCESS(
                f"Closed {campaign.slug} at {beijing_text(campaign.closed_at, SECONDS)}."
            )
        )
        for snapshot in campaign.snapshots.order_by("kind"):
            self.stdout.write(f"  {snapshot.kind}: {snapshot.size} (SHA-256 {snapshot.digest})")
        self.stdout.write(
            f"The draw takes drand {campaign.beacon_chain} round {campaign.beacon_round}, "
            f"published at {beijing_text(campaign.beacon_at, SECONDS)}: "
            f"{campaign.beacon_urls[0]}"
        )
