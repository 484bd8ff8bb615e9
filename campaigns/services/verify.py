"""Redoing a campaign's draws from the data its results page publishes and checking
every winner, as anyone can with `python3 campaigns/draw.py` — for the
`campaign_verify` command, the admin and the tests alike.

The results come from `results_data` (as results.json serves them, winners included
even before publication) and the lists straight from the frozen snapshots, so no HTTP
is needed. Beyond what the public script can check, the lists' digests and the randomness
are compared with the audit log, and each lucky-draw winner with the winning post's
author. `published_results_verify` instead checks a live site with the shipped script.
Nothing here writes: every check reads and reports.
"""

import contextlib
import hashlib
import io
from collections.abc import Callable
from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from campaigns import draw
from campaigns.beacons import signature_verifies
from campaigns.models import AuditEvent, Award, Campaign, RewardTier
from campaigns.selectors.results import list_path, lists_frozen, results_data, seed_revealed
from square.models import Post


class VerifyError(Exception):
    """A check that cannot run at all (nothing frozen yet, a list missing); `output` is
    what the shipped script printed before it stopped, if it ran."""

    def __init__(self, message: str, *, output: str = "") -> None:
        super().__init__(message)
        self.output = output


@dataclass
class Report:
    """The checks' outcome, line by line: ("ok" | "mismatch" | "note", text). `emit`, if
    given, sees each line as it comes (the command prints them as they run)."""

    emit: Callable[[str, str], None] | None = None
    lines: list[tuple[str, str]] = field(default_factory=list)

    @property
    def problems(self) -> list[str]:
        return [text for kind, text in self.lines if kind == "mismatch"]

    def add(self, kind: str, text: str) -> None:
        self.lines.append((kind, text))
        if self.emit is not None:
            self.emit(kind, text)

    def check(self, passed: bool, text: str, failure: str | None = None) -> None:
        if passed:
            self.add("ok", text)
        else:
            self.add("mismatch", failure or text)


def _is_hex(value, length: int) -> bool:
    try:
        return len(value) == length and len(bytes.fromhex(value)) == length // 2
    except (TypeError, ValueError):
        return False


def campaign_verify(*, campaign: Campaign, commitment: str | None = None, emit=None) -> Report:
    """Every check on a closed campaign: the frozen lists, and once the seed is revealed
    the draws, the commitment (also against `commitment`, recorded before the draw, if
    given) and the lucky winners. Raises VerifyError before the close."""
    report = Report(emit=emit)
    if not lists_frozen(campaign):
        raise VerifyError(_("The campaign is not closed yet: its lists are not frozen."))
    bodies = _check_lists(report, campaign)
    if not seed_revealed(campaign):
        report.add("note", _("The seed is revealed by the draw: the winners can be checked then."))
    else:
        _check_draw(report, campaign, bodies, commitment)
    return report


def _check_lists(report: Report, campaign: Campaign) -> dict[str, bytes]:
    """Each frozen list's bytes against its stored digest and size, and the digest
    against the one the close wrote to the audit log."""
    closing = AuditEvent.objects.filter(campaign=campaign, action="close").order_by("id")
    recorded = (closing.values_list("result", flat=True).first() or {}).get("lists", {})
    bodies = {}
    for snapshot in campaign.snapshots.order_by("kind"):
        raw = snapshot.body.encode("ascii")
        bodies[list_path(campaign, snapshot.kind)] = raw
        lines = raw.count(b"\n")
        report.check(
            hashlib.sha256(raw).hexdigest() == snapshot.digest and lines == snapshot.size,
            _("list %(kind)s: %(lines)s ids, sha256 %(digest)s")
            % {"kind": snapshot.kind, "lines": lines, "digest": snapshot.digest},
            _("list %(kind)s: its bytes do not match its digest or size") % {"kind": snapshot.kind},
        )
        if snapshot.kind in recorded:
            report.check(
                recorded[snapshot.kind].get("digest") == snapshot.digest,
                _("list %(kind)s: digest as recorded at the close") % {"kind": snapshot.kind},
                _("list %(kind)s: digest differs from the one recorded at the close")
                % {"kind": snapshot.kind},
            )
    if not recorded:
        report.add("note", _("(no close in the audit log: digests not cross-checked)"))
    return bodies


