from django.core.management.base import BaseCommand
from django.utils.translation import ngettext
from tqdm import tqdm

from square.models import Post
from square.services.duplicates import duplicate_index_rebuild, duplicate_shingles_fill


class Command(BaseCommand):
    help = (
        "Rebuild the near-duplicate index (LSH band keys and stored shingles) from every "
        "post's text; with --shingles-only, only store the shingles posts lack."
    )

    def add_arguments(self, parser):
        parser.add_argument("--batch-size", type=int, default=1000)
        parser.add_argument(
            "--shingles-only",
            action="store_true",
            help="keep the band keys; store the shingles of posts that have none, or none "
            "for their current text (after an upgrade: much faster than a rebuild)",
        )

    def handle(self, *args, batch_size, shingles_only, **options):
        total = Post.objects.exclude(status=Post.Status.DELETED).exclude(body="").count()
        disable = options["verbosity"] == 0
        with tqdm(total=total, unit=" posts", file=self.stderr, disable=disable) as bar:
            if shingles_only:
                done = duplicate_shingles_fill(batch_size=batch_size, progress=bar.update)
            else:
                done = duplicate_index_rebuild(batch_size=batch_size, progress=bar.update)
        if shingles_only:
            message = ngettext(
                "Stored the shingles of %(filled)d of %(posts)d post.",
                "Stored the shingles of %(filled)d of %(posts)d posts.",
                done["posts"],
            )
        else:
            message = ngettext(
                "Indexed %(posts)d post with %(keys)d band keys.",
                "Indexed %(posts)d posts with %(keys)d band keys.",
                done["posts"],
            )
        self.stdout.write(self.style.SUCCESS(message % done))
