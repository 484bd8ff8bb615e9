from django.core.management.base import BaseCommand
from django.utils.translation import ngettext
from tqdm import tqdm

from square.models import Post
from square.services.duplicates import duplicate_index_rebuild


class Command(BaseCommand):
    help = "Rebuild the near-duplicate index (LSH band keys) from every post's text."

    def add_arguments(self, parser):
        parser.add_argument("--batch-size", type=int, default=1000)

    def handle(self, *args, batch_size, **options):
        total = Post.objects.exclude(status=Post.Status.DELETED).exclude(body="").count()
        disable = options["verbosity"] == 0
        with tqdm(total=total, unit=" posts", file=self.stderr, disable=disable) as bar:
            done = duplicate_index_rebuild(batch_size=batch_size, progress=bar.update)
        message = (
            ngettext(
                "Indexed %(posts)d post with %(keys)d band keys.",
                "Indexed %(posts)d posts with %(keys)d band keys.",
                done["posts"],
            )
            % done
        )
        self.stdout.write(self.style.SUCCESS(message))
