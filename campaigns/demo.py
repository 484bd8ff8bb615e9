"""Campaign demo data for `seed_demo` (registered in campaigns.hooks).
Filled in by the demo work; until then it adds nothing."""


def seed(*, members, rng, now) -> dict:
    return {}
