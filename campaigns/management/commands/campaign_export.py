"""`manage.py campaign_export <slug> --out FILE [--with-addresses]`: the awards as CSV
(UTF-8 with BOM), the same file the admin's export gives; a progress bar on stderr."""

from django.core.management.base import BaseCommand, CommandError

from campaigns.exports import ProgressBar, export_to_file
from campaigns.management.commands.campaign_close import campaign_for


class Command(BaseCommand):
    help = "Export a campaign's awards as CSV (shipping addresses only if asked for)."

    def add_arguments(self, parser):
        parser.add_argument("slug", help="the campaign's slug")
        parser.add_argument("--out", required=True, help="the CSV file to write ('-': stdout)")
        parser.add_argument(
            "--with-addresses",
            action="store_true",
            help="include the winners' shipping addresses",
        )
        parser.add_argument("--no-progress", action="store_true", help="no progress bar")

    def handle(self, *args, slug, out, with_addresses, no_progress, **options):
        campaign = campaign_for(slug)
        progress = None if no_progress else ProgressBar(self.stderr, label="awards ")
        if out == "-":
            total = export_to_file(
                campaign, self.stdout, with_addresses=with_addresses, progress=progress
            )
            return
        try:
            with open(out, "w", encoding="utf-8", newline="") as stream:
                total = export_to_file(
                    campaign, stream, with_addresses=with_addresses, progress=progress
                )
        except OSError as error:
            raise CommandError(f"Cannot write {out}: {error}") from error
        addresses = "with" if with_addresses else "without"
        self.stdout.write(
            self.style.SUCCESS(
                f"Exported {total} awards of {campaign.slug} to {out} ({addresses} addresses)."
            )
        )
