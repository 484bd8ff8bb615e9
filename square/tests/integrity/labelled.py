"""The labelled set: originals, the copies and spins made from them, and the negatives.

Everything is deterministic (one seeded RNG per original and transformation), so the
numbers in docs/integrity.md are reproduced by every run.

- Originals: `originals.json` (New-Year campaign posts in many authors' words, grouped
  by topic) and the long example article of the brief, split at its headings into
  sections (read from ../shared/brief/ at run time, never copied into the project).
- Positives (new = the derived text, old = its original):
  exact copy; punctuation and spacing changed; Traditional script (OpenCC s2t);
  two spins per original (synonyms from `synonyms_*.txt` swapped until 20–30% of the
  units are changed, then the sentences shuffled); a copy padded with the copier's own
  sentences (`padding.txt`, 30–100% extra length, before, after or around the copy).
- Negatives: every pair of distinct originals on the same topic (new = the later one),
  and, as a wider check, every pair of distinct originals in the whole set.
"""

import difflib
import json
import random
import re
import zlib
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import opencc

from square import similarity

HERE = Path(__file__).resolve().parent
BRIEF_ARTICLE = HERE.parents[3] / "shared" / "brief" / "example-long-post.txt"
ARTICLE_TOPIC = "article"

BANDS = ("short", "medium", "long")  # reported bands, by the units of the copied post
COPY_KINDS = ("exact", "punct", "traditional", "padded")
KINDS = (*COPY_KINDS, "spin")


@dataclass(frozen=True)
class Original:
    id: str
    topic: str
    lang: str  # "zh" or "en"
    text: str
    unit_count: int

    @property
    def band(self) -> str:
        band = similarity.band_for(self.unit_count)
        return band.name if band else "tiny"


@dataclass(frozen=True)
class Positive:
    original: Original
    kind: str
    text: str
    changed: float | None = None  # spins: measured fraction of the original's units changed
    padding: float | None = None  # padded: extra units / the original's units


def _seed(*parts: str) -> int:
    return zlib.crc32("/".join(parts).encode())


def unit_values(text: str) -> list[str]:
    return [u.value for u in similarity.units(text)]


def _is_cjk_text(text: str) -> bool:
    return sum("\u4e00" <= c <= "\u9fff" for c in text) > len(text) / 4


def article_sections(text: str) -> list[str]:
    """The brief's article split at its headings: a heading is a short line without a
    full stop; each section is its heading and the paragraphs under it."""
    sections: list[list[str]] = []
    for line in (raw.strip() for raw in text.splitlines()):
        if not line:
            continue
        heading = len(line) < 40 and "。" not in line
        if heading and (not sections or len(sections[-1]) > 1):
            sections.append([line])
        else:
            sections[-1].append(line)
    return ["\n".join(section) for section in sections]


@cache
def originals() -> tuple[Original, ...]:
    data = json.loads((HERE / "originals.json").read_text(encoding="utf-8"))
    topics = {topic: posts for topic, posts in data.items() if not topic.startswith("_")}
    article = BRIEF_ARTICLE.read_text(encoding="utf-8")
    topics[ARTICLE_TOPIC] = article_sections(article)
    return tuple(
        Original(
            f"{topic}-{i}",
            topic,
            "zh" if _is_cjk_text(text) else "en",
            text,
            len(unit_values(text)),
        )
        for topic, posts in topics.items()
        for i, text in enumerate(posts)
    )


# --- Transformations -----------------------------------------------------------------

_PUNCT_ZH = {
    "，": [",", " , ", "、", " ", "，"],
    "。": [".", "!", "～", "\n", "。。"],
    "！": ["!", "!!!", "~", "！！"],
    "：": [":", " - ", "——"],
    "；": [";", ",", "。"],
    "、": [",", "/", " "],
    "？": ["?", "??"],
    ",": ["，", " , ", "、"],  # the brief's article is written with ASCII punctuation
    ":": ["：", " - "],
    ";": ["；", "，"],
    "(": ["（", " "],
    ")": ["）", " "],
}
_PUNCT_EN = {",": [" ,", ";", " -"], ".": ["!", "...", " .", ".\n"], "!": ["!!", "."]}
_DECOR = [
    " 🎉🎉",
    " #我的2026第一帖",
    " 🧧✨ #新年快乐",
    " @gate_square 🎆",
    "\n\n#我的2026第一帖 🙏",
]


def punct_variant(text: str, rng: random.Random) -> str:
    """Punctuation swapped, spaces and line breaks added or removed, full-width digits,
    emoji and the campaign tag added: nothing a reader would call a different text."""
    table = _PUNCT_ZH if _is_cjk_text(text) else _PUNCT_EN
    out = []
    for i, char in enumerate(text):
        if char in table:
            out.append(rng.choice(table[char]))
        elif char == " " and rng.random() < 0.3:
            out.append(rng.choice(["  ", "\n", " \u3000"]))
        elif char.isdigit() and rng.random() < 0.5:
            out.append(chr(ord(char) + 0xFEE0))  # full-width digit
        else:
            out.append(char)
        after = text[i + 1 : i + 2]
        if "\u4e00" <= char <= "\u9fff" and "\u4e00" <= after <= "\u9fff" and rng.random() < 0.08:
            out.append(" ")
    return "".join(out) + rng.choice(_DECOR)


_s2t = opencc.OpenCC("s2t")


def traditional_variant(text: str) -> str:
    return _s2t.convert(text)


@cache
def synonyms(lang: str) -> dict[str, list[str]]:
    """The spin's synonym table: `synonyms_<lang>.txt`, entries `key=alt|alt`."""
    table = {}
    for line in (HERE / f"synonyms_{lang}.txt").read_text(encoding="utf-8").splitlines():
        if line.startswith("#"):
            continue
        for entry in line.split():
            key, alternatives = entry.split("=")
            table[key] = [a.replace("_", " ") for a in alternatives.split("|")]
    return table


