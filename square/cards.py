"""The post cards of a feed page, each rendered once per state and kept per process.

A card is most of a feed page's cost, and almost all of it is the same for every
viewer: the text, images, author, counters and relative time. What differs is small
and known before rendering: whether the viewer is signed in, liked the post, wrote it
(the author sees a badge's detail), which badges it carries, the language, and the
New Voices mark. The cache key is all of that (`_card_key`), so a card is re-rendered
when something it shows has changed, and never needs to be forgotten. Two changes do
not reach the key, as with the card fragments before: thumbnails made anew by
`post_thumbnails_rebuild` and the new name of a mentioned member show once the copy
has aged out (an hour).

Two things differ on every request and are not in the key: the CSRF token of the like
form and the page's own address (the form's `next`). Cards are rendered with a slot
for each, filled in per request. The slots hold NUL characters, which no escaped text
can contain (forms refuse them, PostgreSQL cannot store them).
"""

import hashlib

from django.core.cache import caches
from django.middleware.csrf import get_token
from django.template.loader import get_template
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language

from square import selectors
from square.templatetags.square import page_address, relative_time

CARD_TEMPLATE = "square/components.html#post_card"
CSRF_SLOT = "\x00csrf\x00"
HERE_SLOT = "\x00here\x00"
TIMEOUT = 3600


def _post_state(post) -> tuple:
    """Everything a card shows of one post (the card's post, or the original it quotes
    or reposts): content version, counters, author (badge too) and relative time. Images and
    mentions are set with the text and change with `edited_at`; they are fetched only
    for the cards that are rendered."""
    author = post.author
    return (
        post.pk, post.status, post.edited_at, post.like_count, post.comment_count,
        post.repost_count, post.repost_of_id, relative_time(post.created_at),
        author.pk, author.username, author.name, author.avatar.name,
        author.is_staff, author.is_official,  # the staff or official badge
    )  # fmt: skip


def _card_key(post, *, viewer, liked_ids: set, badges: dict, mark_new: bool) -> str:
    """The cache key of one card as this viewer sees it."""
    posts = [post] if post.repost_of is None else [post, post.repost_of]
    per_post = [
        (
            _post_state(p),
            p.pk in liked_ids,
            viewer.is_authenticated and viewer.pk == p.author_id,
            tuple((str(b.text), str(b.url), b.ok, str(b.detail)) for b in badges.get(p.pk, ())),
        )
        for p in posts
    ]
    state = (get_language(), viewer.is_authenticated, mark_new, per_post)
    return "card:" + hashlib.blake2b(repr(state).encode(), digest_size=20).hexdigest()


def cards_render(*, request, posts, liked_ids: set, badges: dict, extra: dict) -> list:
    """The HTML of each post's card, in order: from the per-process cache, rendering
    only the cards whose state is new. `extra` is the page's context (New Voices sets
    `mark_new`)."""
    viewer = request.user
    mark_new = bool(extra.get("mark_new"))
    keys = [
        _card_key(p, viewer=viewer, liked_ids=liked_ids, badges=badges, mark_new=mark_new)
        for p in posts
    ]
    store = caches["template_fragments"]
    found = store.get_many(keys)
    missing = {}
    template = get_template(CARD_TEMPLATE)
    selectors.cards_prefetch([p for p, key in zip(posts, keys, strict=True) if key not in found])
    for post, key in zip(posts, keys, strict=True):
        if key not in found:
            context = {
                "post": post,
                "user": viewer,
                "liked_ids": liked_ids,
                "badges": badges,
                "mark_new": mark_new,
                "csrf_token": CSRF_SLOT,
                "here_slot": HERE_SLOT,
            }
            found[key] = missing[key] = str(template.render(context))
    if missing:
        store.set_many(missing, TIMEOUT)
    token = get_token(request) if viewer.is_authenticated else ""
    here = escape(page_address(request))
    return [_filled(found[key], token, here) for key in keys]


def _filled(html: str, token: str, here: str) -> SafeString:
    return mark_safe(html.replace(CSRF_SLOT, token).replace(HERE_SLOT, here))
