"""How campaigns plug into the square (see `square.project.hooks`). Imported in AppConfig.ready."""

from django.db.models import Q
from django.utils import timezone

from campaigns import demo, notices, presentation
from campaigns.demo import integrity as demo_integrity
from campaigns.models import Campaign
from campaigns.services import entries_refresh_for_user, entry_refresh
from campaigns.services.moderation import moderation_applied
from campaigns.services.scores import (
    score_rows_entry,
    score_rows_interaction,
    score_rows_person,
)
from square.project import hooks as square_hooks


def _post_changed(*, post) -> None:
    """The post's entries were re-judged: its author's live rows follow. A repost (or
    a quote) also counts for the post it reposts: that one pair."""
    for entry in entry_refresh(post=post):
        score_rows_entry(campaign=entry.campaign, author_id=entry.author_id, post_id=post.pk)
    if post.repost_of_id:
        score_rows_interaction(post_id=post.repost_of_id, user_id=post.author_id)


def _user_changed(*, user) -> None:
    entries_refresh_for_user(user=user)
    score_rows_person(user_id=user.pk)  # their entries, and what their acts gave others


def _interaction_changed(*, post_id, user_id=None) -> None:
    score_rows_interaction(post_id=post_id, user_id=user_id)


def _revision_moments(*, post) -> list:
    """The ends of the campaigns that judged this post, or still may (ended, not yet
    closed): the text in force then is the entry's text, so its revision is kept."""
    now = timezone.now()
    ended = Campaign.objects.filter(ends_at__lt=now, ends_at__gte=post.created_at)
    ended = ended.filter(Q(entries__post=post) | Q(status=Campaign.Status.SCHEDULED))
    return [c.ends_at_inclusive for c in ended.distinct().only("ends_at")]


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
        (square_hooks.revision_moment_providers, _revision_moments),
        (square_hooks.demo_seeders, demo.seed),
        (square_hooks.demo_finishers, demo_integrity.finish),
    ):
        if callback not in registry:
            registry.append(callback)
