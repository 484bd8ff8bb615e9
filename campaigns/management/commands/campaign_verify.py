"""`manage.py campaign_verify <slug>`: redo a campaign's draws from the data its results
page publishes and check every winner, as anyone can with `python3 campaigns/draw.py`
(the checks are `campaigns.services.verify`). `--url https://…/results.json` instead
checks a live site with the shipped script itself. Any mismatch makes the command fail
(exit status 1).
"""

from django.core.management.base import BaseCommand, CommandError
from django.utils import translation

from campaigns.models import Campaign
from campaigns.services.verify import VerifyError, campaign_verify, published_results_verify


class Command(BaseCommand):
    help = "Recompute a campaign's draws from its published data; fail on any mismatch."

    def add_arguments(self, parser):
        parser.add_argument("slug", nargs="?", help="the campaign's slug")
        parser.add_argument(
            "--url", help="check a published results.json (URL or file) with campaigns/draw.py"
        )
        parser.add_argument(
            "--commitment",
            help="the commitment recorded from the campaign page before the draw, to compare",
        )

    def handle(self, *args, slug=None, url=None, commitment=None, **options):
        if bool(slug) == bool(url):
            raise CommandError("Give either a campaign slug or --url, not both.")
        if url:
            return self._remote(url)
        campaign = Campaign.objects.filter(slug=slug).first()
        if campaign is None:
            raise CommandError(f"No campaign {slug!r}.")
        self.stdout.write(f"campaign {campaign.slug} ({campaign.status})")
        try:
            # The command speaks English throughout, like the public script it mirrors.
            with translation.override("en"):
                report = campaign_verify(campaign=campaign, commitment=commitment, emit=self._line)
        except VerifyError as exc:
            raise CommandError(str(exc)) from exc
        if report.problems:
            raise CommandError(f"{len(report.problems)} problem(s): " + "; ".join(report.problems))
        self.stdout.write(self.style.SUCCESS("all checks passed"))

    def _line(self, kind: str, text: str) -> None:
        if kind == "ok":
            self.stdout.write(f"OK        {text}")
        elif kind == "mismatch":
            self.stdout.write(self.style.ERROR(f"MISMATCH  {text}"))
        else:
            self.stdout.write(text)

    def _remote(self, url: str) -> None:
        try:
            verified, output = published_results_verify(url=url)
        except VerifyError as exc:
            self.stdout.write(exc.output, ending="")
            raise CommandError(str(exc)) from exc
        self.stdout.write(output, ending="")
        if not verified:
            raise CommandError(f"{url}: the published results do not verify.")
