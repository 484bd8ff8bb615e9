"""`manage.py campaign_leaderboard_rebuild [slug] [--check]`: rebuild the live
leaderboard rows of a campaign (or of every open one) from scratch, or with `--check`
compare them with the full computation without writing — the audit of the rows the
likes, comments, reposts and bans keep. Any difference makes `--check` fail (exit 1).
"""

import time

from django.core.management.base import BaseCommand, CommandError

from campaigns.models import Campaign
from campaigns.selectors.ranking import score_rows_differences
from campaigns.services.scores import score_rows_rebuild


class Command(BaseCommand):
    help = "Rebuild a campaign's live leaderboard rows, or --check them against a full recompute."

    def add_arguments(self, parser):
        parser.add_argument("slug", nargs="?", help="the campaign's slug (default: every open one)")
        parser.add_argument(
            "--check", action="store_true", help="compare with a full recompute; write nothing"
        )

    def handle(self, *args, slug=None, check=False, **options):
        campaigns = Campaign.objects.accepting_entries().order_by("pk")
        if slug:
            campaigns = Campaign.objects.filter(slug=slug)
            if not campaigns:
                raise CommandError(f"No campaign {slug!r}.")
        failed = 0
        for campaign in campaigns:
            started = time.perf_counter()
            if check:
                count, shown = score_rows_differences(campaign)
                failed += count
                for line in shown:
                    self.stdout.write(f"  {line}")
                verdict = f"{count} difference(s)" if count else "rows agree"
            else:
                verdict = f"{score_rows_rebuild(campaign=campaign)} rows rebuilt"
            seconds = time.perf_counter() - started
            self.stdout.write(f"campaign {campaign.slug}: {verdict} in {seconds:.2f} s")
        if failed:
            raise CommandError(f"{failed} row(s) differ from the full computation.")
