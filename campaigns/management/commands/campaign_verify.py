"""`manage.py campaign_verify <slug>`: redo a campaign's draws from the data its results
page publishes and check every winner, as anyone can with `python3 campaigns/draw.py`.

The results come from `results_data` (as results.json serves them, winners included
even before publication) and the lists straight from the frozen snapshots, so no HTTP
is needed. Beyond what the public script can check, the lists' digests and the entropy
are compared with the audit log, and each lucky-draw winner with the winning post's
author. `--url https://…/results.json` instead checks a live site with the shipped
script itself. Any mismatch makes the command fail (exit status 1).
"""

import contextlib
import hashlib
import io

from django.core.management.base import BaseCommand, CommandError

from campaigns import draw
from campaigns.models import AuditEvent, Award, Campaign, RewardTier
from campaigns.selectors.results import list_path, lists_frozen, results_data, seed_revealed
from square.models import Post


def _is_hex(value, length: int) -> bool:
    try:
        return len(value) == length and len(bytes.fromhex(value)) == length // 2
    except (TypeError, ValueError):
        return False


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
        self.problems: list[str] = []
        self.stdout.write(f"campaign {campaign.slug} ({campaign.status})")
        if not lists_frozen(campaign):
            raise CommandError("The campaign is not closed yet: its lists are not frozen.")
        bodies = self._check_lists(campaign)
        if not seed_revealed(campaign):
            self.stdout.write("The seed is revealed by the draw: the winners can be checked then.")
        else:
            self._check_draw(campaign, bodies, commitment)
        if self.problems:
            raise CommandError(f"{len(self.problems)} problem(s): " + "; ".join(self.problems))
        self.stdout.write(self.style.SUCCESS("all checks passed"))

    # --- reporting ---------------------------------------------------------------------------

    def _ok(self, text: str) -> None:
        self.stdout.write(f"OK        {text}")

    def _bad(self, text: str) -> None:
        self.problems.append(text)
        self.stdout.write(self.style.ERROR(f"MISMATCH  {text}"))

    def _check(self, passed: bool, text: str, failure: str | None = None) -> None:
        if passed:
            self._ok(text)
        else:
            self._bad(failure or text)

    # --- the checks --------------------------------------------------------------------------

    def _check_lists(self, campaign: Campaign) -> dict[str, bytes]:
        """Each frozen list's bytes against its stored digest and size, and the digest
        against the one the close wrote to the audit log."""
        closing = AuditEvent.objects.filter(campaign=campaign, action="close").order_by("id")
        recorded = (closing.values_list("result", flat=True).first() or {}).get("lists", {})
        bodies = {}
        for snapshot in campaign.snapshots.order_by("kind"):
            raw = snapshot.body.encode("ascii")
            bodies[list_path(campaign, snapshot.kind)] = raw
            lines = raw.count(b"\n")
            self._check(
                hashlib.sha256(raw).hexdigest() == snapshot.digest and lines == snapshot.size,
                f"list {snapshot.kind}: {lines} ids, sha256 {snapshot.digest}",
                f"list {snapshot.kind}: its bytes do not match its digest or size",
            )
            if snapshot.kind in recorded:
                self._check(
                    recorded[snapshot.kind].get("digest") == snapshot.digest,
                    f"list {snapshot.kind}: digest as recorded at the close",
                    f"list {snapshot.kind}: digest differs from the one recorded at the close",
                )
        if not recorded:
            self.stdout.write("(no close in the audit log: digests not cross-checked)")
        return bodies

    def _check_draw(self, campaign: Campaign, bodies: dict[str, bytes], expected) -> None:
        data = results_data(campaign=campaign, preview=True)
        if not _is_hex(data["seed"], 64):
            self._bad("the seed is not 64 hexadecimal digits")
            return

        def fetch(url: str) -> bytes:
            if url not in bodies:
                raise CommandError(f"No frozen list at {url}.")
            return bodies[url]

        self._check(
            draw.commitment(data["seed"]) == data["commitment"],
            f"commitment {data['commitment']} = SHA-256(seed)",
            "the seed does not match the commitment",
        )
        if expected:
            self._check(
                expected.strip().lower() == data["commitment"],
                "commitment as recorded before the draw",
                "the commitment differs from the one recorded before the draw",
            )
        drawing = AuditEvent.objects.filter(campaign=campaign, action="draw").order_by("id")
        inputs = drawing.values_list("inputs", flat=True).first()
        if inputs is not None:
            self._check(
                inputs.get("entropy") == data["entropy"],
                f"entropy {data['entropy']!r} as recorded at the draw",
                "the entropy differs from the one recorded at the draw",
            )
        for tier in data["tiers"]:
            found = draw.verify({**data, "tiers": [tier]}, fetch=fetch)
            if found:
                for problem in found:
                    self._bad(problem)
            else:
                self._ok(
                    f"tier {tier['slug']} ({tier['kind']}): {len(tier['winners'])} winner(s), "
                    f"{len(tier['alternates'])} alternate(s), {tier['revoked']} revoked"
                )
        self._check_lucky_authors(campaign)

    def _check_lucky_authors(self, campaign: Campaign) -> None:
        """The public script checks a lucky winner's post; here also that the award went
        to that post's author."""
        awards = list(
            Award.objects.filter(
                tier__campaign=campaign, tier__kind=RewardTier.Kind.LUCKY_POST_DRAW
            )
            .exclude(status=Award.Status.REVOKED)
            .values_list("tier__slug", "user_id", "post_id")
        )
        if not awards:
            return
        authors = dict(
            Post.objects.filter(pk__in=[p for _t, _u, p in awards]).values_list("pk", "author_id")
        )
        wrong = [(t, p) for t, u, p in awards if authors.get(p) != u]
        self._check(
            not wrong,
            "every lucky-draw award went to the winning post's author",
            "; ".join(f"{t}: the award for post {p} is not its author's" for t, p in wrong),
        )

    def _remote(self, url: str) -> None:
        """The shipped script on published results, exactly as anyone would run it."""
        output = io.StringIO()
        try:
            with contextlib.redirect_stdout(output), contextlib.redirect_stderr(output):
                status = draw.main(["draw.py", url])
        except (OSError, ValueError, KeyError, TypeError) as exc:
            self.stdout.write(output.getvalue(), ending="")
            raise CommandError(f"Could not check {url}: {exc}") from exc
        self.stdout.write(output.getvalue(), ending="")
        if status != 0:
            raise CommandError(f"{url}: the published results do not verify.")
