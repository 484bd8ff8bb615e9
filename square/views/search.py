"""One search box for posts, topics and people (`square.search` says how text is cut).

`#新年` looks up topics, `@lin` people; anything else searches posts, with the topic
of the same name on top and people whose name starts with it beside. Each search is
counted against the member's and the address's limits (429 past them), and its
statements are stopped after `SQUARE_SEARCH_TIMEOUT_MS` with a "too broad" message."""

import hashlib

from django.core.cache import caches
from django.shortcuts import render
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from square import search, selectors
from square.forms import SearchForm
from square.login_throttle import client_ip
from square.pagination import cursor_decode, keyset_page
from square.project.ratelimit import rate_limit_hit
from square.selectors import search as found
from square.selectors.cashtags import cashtag_posts
from square.views.common import bad_request, render_page

TEMPLATE = "square/search.html"


def _count(request) -> None:
    """One search against the member's limit and the address's (raises RateLimited)."""
    if request.user.is_authenticated:
        rate_limit_hit(action="search", user_id=request.user.pk)
    rate_limit_hit(action="search_address", address=client_ip(request))


def _posts(query: search.Query, topic, token):
    """What lists the posts: a function of (cursor, size) giving a QuerySet — a topic's
    (#name), a token's ($SYMBOL) or the search's — or None (@name)."""
    if query.kind == "people":
        return None
    if query.kind == "cashtag":
        return (lambda cursor, size: cashtag_posts(cashtag=token)) if token else None
    if query.kind == "tag":
        return (lambda cursor, size: selectors.topic_posts(hashtag=topic)) if topic else None
    return lambda cursor, size: found.search_posts(query=query, cursor=cursor, size=size)


EXCERPT_SECONDS = 600


def _excerpts(posts, query: search.Query) -> dict:
    """Each post's matched line, kept per process by post version and query: finding it
    normalises the post's text again (most of a search page's time when not kept)."""
    digest = hashlib.blake2b(query.text.encode(), digest_size=12).hexdigest()
    keys = {i: f"excerpt:{p.pk}:{p.edited_at}:{digest}" for i, p in enumerate(posts)}
    store = caches["template_fragments"]
    kept = store.get_many(list(keys.values()))
    missing = {}
    for i, post in enumerate(posts):
        if keys[i] not in kept:
            kept[keys[i]] = missing[keys[i]] = search.excerpt_html(post.body, query)
    if missing:
        store.set_many(missing, EXCERPT_SECONDS)
    return {i: mark_safe(kept[key]) for i, key in keys.items()}


def _with_excerpts(posts, query: search.Query, context: dict):
    """Keyset pages of the posts; the line of each post's text that matched goes into
    the page's context as `excerpts` (card's position → HTML, escaped then marked)."""

    def page_of(cursor, size):
        after = cursor_decode(cursor) if cursor else None  # a broken one: 400
        page = keyset_page(posts(after, size + 1), cursor, size)
        context["excerpts"] = _excerpts(page.items, query)
        return page

    return page_of


@require_GET
def search_page(request):
    form = SearchForm(request.GET)
    if not form.is_valid():
        return bad_request(request, _("A search can be at most 100 characters long."))
    query = search.parse(form.cleaned_data["q"])
    typed = " ".join(form.cleaned_data["q"].split())  # the box keeps # and @ as typed
    context = {"form": form, "query": typed, "term": query.text, "kind": query.kind}
    context["posts_shown"] = False
    if query.empty:
        return render(request, TEMPLATE, {**context, "page": None})
    _count(request)
    try:
        with found.search_time_limit():
            context.update(found.search_suggestions(query=query))
            people = context["people"]
            context["following_ids"] = selectors.following_ids(viewer=request.user, users=people)
            posts = _posts(query, context["topic"], context["token"])
            if posts is None:
                return render(request, TEMPLATE, {**context, "page": None})
            context["posts_shown"] = True
            page_of = _with_excerpts(posts, query, context)
            return render_page(request, TEMPLATE, page_of, context, partial=TEMPLATE + "#results")
    except found.SearchTooBroad:
        context["too_broad"] = True
        return render(request, TEMPLATE, {**context, "page": None}, status=200)
