"""A campaign's awards as CSV, for the staff who hand out the prizes.

One row per prize of each award (an award of a tier without prizes still gets a row):
who won, which tier and prize, the voucher code (in full only for someone with
`view_voucher_code`, masked by `campaigns.codes.mask_code` otherwise), the status, and —
only for someone allowed to see them — the shipping address. The admin streams it;
`campaign_export` writes it to a file. Every export is written to the audit log first:
who, when (the event's time), and which columns, codes in full or masked.
"""

import csv
import sys
from collections.abc import Iterable, Iterator

from django.core.exceptions import PermissionDenied
from django.http import StreamingHttpResponse
from django.utils.translation import gettext as _

from campaigns.codes import can_see_codes, code_for
from campaigns.models import Award, Campaign
from campaigns.services.audit import audit_record

HEADER = (
    "award_id",
    "user_id",
    "username",
    "tier",
    "position",
    "prize",
    "voucher_code",
    "amount",
    "currency",
    "status",
    "revoked_reason",
)
ADDRESS_HEADER = ("recipient", "phone", "address", "postcode", "country")
ADDRESS_FIELDS = ("name", "phone", "address", "postcode", "country")  # ShippingAddress
BOM = "\ufeff"  # so Excel reads the file as UTF-8
# A cell starting with one of these is a formula to a spreadsheet: people choose their
# usernames and addresses, so such cells are quoted with a leading apostrophe.
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def can_see_addresses(actor) -> bool:
    """The command line (no actor) may; staff need `view_shipping_address`."""
    return actor is None or actor.has_perm("campaigns.view_shipping_address")


def _text(value) -> str:
    value = "" if value is None else str(value)
    return f"'{value}" if value.startswith(FORMULA_START) else value


def _awards(campaign: Campaign, with_addresses: bool):
    awards = (
        Award.objects.filter(tier__campaign=campaign)
        .select_related("user", "tier")
        .prefetch_related("items__prize")
        .order_by("tier__order", "tier_id", "position")
    )
    if with_addresses:
        awards = awards.select_related("address")
    return awards


def columns(with_addresses: bool) -> list[str]:
    return list(HEADER) + (list(ADDRESS_HEADER) if with_addresses else [])


def _rows(
    campaign: Campaign, with_addresses: bool, progress=None, *, with_codes: bool
) -> Iterator[list[str]]:
    yield columns(with_addresses)
    for done, award in enumerate(_awards(campaign, with_addresses).iterator(chunk_size=500), 1):
        head = [
            str(award.pk),
            str(award.user_id),
            _text(award.user.username),
            _text(award.tier.name),
            str(award.position),
        ]
        tail = [award.status, _text(award.revoked_reason)]
        if with_addresses:
            address = getattr(award, "address", None)
            tail += [_text(getattr(address, name, "")) for name in ADDRESS_FIELDS]
        items = sorted(award.items.all(), key=lambda item: item.prize_id) or [None]
        for item in items:
            middle = ["", "", "", ""]
            if item is not None:
                amount = "" if item.amount is None else f"{item.amount}"
                code = code_for(with_codes, item.code)
                middle = [_text(item.prize.label), code, amount, item.currency]
            yield head + middle + tail
        if progress is not None:
            progress(done)


def awards_export(*, campaign: Campaign, actor=None, with_addresses=None, via="admin"):
    """Audit the export and return (number of awards, with addresses, with full codes).

    `with_addresses=None` includes the addresses exactly when the actor may see them;
    asking for them without the permission is refused. Codes are in full exactly when
    the actor may see them (`view_voucher_code`), masked otherwise."""
    if actor is not None and not actor.has_perm("campaigns.view_award"):
        raise PermissionDenied(_("You may not export awards."))
    allowed = can_see_addresses(actor)
    if with_addresses is None:
        with_addresses = allowed
    elif with_addresses and not allowed:
        raise PermissionDenied(_("You may not see shipping addresses."))
    with_codes = can_see_codes(actor)
    count = Award.objects.filter(tier__campaign=campaign).count()
    inputs = {"format": "csv", "with_addresses": bool(with_addresses), "via": via}
    inputs |= {
        "columns": columns(bool(with_addresses)),
        "codes": "full" if with_codes else "masked",
    }
    audit_record(
        campaign=campaign, actor=actor, action="export", inputs=inputs, result={"awards": count}
    )
    return count, bool(with_addresses), with_codes


class _Echo:
    """A file-like object whose `write` hands back what csv.writer gives it."""

    def write(self, value: str) -> str:
        return value


def csv_lines(rows: Iterable[list[str]]) -> Iterator[str]:
    writer = csv.writer(_Echo())
    yield BOM
    for row in rows:
        yield writer.writerow(row)


def export_response(campaign: Campaign, actor) -> StreamingHttpResponse:
    """The admin's download: streamed, so a very large campaign never sits in memory."""
    _count, with_addresses, with_codes = awards_export(campaign=campaign, actor=actor)
    rows = _rows(campaign, with_addresses, with_codes=with_codes)
    response = StreamingHttpResponse(csv_lines(rows), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="awards-{campaign.slug}.csv"'
    response["Cache-Control"] = "no-store"
    return response


def export_to_file(campaign: Campaign, out, *, with_addresses: bool, progress=None) -> int:
    """Write the CSV to the text file `out` (opened with newline=""); returns the awards.
    `progress(done, total)` is called after each award."""
    total, with_addresses, with_codes = awards_export(
        campaign=campaign, actor=None, with_addresses=with_addresses, via="command"
    )
    step = (lambda done: progress(done, total)) if progress is not None else None
    for line in csv_lines(_rows(campaign, with_addresses, step, with_codes=with_codes)):
        out.write(line)
    return total


class ProgressBar:
    """`[#########...........]  45% 450/1000` on one line of stderr, redrawn in place
    (at most once per percent, so it costs nothing on a million rows)."""

    def __init__(self, stream=None, width: int = 30, label: str = ""):
        self.stream, self.width, self.label = stream or sys.stderr, width, label
        self.shown = -1

    def __call__(self, done: int, total: int) -> None:
        percent = 100 if total <= 0 else min(100, done * 100 // total)
        if percent == self.shown and done != total:
            return
        self.shown = percent
        filled = self.width * percent // 100
        bar = "#" * filled + "." * (self.width - filled)
        self.stream.write(f"\r{self.label}[{bar}] {percent:3d}% {done}/{total}")
        if done >= total:
            self.stream.write("\n")
        self.stream.flush()
