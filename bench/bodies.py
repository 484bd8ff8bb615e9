"""Per-post work for the generator, run in worker processes: write the body and
compute what the app would store about it — the duplicate index's band keys and stored
shingles (`square.similarity`, ~0.2 ms for a short post, ~1 ms for 1,000 字), the
search index's terms and normalised text (`square.search`) and, for
campaign posts, the counted 字 and text verdict (`campaigns.rules`). These are the app's
own functions, not copies, so the index and the entries are exactly what the app writes.

Pure functions of (seed, post id, plan): the same preset gives the same data on any
number of processes.
"""

import random
from dataclasses import dataclass, field

import numpy as np

from bench import text
from campaigns import rules
from square import search, similarity
from square import text as square_text


@dataclass
class ChunkPlan:
    seed: int
    ids: list[int]
    tags: list[list[str]]  # tag names per post, written at the end
    campaign: list[bool]  # carries the campaign tag (first)
    indexed: list[bool]  # not deleted: the duplicate index holds it
    published: list[bool]  # the search index holds it
    campaign_tag: str
    campaign_keys: tuple[str, ...]
    min_chars: int
    min_distinct: int


@dataclass
class ChunkResult:
    bodies: list[str] = field(default_factory=list)
    band_posts: np.ndarray | None = None
    band_keys: np.ndarray | None = None
    stored: list[tuple[int, int, bytes]] = field(default_factory=list)  # (post, digest, hashes)
    counted: list[int] = field(default_factory=list)  # 0 for non-campaign posts
    distinct: list[int] = field(default_factory=list)
    reasons: list[list[str]] = field(default_factory=list)  # the text rules' reasons
    search: list[tuple[int, list[str], str]] = field(default_factory=list)  # (post, terms, norm)


def _index(body: str) -> tuple[list[int], tuple[int, bytes] | None]:
    """The band keys and the stored shingles (digest, hashes) `duplicate_index_post`
    would write: none below MIN_UNITS."""
    values = similarity.unit_values(body)
    if len(values) < similarity.MIN_UNITS:
        return [], None
    keys = sorted(set(similarity.band_keys(similarity.shingles_of(values))))
    hashes = similarity.hashes_to_bytes(similarity.shingle_hashes(values))
    return keys, (similarity.text_digest(body), hashes)


def _check_tags(body: str, names: list[str]) -> None:
    """The tags the app will find are exactly the ones planned (counters rely on it)."""
    found = set(square_text.hashtag_displays(body))
    wanted = {square_text.tag_key(n) for n in names}
    if found != wanted:
        raise AssertionError(f"planned tags {wanted} but the text carries {found}: {body!r}")


def make_chunk(plan: ChunkPlan) -> ChunkResult:
    out = ChunkResult()
    posts, keys = [], []
    for i, post_id in enumerate(plan.ids):
        rng = random.Random(plan.seed * 1_000_003 + post_id)
        in_campaign = plan.campaign[i]
        units = text.post_length(rng, campaign=in_campaign)
        lead = plan.campaign_tag if in_campaign else ""
        body = text.post_body(rng, units, plan.tags[i], lead_tag=lead)
        _check_tags(body, plan.tags[i] + ([lead] if lead else []))
        out.bodies.append(body)
        found, stored = _index(body) if plan.indexed[i] else ([], None)
        posts += [post_id] * len(found)
        keys += found
        if stored:
            out.stored.append((post_id, *stored))
        found_terms = search.cut(body) if plan.published[i] else None
        if found_terms and found_terms.terms:
            out.search.append((post_id, sorted(found_terms.terms), found_terms.norm))
        verdict = None
        if in_campaign:
            verdict = rules.judge_text(
                body, tags=plan.campaign_keys, min_chars=plan.min_chars,
                min_distinct=plan.min_distinct,
            )  # fmt: skip
        out.counted.append(verdict.counted if verdict else 0)
        out.distinct.append(verdict.distinct if verdict else 0)
        out.reasons.append(verdict.reasons if verdict else [])
    out.band_posts = np.array(posts, dtype=np.int64)
    out.band_keys = np.array(keys, dtype=np.int64)
    return out
