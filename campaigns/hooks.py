"""How campaigns plug into the square (see `square.hooks`). Imported in AppConfig.ready."""

from campaigns import demo, notices, presentation
from campaigns.demo import integrity as demo_integrity
from campaigns.services import entries_refresh_for_user, entry_refresh
from campaigns.services.moderation import moderation_applied
from campaigns.tasks import leaderboard_refresh_soon
from square import hooks as square_hooks


def _post_changed(*, post) -> None:
    # A plain repost has no entry, but counts for the post it reposts.
    if entry_refresh(post=post) or post.repost_of_id:
        leaderboard_refresh_soon()


def _user_changed(*, user) -> None:
    entries_refresh_for_user(user=user)
    leaderboard_refresh_soon()  # their entries, and what their likes gave others


def _interaction_changed(*, post_id) -> None:
    leaderboard_refresh_soon()


def register() -> None:
    """Idempotent: a second call (tests reloading apps) does not register twice."""
    notices.register()
    for registry, callback in (
        (square_hooks.post_changed_callbacks, _post_changed),
        (square_hooks.user_changed_callbacks, _user_changed),
        (square_hooks.interaction_changed_callbacks, _interaction_changed),
        (square_hooks.moderation_callbacks, moderation_applied),
        (square_hooks.card_badge_providers, presentation.card_badges),
        (square_hooks.compose_context_providers, presentation.compose_context),
        (square_hooks.home_panel_providers, presentation.home_panels),
        (square_hooks.demo_seeders, demo.seed),
        (square_hooks.demo_finishers, demo_integrity.finish),
    ):
        if callback not in registry:
            registry.append(callback)
