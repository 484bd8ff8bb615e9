"""Run the labelled set through the real pipeline and tabulate the result.

A pair (new, old) is flagged when both texts are long enough to be indexed, they share
at least `similarity.MIN_SHARED` LSH band keys, and `similarity.compare` gives a level —
exactly what `square.services.duplicates` does with the database. Positives are grouped
by the band of the post that was copied; negatives by the band of the new post (whose length picks
the thresholds).
"""

from collections import Counter
from dataclasses import dataclass, field
from functools import cache

from square import similarity
from square.tests.integrity import labelled

BANDS = labelled.BANDS


@dataclass(frozen=True)
class Signature:
    unit_count: int
    shingles: frozenset[str]
    keys: frozenset[int]


@cache
def signature(text: str) -> Signature:
    values = labelled.unit_values(text)
    shingle_set = similarity.shingles_of(values)
    keys = similarity.band_keys(shingle_set) if shingle_set else []
    return Signature(len(values), frozenset(shingle_set), frozenset(keys))


def candidate(new: Signature, old: Signature) -> bool:
    """Would the index offer `old` for `new`? Texts under MIN_UNITS are not indexed, and
    a candidate shares at least MIN_SHARED band keys."""
    indexed = min(new.unit_count, old.unit_count) >= similarity.MIN_UNITS
    return indexed and len(new.keys & old.keys) >= similarity.MIN_SHARED


def verdict(new_text: str, old_text: str) -> str | None:
    """The level the pipeline gives `new_text` against `old_text`, or None."""
    new, old = signature(new_text), signature(old_text)
    if not candidate(new, old):
        return None
    return similarity.compare(new.unit_count, set(new.shingles), set(old.shingles)).level


def band_of(text: str) -> str:
    band = similarity.band_for(signature(text).unit_count)
    return band.name if band else "tiny"


@dataclass
class Report:
    # (band, kind) -> Counter(n, flagged, copy, spin, candidate)
    positives: dict = field(default_factory=dict)
    wrong_source: Counter = field(default_factory=Counter)  # band -> flags on another original
    same_topic_pairs: Counter = field(default_factory=Counter)  # band -> pairs
    same_topic_flags: Counter = field(default_factory=Counter)  # band -> flagged pairs
    same_topic_posts: Counter = field(default_factory=Counter)  # band -> originals (new side)
    same_topic_posts_flagged: Counter = field(default_factory=Counter)
    all_pairs: Counter = field(default_factory=Counter)
    all_flags: Counter = field(default_factory=Counter)
    flagged_examples: list = field(default_factory=list)  # (new id, old id, level)

    def cell(self, band: str, kinds: tuple[str, ...]) -> Counter:
        total = Counter()
        for kind in kinds:
            total.update(self.positives.get((band, kind), Counter()))
        return total

    def recall(self, band: str, kinds: tuple[str, ...], level: str | None = None) -> float:
        cell = self.cell(band, kinds)
        return cell[level or "flagged"] / cell["n"] if cell["n"] else float("nan")

    def false_flag_rate(self, band: str | None = None) -> float:
        if band is None:
            return self.same_topic_flags.total() / self.same_topic_pairs.total()
        pairs = self.same_topic_pairs[band]
        return self.same_topic_flags[band] / pairs if pairs else 0.0

    def all_pairs_rate(self) -> float:
        return self.all_flags.total() / self.all_pairs.total()

    def precision(self, band: str) -> float:
        right = self.cell(band, labelled.KINDS)["flagged"]
        wrong = self.wrong_source[band] + self.same_topic_flags[band]
        return right / (right + wrong) if right + wrong else float("nan")


@cache
def run() -> Report:
    report = Report()
    posts = labelled.originals()
    for positive in labelled.positives():
        band = positive.original.band
        cell = report.positives.setdefault((band, positive.kind), Counter())
        cell["n"] += 1
        new, old = signature(positive.text), signature(positive.original.text)
        cell["candidate"] += candidate(new, old)
        level = verdict(positive.text, positive.original.text)
        if level:
            cell["flagged"] += 1
            cell[level] += 1
        for other in posts:
            if other.id != positive.original.id and verdict(positive.text, other.text):
                report.wrong_source[band] += 1
    for new, old in labelled.all_pairs():
        band = band_of(new.text)
        level = verdict(new.text, old.text)
        report.all_pairs[band] += 1
        report.all_flags[band] += bool(level)
        if new.topic == old.topic:
            report.same_topic_pairs[band] += 1
            report.same_topic_flags[band] += bool(level)
        if level:
            report.flagged_examples.append((new.id, old.id, level))
    for post in posts:
        earlier = [o for n, o in labelled.same_topic_pairs() if n.id == post.id]
        if earlier:
            report.same_topic_posts[post.band] += 1
            report.same_topic_posts_flagged[post.band] += any(
                verdict(post.text, o.text) for o in earlier
            )
    return report


def _pct(value: float) -> str:
    return "  –  " if value != value else f"{100 * value:5.1f}%"


def table(report: Report) -> list[str]:
    """The per-band table printed after the tests and copied into docs/integrity.md."""
    counts = Counter(o.band for o in labelled.originals())
    lines = [
        "Labelled set: "
        + ", ".join(f"{counts[b]} {b}" for b in (*BANDS, "tiny"))
        + f" originals; {len(labelled.positives())} positives; "
        f"{report.same_topic_pairs.total()} same-topic pairs, "
        f"{report.all_pairs.total()} pairs in all.",
        "Recall by transformation (flagged at any level; [as copy / as spin]):",
        f"{'band':8}" + "".join(f"{kind:>20}" for kind in labelled.KINDS),
    ]
    for band in BANDS:
        row = f"{band:8}"
        for kind in labelled.KINDS:
            cell = report.cell(band, (kind,))
            row += f"{cell['flagged']:>4}/{cell['n']:<3}[{cell['copy']:>2}/{cell['spin']:>2}]"
            row += f"{_pct(report.recall(band, (kind,))):>7}"
        lines.append(row)
    lines += [
        "Per band (positives by the copied post's band, negatives by the new post's band):",
        f"{'band':8}{'copies':>9}{'spins':>9}{'precision':>11}{'wrong src':>10}"
        f"{'same-topic flagged':>22}{'posts flagged':>16}{'all pairs flagged':>20}",
    ]
    for band in BANDS:
        lines.append(
            f"{band:8}{_pct(report.recall(band, labelled.COPY_KINDS)):>9}"
            f"{_pct(report.recall(band, ('spin',))):>9}{_pct(report.precision(band)):>11}"
            f"{report.wrong_source[band]:>10}"
            f"{report.same_topic_flags[band]:>6}/{report.same_topic_pairs[band]:<5}"
            f"{_pct(report.false_flag_rate(band)):>11}"
            f"{report.same_topic_posts_flagged[band]:>6}/{report.same_topic_posts[band]:<3}"
            f"{report.all_flags[band]:>10}/{report.all_pairs[band]:<5}"
            f"{_pct(report.all_flags[band] / max(report.all_pairs[band], 1)):>4}"
        )
    lines.append(
        f"{'overall':8}{'':>39}{report.same_topic_flags.total():>6}/"
        f"{report.same_topic_pairs.total():<5}{_pct(report.false_flag_rate()):>11}"
        f"{report.same_topic_posts_flagged.total():>6}/{report.same_topic_posts.total():<3}"
        f"{report.all_flags.total():>10}/{report.all_pairs.total():<5}"
        f"{_pct(report.all_pairs_rate()):>4}"
    )
    if report.flagged_examples:
        lines.append(f"Originals flagged against another original: {report.flagged_examples}")
    return lines