def _check_draw(report: Report, campaign: Campaign, bodies: dict[str, bytes], expected) -> None:
    """The seed against the commitment and the randomness against the audit log, the
    beacon, then each tier's draw redone by the public script's own checks on the frozen
    bytes."""
    data = results_data(campaign=campaign, preview=True)
    if not _is_hex(data["seed"], 64):
        report.add("mismatch", _("the seed is not 64 hexadecimal digits"))
        return
    _check_seed(report, campaign, data, expected)

    def fetch(url: str) -> bytes:
        if url not in bodies:
            raise VerifyError(_("No frozen list at %(url)s.") % {"url": url})
        return bodies[url]

    _check_beacon(report, campaign, data)
    for tier in data["tiers"]:
        found = draw.tier_problems(tier, data["seed"], data["entropy"] or "", fetch)
        for problem in found:
            report.add("mismatch", problem)
        if not found:
            report.add(
                "ok",
                _(
                    "tier %(slug)s (%(kind)s): %(winners)s winner(s), "
                    "%(alternates)s alternate(s), %(revoked)s revoked"
                )
                % {
                    "slug": tier["slug"],
                    "kind": tier["kind"],
                    "winners": len(tier["winners"]),
                    "alternates": len(tier["alternates"]),
                    "revoked": tier["revoked"],
                },
            )
    _check_lucky_authors(report, campaign)


def _check_seed(report: Report, campaign: Campaign, data: dict, expected) -> None:
    report.check(
        draw.commitment(data["seed"]) == data["commitment"],
        _("commitment %(commitment)s = SHA-256(seed)") % {"commitment": data["commitment"]},
        _("the seed does not match the commitment"),
    )
    if expected:
        report.check(
            expected.strip().lower() == data["commitment"],
            _("commitment as recorded before the draw"),
            _("the commitment differs from the one recorded before the draw"),
        )
    drawing = AuditEvent.objects.filter(campaign=campaign, action="draw").order_by("id")
    result = drawing.values_list("result", flat=True).first()
    if result is not None:
        report.check(
            result.get("entropy") == data["entropy"],
            _("randomness %(entropy)s as recorded at the draw") % {"entropy": data["entropy"]},
            _("the randomness differs from the one recorded at the draw"),
        )


def _check_beacon(report: Report, campaign: Campaign, data: dict) -> None:
    """The public script's beacon checks (the pinned round, randomness = SHA-256 of the
    signature, the draws' entropy), then the BLS signature against the chain's key."""
    problems = draw.beacon_problems(data)
    for problem in problems:
        report.add("mismatch", problem)
    if problems:
        return
    beacon = data["beacon"]
    report.add(
        "ok",
        _("drand %(chain)s round %(round)s, the round the rules pinned")
        % {"chain": beacon["chain"], "round": beacon["round"]},
    )
    report.check(
        signature_verifies(chain=campaign.chain, beacon=beacon),
        _("the beacon's BLS signature verifies against the chain's public key"),
        _("the beacon's BLS signature does not verify against the chain's public key"),
    )


def _check_lucky_authors(report: Report, campaign: Campaign) -> None:
    """The public script checks a lucky winner's post; here also that the award went
    to that post's author."""
    awards = list(
        Award.objects.filter(tier__campaign=campaign, tier__kind=RewardTier.Kind.LUCKY_POST_DRAW)
        .exclude(status=Award.Status.REVOKED)
        .values_list("tier__slug", "user_id", "post_id")
    )
    if not awards:
        return
    authors = dict(
        Post.objects.filter(pk__in=[p for _t, _u, p in awards]).values_list("pk", "author_id")
    )
    wrong = [(t, p) for t, u, p in awards if authors.get(p) != u]
    report.check(
        not wrong,
        _("every lucky-draw award went to the winning post's author"),
        "; ".join(
            _("%(tier)s: the award for post %(post)s is not its author's") % {"tier": t, "post": p}
            for t, p in wrong
        ),
    )


def published_results_verify(*, url: str) -> tuple[bool, str]:
    """The shipped script on published results (a URL or a file), exactly as anyone
    would run it: whether they verify, and what the script printed."""
    output = io.StringIO()
    try:
        with contextlib.redirect_stdout(output), contextlib.redirect_stderr(output):
            status = draw.main(["draw.py", url])
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise VerifyError(f"Could not check {url}: {exc}", output=output.getvalue()) from exc
    return status == 0, output.getvalue()
