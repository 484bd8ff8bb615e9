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
from square.models import Post
from square.selectors.cards import posts_for_cards as card_models
from square.templatetags.square import page_address, relative_time

CARD_TEMPLATE = "square/components.html#post_card"
CSRF_SLOT = "\x00csrf\x00"
HERE_SLOT = "\x00here\x00"
TIMEOUT = 3600


def _author_state(pk, username, display_name, avatar_name, is_staff, is_official) -> tuple:
    # `User.name` is the display name, else the username.
    return (pk, username, display_name or username, avatar_name, is_staff, is_official)


def _post_state(post) -> tuple:
    """Everything a card shows of one post (the card's post, or the original it quotes
    or reposts): content version, counters, author (badge too) and relative time. Images and
    mentions are set with the text and change with `edited_at`; they are fetched only
    for the cards that are rendered."""
    a = post.author
    author = _author_state(
        a.pk, a.username, a.display_name, a.avatar.name, a.is_staff, a.is_official
    )
    return (
        post.pk, post.status, post.edited_at, post.like_count, post.comment_count,
        post.repost_count, post.repost_of_id, relative_time(post.created_at), *author,
    )  # fmt: skip


def _row_state(row, pk, prefix: str) -> tuple:
    """`_post_state` of a plain row (`square.selectors.cards.card_rows`): the post's own
    columns, or with `prefix` "repost_of__" its original's."""
    g = row.__getattribute__
    author = _author_state(
        g(prefix + "author_id"), g(prefix + "author__username"),
        g(prefix + "author__display_name"), g(prefix + "author__avatar") or "",
        g(prefix + "author__is_staff"), g(prefix + "author__is_official"),
    )  # fmt: skip
    return (
        pk, g(prefix + "status"), g(prefix + "edited_at"), g(prefix + "like_count"),
        g(prefix + "comment_count"), g(prefix + "repost_count"), g(prefix + "repost_of_id"),
        relative_time(g(prefix + "created_at")), *author,
    )  # fmt: skip


def card_states(item) -> list[tuple]:
    """(state, post id, author id) of a card's post and of the original it shows, from
    a Post or from a plain row: the two give the same key for the same post."""
    if isinstance(item, Post):
        posts = [item] if item.repost_of is None else [item, item.repost_of]
        return [(_post_state(p), p.pk, p.author_id) for p in posts]
    states = [(_row_state(item, item.pk, ""), item.pk, item.author_id)]
    if item.repost_of_id is not None:
        original = _row_state(item, item.repost_of_id, "repost_of__")
        states.append((original, item.repost_of_id, item.repost_of__author_id))
    return states


def _card_key(item, *, viewer, liked_ids: set, badges: dict, mark_new: bool) -> str:
    """The cache key of one card as this viewer sees it."""
    viewer_id = viewer.pk if viewer.is_authenticated else None
    per_post = [
        (
            state,
            pk in liked_ids,
            viewer_id is not None and viewer_id == author_id,
            tuple((str(b.text), str(b.url), b.ok, str(b.detail)) for b in badges.get(pk, ())),
        )
        for state, pk, author_id in card_states(item)
    ]
    state = (get_language(), viewer.is_authenticated, mark_new, per_post)
    return "card:" + hashlib.blake2b(repr(state).encode(), digest_size=20).hexdigest()


def cards_render(*, request, posts, liked_ids: set, badges: dict, extra: dict) -> list:
    """The HTML of each post's card, in order: from the per-process cache, rendering
    only the cards whose state is new. `posts` are Posts or plain rows
    (`square.selectors.cards`); for rows, the posts of the cards to render are loaded
    then, so a warm page builds no model. `extra` is the page's context (New Voices
    sets `mark_new`)."""
    viewer = request.user
    mark_new = bool(extra.get("mark_new"))
    keys = [
        _card_key(p, viewer=viewer, liked_ids=liked_ids, badges=badges, mark_new=mark_new)
        for p in posts
    ]
    store = caches["template_fragments"]
    found = store.get_many(keys)
    todo = [(p, key) for p, key in zip(posts, keys, strict=True) if key not in found]
    if todo:
        context = {
            "user": viewer, "liked_ids": liked_ids, "badges": badges, "mark_new": mark_new,
            "csrf_token": CSRF_SLOT, "here_slot": HERE_SLOT,
        }  # fmt: skip
        missing = _rendered(todo, context)
        found.update(missing)
        store.set_many(missing, TIMEOUT)
    token = get_token(request) if viewer.is_authenticated else ""
    here = escape(page_address(request))
    return [_filled(found[key], token, here) for key in keys if key in found]


def _rendered(todo: list, context: dict) -> dict:
    """{key: HTML} of these cards; rows' posts are loaded in one go (a post gone since
    its row was read is left out)."""
    loaded = card_models([p.pk for p, _key in todo if not isinstance(p, Post)])
    template = get_template(CARD_TEMPLATE)
    selectors.cards_prefetch([p for p, _key in todo if isinstance(p, Post)])
    html = {}
    for item, key in todo:
        post = item if isinstance(item, Post) else loaded.get(item.pk)
        if post is not None:
            html[key] = str(template.render({**context, "post": post}))
    return html


def _filled(html: str, token: str, here: str) -> SafeString:
    return mark_safe(html.replace(CSRF_SLOT, token).replace(HERE_SLOT, here))
