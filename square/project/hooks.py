"""Extension points for apps built on the square, so that the square never imports them.

An app (campaigns) registers callbacks in its AppConfig.ready():
- `post_changed`: called by every post write (create, edit, delete, hide, restore,
  quote) inside the same transaction, so whatever the app derives from posts is
  committed together with the change or not at all;
- `user_changed`: called when an account's standing changes (deactivated, staff flag);
- `interaction_changed`: called inside the transaction when a like, comment or repost of
  a post is added or taken back, with who did it (campaigns update the live
  leaderboard rows of the post's author in the same transaction);
- `moderated`: called after a moderation decision (confirm, clear, hide, ban, unban)
  inside its transaction, with who decided and why — campaigns record it in their
  audit log and revoke awards the decision takes away;
- `card_badges`: given the posts on a page and the viewer, returns {post id: [Badge]}
  in one query, shown on the post cards;
- `compose_context` / `home_panels`: extra data for the compose page, and HTML panels
  for the home page;
- `revision_moments`: given a post, the past moments whose text must stay in its history
  (campaigns judge an entry by the text in force at the campaign's end), so pruning old
  revisions keeps them;
- `demo_seeders`: called by `seed_demo` after the square's own demo data, inside the
  same transaction, to add the app's demo data (imported history: not checked for
  near-duplicates); `demo_finishers` run after the near-duplicate index is built, for
  demo writes that go through the live checks.
Callbacks are plain function calls: tests need no mocks, and nothing happens later.
Every announced write also ends the kept visitor pages (`page_cache.pages_changed`), and
every post write updates the post's search row and its cashtag links first
(`search_index_update`, `cashtags_sync`), in the same transaction, so search and the
token pages never show what the feeds no longer do.
"""

from collections.abc import Callable
from dataclasses import dataclass

from square.project.page_cache import pages_changed
from square.services.cashtags import cashtags_sync
from square.services.search import search_index_update


@dataclass(frozen=True)
class Badge:
    """A small label on a post card; `detail` is shown to the author only."""

    text: str
    url: str = ""
    ok: bool = True
    detail: str = ""


post_changed_callbacks: list[Callable] = []
user_changed_callbacks: list[Callable] = []
interaction_changed_callbacks: list[Callable] = []
moderation_callbacks: list[Callable] = []
card_badge_providers: list[Callable] = []
compose_context_providers: list[Callable] = []
home_panel_providers: list[Callable] = []
revision_moment_providers: list[Callable] = []
demo_seeders: list[Callable] = []
demo_finishers: list[Callable] = []


def post_changed(*, post) -> None:
    pages_changed()
    search_index_update(post=post)
    cashtags_sync(post=post)
    for callback in post_changed_callbacks:
        callback(post=post)


def user_changed(*, user) -> None:
    pages_changed()
    for callback in user_changed_callbacks:
        callback(user=user)


def interaction_changed(*, post_id: int, user_id: int | None = None) -> None:
    pages_changed()
    for callback in interaction_changed_callbacks:
        callback(post_id=post_id, user_id=user_id)


def moderated(*, action: str, actor, reason: str, post=None, user=None) -> None:
    pages_changed()
    for callback in moderation_callbacks:
        callback(action=action, actor=actor, reason=reason, post=post, user=user)


def card_badges(*, posts, viewer) -> dict[int, list[Badge]]:
    badges: dict[int, list[Badge]] = {}
    posts = list(posts)
    if not posts:
        return badges
    for provider in card_badge_providers:
        for post_id, found in provider(posts=posts, viewer=viewer).items():
            badges.setdefault(post_id, []).extend(found)
    return badges


def compose_context(*, request) -> dict:
    context: dict = {}
    for provider in compose_context_providers:
        context.update(provider(request=request))
    return context


def home_panels(*, request) -> list[str]:
    return [html for provider in home_panel_providers if (html := provider(request=request))]


def revision_moments(*, post) -> list:
    """Every app's moments (datetimes) whose in-force text `post` must keep."""
    return [moment for provider in revision_moment_providers for moment in provider(post=post)]


def demo_seed(*, members, rng, now) -> dict:
    """Run every app's demo seeder; returns their combined counts for the report."""
    counts: dict = {}
    for seeder in demo_seeders:
        counts.update(seeder(members=members, rng=rng, now=now) or {})
    return counts


def demo_finish(*, members, rng, now) -> dict:
    counts: dict = {}
    for finisher in demo_finishers:
        counts.update(finisher(members=members, rng=rng, now=now) or {})
    return counts
