"""`manage.py seed_demo`: load the demo square (`make run` calls it on every start)."""

import time

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from square import demo


class Command(BaseCommand):
    help = "Load the demo users, posts and interactions once (deterministic); then does nothing."

    def add_arguments(self, parser):
        """Smaller numbers and --no-images make a quick square for trying things out."""
        parser.add_argument("--users", type=int, default=40, help="how many demo users")
        parser.add_argument("--posts", type=int, default=400, help="how many demo posts")
        parser.add_argument("--no-images", action="store_true", help="skip avatars and images")

    def handle(self, *args, **options):
        """Seed, then print what happened and how to log in; `make run` shows this."""
        started = time.perf_counter()
        try:
            result = demo.seed_demo(
                users=options["users"], posts=options["posts"], images=not options["no_images"]
            )
        except (ValueError, demo.SeedError) as exc:
            raise CommandError(str(exc)) from exc
        seconds = time.perf_counter() - started
        if result.created:
            self.stdout.write(
                f"Seeded {result.users} users and {result.posts} posts "
                f"({result.images} images), {result.likes} likes, {result.comments} comments, "
                f"{result.reposts} reposts and {result.follows} follows in {seconds:.1f} s."
            )
            if result.apps:  # other apps' seeders name their counts ("campaign_entries")
                *most, last = [f"{n} {key.replace('_', ' ')}" for key, n in result.apps.items()]
                self.stdout.write(f"Apps added {', '.join(most)}{' and ' if most else ''}{last}.")
        else:
            self.stdout.write(f"Demo data already seeded; nothing to do ({seconds:.2f} s).")
        if result.admin:
            self.stdout.write(f"Staff login: {demo.ADMIN} / {demo.ADMIN}")
        elif not settings.DEBUG:
            self.stdout.write("DEBUG is off: no admin account created.")
        names = ", ".join(u.username for u in demo.USERS[:3])
        self.stdout.write(f"Demo logins: {names} (password {demo.DEMO_PASSWORD})")
