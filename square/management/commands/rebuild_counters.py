from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _

from square.services.counters import counters_rebuild


class Command(BaseCommand):
    help = "Recount likes, comments, reposts, posts, followers and tag counts from the rows."

    def handle(self, *args, **options):
        fixed = counters_rebuild()
        for name, n in fixed.items():
            self.stdout.write(f"{name}: {n}")
        total = sum(fixed.values())
        self.stdout.write(self.style.SUCCESS(_("%(n)d counters corrected.") % {"n": total}))
