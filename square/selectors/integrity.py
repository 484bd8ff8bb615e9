"""Reads for integrity: near-duplicate candidates from the LSH index, the moderation
queue with everything a decision needs, and what the author of a post is told about it."""

from dataclasses import dataclass, field

from django import forms
from django.db import connection
from django.db.models import Count, Exists, FilteredRelation, Max, OuterRef, Q, QuerySet
from django.utils.translation import gettext as _

from square import similarity
from square.models import (
    Appeal,
    DuplicateFlag,
    Post,
    PostBand,
    PostShingles,
    PostUnderReview,
    Report,
)

# A key shared by more than this many posts is a common phrase, not evidence: only its
# newest posts are read, so one "新年快乐" cannot make a check read a million rows. A
# one-value key is one trigram's MinHash: at 1,000,000 posts 18 of a long post's 44 keys
# are shared by more than 100 posts, and reading 30 of each instead of 100 reads 2.6
# times fewer rows and half the candidates, the same flags found (docs/integrity.md).
HUB_CAP = 30
CANDIDATES = 12


def pg_array(values: list[int]) -> str:
    """A PostgreSQL array literal of integers (for `%s::bigint[]`): cheaper to pass than
    a list, which the driver adapts value by value."""
    return "{" + ",".join(map(str, values)) + "}"


def _candidates_sql(keys: list[int], exclude_post_id: int | None) -> tuple[str, list]:
    """The candidate statement and its parameters: for each key the newest HUB_CAP
    posts sharing it, grouped by post, those sharing at least MIN_SHARED keys, best
    CANDIDATES first. PostgreSQL runs it as one
    lateral index scan per key (planned in a fraction of a millisecond: the same
    statement as 64 united subqueries took longer to plan than to run); other
    databases get those united subqueries."""
    table = connection.ops.quote_name(PostBand._meta.db_table)
    if connection.vendor == "postgresql":
        hits = (
            "SELECT b.post_id FROM unnest(%s::bigint[]) AS k(key) CROSS JOIN LATERAL "
            f"(SELECT post_id FROM {table} WHERE key = k.key AND post_id <> %s "
            f"ORDER BY post_id DESC LIMIT {HUB_CAP}) AS b"
        )
        params: list = [pg_array(keys), exclude_post_id or 0]
    else:
        part = (
            "SELECT post_id FROM (SELECT post_id FROM {t} WHERE key = %s AND post_id <> %s "
            "ORDER BY key, post_id DESC LIMIT {cap}) AS b{i}"
        )
        hits = " UNION ALL ".join(part.format(t=table, cap=HUB_CAP, i=i) for i in range(len(keys)))
        params = []
        for key in keys:
            params += [key, exclude_post_id or 0]
    sql = (
        f"SELECT post_id, COUNT(*) AS shared FROM ({hits}) AS hits GROUP BY post_id "
        "HAVING COUNT(*) >= %s ORDER BY shared DESC, post_id ASC LIMIT %s"
    )
    return sql, [*params, similarity.MIN_SHARED, CANDIDATES]


def duplicate_candidates(*, keys: list[int], exclude_post_id: int | None) -> list[tuple[int, int]]:
    """(post id, shared band keys) of the posts sharing the most keys with `keys` (at
    least `similarity.MIN_SHARED`), best first — one statement, bounded by HUB_CAP rows
    per key."""
    keys = sorted(set(keys))
    if not keys:
        return []
    with connection.cursor() as cursor:
        cursor.execute(*_candidates_sql(keys, exclude_post_id))
        return [(row[0], row[1]) for row in cursor.fetchall()]


@dataclass(frozen=True, slots=True)
class Source:
    """A candidate that may be compared: its author, text and stored shingles (the
    stored columns are None when the post has none)."""

    pk: int
    author_id: int
    body: str
    version: int | None
    digest: int | None
    hashes: bytes | None


def duplicate_sources_query(
    *, keys: list[int], post_id: int, written_before, quoted_id: int | None
) -> tuple[str, list]:
    """The statement of `duplicate_sources` and its parameters (the check prefixes its
    index writes to it on PostgreSQL: one round trip)."""
    q = connection.ops.quote_name
    candidates, params = _candidates_sql(sorted(set(keys)), post_id)
    sql = (
        "SELECT p.id, p.author_id, p.body, s.version, s.digest, s.hashes "
        f"FROM ({candidates}) AS c JOIN {q(Post._meta.db_table)} AS p ON p.id = c.post_id "
        f"LEFT JOIN {q(PostShingles._meta.db_table)} AS s ON s.post_id = p.id "
        "WHERE p.created_at < %s AND p.status <> %s AND p.id <> %s"
    )
    when = connection.ops.adapt_datetimefield_value(written_before)
    return sql, [*params, when, Post.Status.DELETED.value, quoted_id or 0]


def duplicate_sources(
    *, keys: list[int], post_id: int, written_before, quoted_id: int | None
) -> list[Source]:
    """The candidates of `duplicate_candidates` that may be sources of the post
    `post_id`: written before `written_before`, not deleted, not the post it quotes —
    with what comparing them needs, in the same statement."""
    if not keys:
        return []
    query = duplicate_sources_query(
        keys=keys, post_id=post_id, written_before=written_before, quoted_id=quoted_id
    )
    with connection.cursor() as cursor:
        cursor.execute(*query)
        return [Source(*row) for row in cursor.fetchall()]


