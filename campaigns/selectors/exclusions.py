"""The public disqualification list of a campaign: how many entries and people were
excluded, by reason code, and one pseudonymous row per excluded person — so anyone can
see that nothing was filtered out quietly before a draw.

Counted by the database from the stored verdicts: live while the campaign is open, and
after the close the entries are frozen, so the same query is the record. Awards revoked
after the draw are counted by the code their reason starts with.

No names and no ids: each person is a pseudonym, the first 10 hex digits of
HMAC-SHA256(key = SECRET_KEY, message = "<campaign slug>:<user id>"). It is stable for
one campaign (a person can find their own row), differs between campaigns, and cannot
be turned back into an account without the site's secret key.

One query whatever the number of entries (grouped by person, cached), and none for
the revoked awards when the results pages pass the codes of the awards they loaded.
"""

import dataclasses
import hashlib
import hmac
import time
from dataclasses import dataclass, field
from functools import reduce
from operator import or_
from typing import NamedTuple

from django.conf import settings
from django.core.cache import cache
from django.db.models import Count, Q
from django.utils.translation import gettext_lazy

from campaigns.models import Award, Campaign, Entry
from campaigns.models.entry import reason_q
from campaigns.rules import Reason
from square.project.caching import cache_get, cache_set_many

OTHER = "other"  # codes this version does not know, and awards revoked by hand
OTHER_LABEL = gettext_lazy("other")
PEOPLE_SHOWN = 200  # rows on the page; the totals always cover everyone
PEOPLE_EXPORTED = 10_000  # rows in results.json
PSEUDONYM_HEX = 10
LIVE_CACHE_SECONDS = 60
FROZEN_CACHE_SECONDS = 3600
AWARDS_EXIST = (Campaign.Status.DRAWN, Campaign.Status.PUBLISHED)
PSEUDONYM_RULE = "first 10 hex digits of HMAC-SHA256(key=site secret, msg='<slug>:<user id>')"


def pseudonym(campaign: Campaign, user_id: int) -> str:
    message = f"{campaign.slug}:{user_id}".encode()
    digest = hmac.new(settings.SECRET_KEY.encode(), message, hashlib.sha256).hexdigest()
    return digest[:PSEUDONYM_HEX]


def reason_label(code: str) -> str:
    return str(Reason(code).label) if code in Reason.values else str(OTHER_LABEL)


@dataclass(frozen=True)
class ReasonRow:
    code: str
    entries: int  # excluded entries with this code (an entry may have several)
    users: int  # people with at least one such entry

    @property
    def label(self) -> str:  # in the viewer's language (the row itself is cached)
        return reason_label(self.code)


@dataclass(frozen=True)
class RevokedRow:
    code: str
    label: str
    awards: int


class ExcludedPerson(NamedTuple):  # one row of `Exclusions.people`, named for the page
    pseudonym: str
    entries: int  # their excluded entries
    codes: tuple[str, ...]
    counting: int  # their entries that still count

    @property
    def labels(self) -> list[str]:
        return [reason_label(code) for code in self.codes]


@dataclass
class Exclusions:
    entries: int = 0  # excluded entries
    users: int = 0  # people with at least one excluded entry
    users_out: int = 0  # of those, people with no entry that counts
    under_review: int = 0  # excluded entries waiting for staff
    by_reason: list[ReasonRow] = field(default_factory=list)
    revoked: list[RevokedRow] = field(default_factory=list)
    # Every row by pseudonym, as plain tuples (pseudonym, entries, codes, counting): the
    # list is cached, and ~16,000 named tuples took 80 ms a request to unpickle.
    rows: list[tuple] = field(default_factory=list)
    version: int = 0  # when it was counted (ns): names this copy across processes

    @property
    def people(self) -> list[ExcludedPerson]:
        return [ExcludedPerson._make(row) for row in self.rows]

    @property
    def people_count(self) -> int:
        return len(self.rows)

    @property
    def revoked_total(self) -> int:
        return sum(row.awards for row in self.revoked)

    @property
    def shown(self) -> list[ExcludedPerson]:
        return [ExcludedPerson._make(row) for row in self.rows[:PEOPLE_SHOWN]]

    @property
    def truncated(self) -> bool:
        return len(self.rows) > PEOPLE_SHOWN

    def person(self, campaign: Campaign, user) -> ExcludedPerson | None:
        """The row of a signed-in viewer, wherever it is in the list."""
        if user is None or not user.is_authenticated:
            return None
        mine = pseudonym(campaign, user.pk)
        row = next((row for row in self.rows if row[0] == mine), None)
        return None if row is None else ExcludedPerson._make(row)

    def as_json(self) -> dict:
        return {
            "pseudonym_rule": PSEUDONYM_RULE,
            "entries": self.entries,
            "users": self.users,
            "users_without_counting_entry": self.users_out,
            "under_review": self.under_review,
            "by_reason": [
                {"code": r.code, "entries": r.entries, "users": r.users} for r in self.by_reason
            ],
            "revoked_awards": [{"code": r.code, "awards": r.awards} for r in self.revoked],
            "people_total": len(self.rows),
            "people": [
                {"pseudonym": p.pseudonym, "entries": p.entries, "codes": list(p.codes)}
                for p in map(ExcludedPerson._make, self.rows[:PEOPLE_EXPORTED])
            ],
        }


