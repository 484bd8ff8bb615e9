"""Composing demo entries: pools dealt like shuffled decks, texts built up to a length in
字 as the campaign counts them, and the campaign tag placed the way people type it.

Lengths are measured with `campaigns.rules`, so a text meant to pass does pass and a
"just under 30" one is just under — the demo shows the rules, it does not guess them.
"""

import random

from campaigns import rules

# How often each spelling is used: the primary tag, then the fixture's aliases in order.
TAG_WEIGHTS = (70, 20, 10)
GLUED = 0.06  # share of Chinese entries typed with the tag glued to the text
TAG_FIRST = 0.35
EXTRA_TAG = 0.2
EXTRA_TAGS = {"zh": ("新年快乐", "2026目标", "Web3"), "en": ("NewYear", "Web3", "2026Goals")}
LENGTHS = (30, 33, 38, 45, 60, 80, 110)  # target 字, spread so lengths vary


def lines(block: str) -> list[str]:
    return [line.strip() for line in block.splitlines() if line.strip()]


def blocks(**themes: str) -> dict[str, dict[str, list[str]]]:
    """Parse theme blocks (`>` opening lines, `<` closing lines, the rest core sentences)
    into their pools, keyed by theme."""
    parsed = {}
    for theme, block in themes.items():
        pools: dict[str, list[str]] = {"lead": [], "core": [], "end": []}
        for line in lines(block):
            slot = {">": "lead", "<": "end"}.get(line[0], "core")
            pools[slot].append(line if slot == "core" else line[1:].strip())
        parsed[theme] = pools
    return parsed


class Writer:
    """Deals pool items like shuffled decks (so a line does not come back soon) and
    composes bodies never produced before in this run; all choices come from `rng`."""

    def __init__(self, rng: random.Random):
        self.rng = rng
        self.decks: dict[tuple, list[str]] = {}
        self.seen: set[str] = set()

    def deal(self, key: tuple, pool: list[str]) -> str:
        deck = self.decks.get(key)
        if not deck:
            deck = self.decks[key] = self.rng.sample(pool, len(pool))
        return deck.pop()

    def text(self, pools: dict, lang: str, theme: str) -> str:
        """A text of at least a drawn number of 字 (never fewer than 30): an opening line
        most of the time, core sentences, sometimes a closing line."""
        for _ in range(20):  # a repeat is possible in principle, and rare
            text = self._compose(pools[theme], (lang, theme), self.rng.choice(LENGTHS))
            if text not in self.seen:
                break
        self.seen.add(text)
        return text

    def _compose(self, pool: dict, key: tuple, target: int) -> str:
        rng, zh = self.rng, key[0] == "zh"
        lead = self.deal((*key, "lead"), pool["lead"]) if rng.random() < 0.7 else ""
        end = self.deal((*key, "end"), pool["end"]) if rng.random() < 0.5 else ""
        newline = rng.random() < 0.3
        cores: list[str] = []
        while len(cores) < len(pool["core"]):
            core = self.deal((*key, "core"), pool["core"])
            if core not in cores:
                cores.append(core)
            middle = ("" if zh else " ").join(cores + [end] * bool(end))
            text = (lead + ("\n" if newline else "" if zh else " ") if lead else "") + middle
            if rules.counted_length(text) >= max(target, 30):
                break
        return text

    def tagged(self, text: str, lang: str, tags: list[str]) -> str:
        """`text` with one spelling of the campaign tag: at the end, in front, or (in
        Chinese) glued to the first words, as in `#我的2026第一帖新的一年…`."""
        rng = self.rng
        tag = "#" + rng.choices(tags, TAG_WEIGHTS[: len(tags)])[0]
        extra = f" #{rng.choice(EXTRA_TAGS[lang])}" if rng.random() < EXTRA_TAG else ""
        roll = rng.random()
        if lang == "zh" and roll < GLUED and rules.is_cjk(text[0]):
            return tag + text + extra
        if roll < TAG_FIRST:
            return f"{tag} {text}{extra}"
        return text + ("\n\n" if rng.random() < 0.5 else " ") + tag + extra