def open_flags() -> QuerySet:
    """Flags that wait for staff (self-repeats decide themselves and are not queued)."""
    return DuplicateFlag.objects.filter(status=DuplicateFlag.Status.PENDING).exclude(
        kind=DuplicateFlag.Kind.SELF_REPEAT
    )


def moderation_queue() -> QuerySet:
    """Posts with an open flag, report or appeal; most-reported first, then newest."""
    flagged = open_flags().filter(post=OuterRef("pk"))
    appealed = Appeal.objects.filter(post=OuterRef("pk"), status=Appeal.Status.OPEN)
    open_reports = Q(reports__status=Report.Status.OPEN)
    return (
        PostUnderReview.objects.annotate(
            open_reports=Count("reports", filter=open_reports, distinct=True),
            has_flag=Exists(flagged),
            has_appeal=Exists(appealed),
            last_report_at=Max("reports__created_at", filter=open_reports),
        )
        .filter(Q(open_reports__gt=0) | Q(has_flag=True) | Q(has_appeal=True))
        .select_related("author")
        .order_by("-open_reports", "-created_at", "-id")
    )


def moderation_case(*, post: Post) -> dict:
    """Everything the decision page shows for one post: its flags with their sources,
    the reports, the appeal, and the past decisions."""
    flags = (
        DuplicateFlag.objects.filter(post=post)
        .select_related("source__author", "reviewed_by")
        .order_by("status", "-similarity")
    )
    reports = Report.objects.filter(post=post).select_related("reporter", "original__author")
    return {
        "flags": list(flags),
        "reports": list(reports.order_by("-created_at")),
        "appeal": Appeal.objects.filter(post=post).first(),
        "decisions": list(post.moderation_actions.select_related("actor")[:20]),
    }


@dataclass(frozen=True)
class Findings:
    """What integrity checks left on one post: its live (not cleared) flags as
    (kind, status), and its appeal's status and time (None when there is none)."""

    flags: tuple[tuple[str, str], ...] = ()
    appeal_status: str | None = None
    appeal_at: object = None

    def appeal_allowed(self, post_status: str) -> bool:
        """The one appeal rule: the post is flagged or hidden, and not appealed yet."""
        flagged = bool(self.flags) or post_status == Post.Status.HIDDEN
        return flagged and self.appeal_status is None


def integrity_state(*, post_ids) -> dict[int, Findings]:
    """{post id: Findings} for these posts, in one query — for the campaign entry rules,
    the author's view of their post and the appeal service. Posts with nothing to say
    are left out."""
    live = FilteredRelation("duplicate_flags", condition=~Q(duplicate_flags__status="cleared"))
    rows = (
        Post.objects.filter(pk__in=list(post_ids))
        .annotate(live=live)
        .values_list("pk", "live__kind", "live__status", "appeal__status", "appeal__created_at")
    )
    found: dict[int, dict] = {}
    for pk, kind, status, appeal_status, appeal_at in rows:
        entry = found.setdefault(pk, {"flags": set(), "appeal": (appeal_status, appeal_at)})
        if kind:
            entry["flags"].add((kind, status))
    return {
        pk: Findings(tuple(sorted(e["flags"])), *e["appeal"])
        for pk, e in found.items()
        if e["flags"] or e["appeal"][0]
    }


# --- what the author of a post is told -----------------------------------------------------


@dataclass
class AuthorIntegrity:
    """What the author of a post is told about it: findings in words, their appeal."""

    notes: list[str] = field(default_factory=list)
    appeal_status: str | None = None
    appeal_at: object = None
    can_appeal: bool = False
    form: forms.Form | None = None  # the appeal form, when the view offers one

    @property
    def appeal_text(self) -> str:
        return {
            Appeal.Status.OPEN: _("Your appeal was sent: waiting for review by staff."),
            Appeal.Status.ACCEPTED: _("Staff accepted your appeal."),
            Appeal.Status.REJECTED: _("Staff rejected your appeal."),
        }.get(self.appeal_status, "")

    def __bool__(self) -> bool:
        return bool(self.notes or self.appeal_status)


def _flag_note(kind: str, status: str) -> str:
    if kind == DuplicateFlag.Kind.SELF_REPEAT:
        return _(
            "This post repeats one of your earlier posts. It stays up, but in a campaign "
            "only the earlier one counts."
        )
    if status == DuplicateFlag.Status.CONFIRMED:
        return _("Staff confirmed that this post copies someone else's earlier post.")
    if kind == DuplicateFlag.Kind.COPY_OF_OTHER:
        return _(
            "Flagged as a possible copy of someone else's earlier post — under review by "
            "staff. Until then it does not count in campaigns."
        )
    return _(
        "Flagged as possibly reworded from someone else's earlier post — under review by "
        "staff. It still counts in campaigns while they review it."
    )


def author_integrity(post: Post) -> AuthorIntegrity:
    """The post's findings in words for its author (`integrity_state`, one
    query), and whether they may appeal (the same rule the appeal service applies)."""
    found = integrity_state(post_ids=[post.pk]).get(post.pk, Findings())
    state = AuthorIntegrity(appeal_status=found.appeal_status, appeal_at=found.appeal_at)
    if post.status == Post.Status.HIDDEN:
        state.notes.append(_("Hidden by staff: only you and staff can see this post."))
    state.notes += list(dict.fromkeys(_flag_note(kind, status) for kind, status in found.flags))
    state.can_appeal = found.appeal_allowed(post.status)
    return state