def _per_person(campaign: Campaign) -> list[dict]:
    """One row per person with an excluded entry: their excluded and counting entries,
    and how many of the excluded carry each code (one grouped query)."""
    codes = Reason.values
    excluded = Q(valid=False)
    known = reduce(or_, (reason_q(code) for code in codes))
    counts = {
        "excluded": Count("pk", filter=excluded),
        "counting": Count("pk", filter=Q(valid=True)),
        "review": Count("pk", filter=excluded & Q(under_review=True)),
        "unknown": Count("pk", filter=excluded & ~known),
    }
    for i, code in enumerate(codes):
        counts[f"r{i}"] = Count("pk", filter=excluded & reason_q(code))
    rows = (
        Entry.objects.filter(campaign=campaign)
        .values("author_id")
        .annotate(**counts)
        .filter(excluded__gt=0)
        .order_by()
    )
    return list(rows)


def revoked_code(reason: str) -> str:
    """The reason code a revoked award's reason starts with ("author_banned: …"); a
    reason written by hand is "other"."""
    code = reason.split(":", 1)[0].strip() if ":" in reason else ""
    return code if code in Reason.values else OTHER


def _revoked_rows(codes: list[str]) -> list[RevokedRow]:
    counts: dict[str, int] = {}
    for code in codes:
        counts[code] = counts.get(code, 0) + 1
    order = [*Reason.values, OTHER]
    return [RevokedRow(c, reason_label(c), counts[c]) for c in order if c in counts]


def _revoked(campaign: Campaign) -> list[RevokedRow]:
    """Awards revoked after the draw, by the reason code their reason starts with."""
    reasons = Award.objects.filter(tier__campaign=campaign, status=Award.Status.REVOKED)
    return _revoked_rows(
        [revoked_code(r) for r in reasons.values_list("revoked_reason", flat=True)]
    )


def _cache_key(campaign: Campaign) -> str:
    return f"campaigns:exclusions:{campaign.pk}:{campaign.status}"


def exclusions_forget(*, campaign: Campaign) -> None:
    """Drop the cached list after a moderation decision, so the page shows it at once."""
    key = _cache_key(campaign)
    cache.delete_many([key, f"{key}:version"])


def _summary(campaign: Campaign) -> Exclusions:
    """The totals, the counts by reason and every person's row (by pseudonym)."""
    codes = Reason.values
    rows = _per_person(campaign)
    result = Exclusions(
        entries=sum(r["excluded"] for r in rows),
        users=len(rows),
        users_out=sum(1 for r in rows if r["counting"] == 0),
        under_review=sum(r["review"] for r in rows),
    )
    for i, code in enumerate(codes):
        entries = sum(r[f"r{i}"] for r in rows)
        if entries:
            users = sum(1 for r in rows if r[f"r{i}"])
            result.by_reason.append(ReasonRow(code, entries, users))
    unknown = sum(r["unknown"] for r in rows)
    if unknown:
        users = sum(1 for r in rows if r["unknown"])
        result.by_reason.append(ReasonRow(OTHER, unknown, users))
    people = []
    for r in rows:
        found = [code for i, code in enumerate(codes) if r[f"r{i}"]]
        if r["unknown"]:
            found.append(OTHER)
        name = pseudonym(campaign, r["author_id"])
        people.append((name, r["excluded"], tuple(found), r["counting"]))
    result.rows = sorted(people)  # by pseudonym (unique: a keyed hash of the person)
    return result


# The last summary each process read, by cache key: reused while the shared cache names
# the same version, so a request reads a number from Redis, not ~16,000 rows (20 ms).
_read: dict[str, Exclusions] = {}


def _summary_cached(campaign: Campaign) -> Exclusions:
    """`_summary`, cached like the live ranking: a minute while entries can change
    (moderation decisions drop it at once), an hour once the entries are frozen. The
    whole summary is cached, not the rows it is built from: pseudonyms for ~16,000
    people cost 40 ms a request at the benchmark's scale. Shared by every request of
    this process: not to be changed (`campaign_exclusions` copies it)."""
    key = _cache_key(campaign)
    version = cache_get(f"{key}:version")
    known = _read.get(key)
    if version is not None and known is not None and known.version == version:
        return known
    summary = cache_get(key)
    if summary is None or version != summary.version:
        if summary is None:
            summary = _summary(campaign)
            summary.version = time.time_ns()
        open_ = campaign.status == Campaign.Status.SCHEDULED
        timeout = LIVE_CACHE_SECONDS if open_ else FROZEN_CACHE_SECONDS
        cache_set_many({key: summary, f"{key}:version": summary.version}, timeout)
    _read[key] = summary
    return summary


def campaign_exclusions(
    campaign: Campaign, *, with_revoked: bool = False, revoked_codes: list[str] | None = None
) -> Exclusions:
    """Everything the results page and results.json say about excluded entries; with
    `with_revoked`, also the awards revoked since the draw. Those are as private as the
    winners: the results views ask only when the winners are visible (see
    `results.winners_visible`) and some award was revoked — passing the codes of the
    revoked awards they already loaded (`revoked_codes`), which costs no query."""
    result = dataclasses.replace(_summary_cached(campaign))  # the process shares the summary
    if revoked_codes:
        result.revoked = _revoked_rows(revoked_codes)
    elif with_revoked and campaign.status in AWARDS_EXIST:
        result.revoked = _revoked(campaign)
    return result
