"""What campaigns add to the square's pages (registered in campaigns.hooks).
Filled in by the campaign-pages work; until then each adds nothing."""


def card_badges(*, posts, viewer) -> dict:
    return {}


def compose_context(*, request) -> dict:
    return {}


def home_panels(*, request) -> list[str]:
    return []