def _sentences(text: str, lang: str) -> list[str]:
    pattern = (
        r"[^。！？!?\n]*[。！？!?\n]+|[^。！？!?\n]+$"
        if lang == "zh"
        else r"[^.!?\n]*[.!?\n]+|[^.!?\n]+$"
    )
    return [s for s in re.findall(pattern, text) if s.strip()]


def _occurrences(text: str, lang: str) -> list[tuple[int, int, str]]:
    """Non-overlapping (start, end, key) of the synonym table's keys in `text`, longest
    key first at each position."""
    table = synonyms(lang)
    if lang == "en":
        return [
            (m.start(), m.end(), m.group().lower())
            for m in re.finditer(r"[A-Za-z]+", text)
            if m.group().lower() in table
        ]
    keys = sorted(table, key=len, reverse=True)
    found, pos = [], 0
    while pos < len(text):
        key = next((k for k in keys if text.startswith(k, pos)), None)
        if key:
            found.append((pos, pos + len(key), key))
            pos += len(key)
        else:
            pos += 1
    return found


def _units_changed(old: list[str], new: list[str]) -> int:
    matcher = difflib.SequenceMatcher(None, old, new, autojunk=False)
    return len(old) - sum(block.size for block in matcher.get_matching_blocks())


def changed_fraction(original: str, spun: str) -> float:
    """Share of the original's units that are not kept, in order, in the spin (before
    its sentences are shuffled): 1 - matched units / original units."""
    old = unit_values(original)
    return _units_changed(old, unit_values(spun)) / len(old)


def spin_variant(text: str, lang: str, rng: random.Random) -> tuple[str, float]:
    """Synonyms swapped at random places until 20–30% of the units are changed (the
    target is drawn per spin), then the sentences shuffled. Returns the spin and the
    measured changed fraction."""
    total = len(unit_values(text))
    target, ceiling = rng.uniform(0.2, 0.3) * total, 0.3 * total
    occurrences = _occurrences(text, lang)
    rng.shuffle(occurrences)
    chosen, changed = [], 0
    for start, end, key in occurrences:
        if changed >= target:
            break
        replacement = rng.choice(synonyms(lang)[key])
        if lang == "en" and text[start].isupper():
            replacement = replacement[0].upper() + replacement[1:]
        delta = _units_changed(unit_values(text[start:end]), unit_values(replacement))
        if changed + delta <= ceiling:  # a long phrase that overshoots is left alone
            changed += delta
            chosen.append((start, end, replacement))
    out, pos = [], 0
    for start, end, replacement in sorted(chosen):
        out += [text[pos:start], replacement]
        pos = end
    reworded = "".join([*out, text[pos:]])
    fraction = changed_fraction(text, reworded)
    sentences = _sentences(reworded, lang)
    if len(sentences) > 1:
        order = list(range(len(sentences)))
        while order == sorted(order):
            rng.shuffle(order)
        joiner = "" if lang == "zh" else " "
        reworded = joiner.join(sentences[i].strip() for i in order)
    return reworded, fraction


@cache
def padding_pool(lang: str) -> tuple[str, ...]:
    lines = (HERE / "padding.txt").read_text(encoding="utf-8").splitlines()
    split = lines.index("--- en")
    chosen = lines[1:split] if lang == "zh" else lines[split + 1 :]
    return tuple(line for line in chosen if line)


def padded_variant(text: str, lang: str, rng: random.Random) -> tuple[str, float]:
    """The copy with the copier's own sentences added: 30–100% extra units (the target
    is drawn per copy; whole sentences that fit), before, after, or on both sides.
    Returns the text and the measured extra fraction."""
    total = len(unit_values(text))
    target = rng.uniform(0.3, 1.0) * total
    pool = list(padding_pool(lang))
    rng.shuffle(pool)
    extra, count = [], 0
    for sentence in pool * 2:
        size = len(unit_values(sentence))
        if count >= target:
            break
        if count + size <= total:
            extra.append(sentence)
            count += size
    joiner = "" if lang == "zh" else " "
    where = rng.choice(["before", "after", "around"])
    if where == "before":
        padded = joiner.join([*extra, text])
    elif where == "after":
        padded = joiner.join([text, *extra])
    else:
        half = len(extra) // 2
        padded = joiner.join([*extra[:half], text, *extra[half:]])
    return padded, count / total


@cache
def positives() -> tuple[Positive, ...]:
    found = []
    for o in originals():
        rng = random.Random(_seed(o.id, "punct"))
        found.append(Positive(o, "exact", o.text))
        found.append(Positive(o, "punct", punct_variant(o.text, rng)))
        found.append(Positive(o, "traditional", traditional_variant(o.text)))
        for n in range(2):
            spun, fraction = spin_variant(o.text, o.lang, random.Random(_seed(o.id, f"spin{n}")))
            found.append(Positive(o, "spin", spun, changed=fraction))
        padded, extra = padded_variant(o.text, o.lang, random.Random(_seed(o.id, "padded")))
        found.append(Positive(o, "padded", padded, padding=extra))
    return tuple(found)


def same_topic_pairs() -> list[tuple[Original, Original]]:
    """(new, old) for every two distinct originals on one topic: the later one is new."""
    posts = originals()
    return [
        (new, old) for i, new in enumerate(posts) for old in posts[:i] if old.topic == new.topic
    ]


def all_pairs() -> list[tuple[Original, Original]]:
    posts = originals()
    return [(new, old) for i, new in enumerate(posts) for old in posts[:i]]
