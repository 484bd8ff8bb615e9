"""`manage.py rebuild_search_index`: write every post's search row again (after an
import, a restore, or a change of the search terms' rules), with a progress bar."""

from django.core.management.base import BaseCommand
from tqdm import tqdm

from square.models import Post
from square.services.search import search_index_rebuild


class Command(BaseCommand):
    help = "Rebuild the search index from the posts (safe to run while the site serves)."

    def add_arguments(self, parser):
        parser.add_argument("--batch", type=int, default=2000, help="posts per transaction")

    def handle(self, *args, **options):
        total = Post.objects.count()
        with tqdm(total=total, unit="post", disable=options["verbosity"] == 0) as bar:
            written = search_index_rebuild(batch=options["batch"], progress=bar.update)
        self.stdout.write(f"Search index rebuilt: {written:,} of {total:,} posts are findable.")
