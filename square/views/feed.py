"""The home feed and topic pages (search: `square.views.search`)."""

import hashlib

from django.conf import settings
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from square import selectors, text
from square.forms import PostForm
from square.project import hooks
from square.project.caching import kept_under
from square.project.page_cache import VERSION_KEY as PAGES_VERSION
from square.project.page_cache import visitor_page
from square.views.common import bad_request, render_card_feed, render_feed, render_page

TRENDING_LOCAL_SECONDS = 5


def _trending():
    """The trending box's lists, and a digest of them: the box is rendered once per
    digest and language in each process: twenty links with plurals are costly to render
    on every page, and the lists change once a minute at most. So each process also
    keeps them a few seconds while no write was announced (the visitor pages' version),
    reading one small key instead of the two lists per page."""

    def lists() -> dict:
        day = selectors.trending_tags(hours=24)
        week = selectors.trending_tags(hours=24 * 7)
        version = hashlib.blake2b(repr((day, week)).encode(), digest_size=16).hexdigest()
        return {"trending_day": day, "trending_week": week, "trending_version": version}

    return kept_under(PAGES_VERSION, "square:trending", lists, seconds=TRENDING_LOCAL_SECONDS)


TABS = ("hot", "latest", "following")


def _hot(request, context):
    """推荐 Hot: pages of the ranking taken at most a minute ago (`selectors.hot_page`)."""

    def page_of(cursor, size):
        return selectors.hot_page(cursor=cursor, size=size)

    return render_page(request, "square/home.html", page_of, context)


@require_GET
@visitor_page
def home(request):
    """The home page's three tabs: 推荐 Hot (the default), 最新 Latest, 关注 Following."""
    tab = request.GET.get("tab", "hot")
    if tab not in TABS:
        return bad_request(request, _("There is no such tab."))
    signed_in = request.user.is_authenticated
    form = PostForm() if signed_in else None
    hours = settings.SQUARE_HOT_WINDOW_HOURS
    context = {
        "form": form,
        "tab": tab,
        "hot_hours": hours,
        "hot_days": hours // 24 if hours % 24 == 0 else None,
        # Callables: the template calls them only on full pages (not "load more").
        "home_panels": lambda: hooks.home_panels(request=request),
        "compose_extra": (lambda: hooks.compose_context(request=request)) if signed_in else None,
    }
    context.update(_trending())
    if tab == "hot":
        return _hot(request, context)
    if tab == "following":
        if not signed_in:
            return render(request, "square/home.html", {**context, "page": None})
        ids = [request.user.pk]
    else:
        ids = []
    return render_card_feed(request, "square/home.html", context, feed=tab, ids=ids)


@require_GET
@visitor_page
def topic(request, tag: str):
    key = text.tag_key(tag)
    hashtag = selectors.hashtag_by_key(key=key)
    # Keys of stored tags may be longer than 64 or carry marks (ß → ss, İ → i̇).
    if hashtag is None and not text.is_valid_tag(key):
        return bad_request(request, _("“%(tag)s” is not a valid hashtag.") % {"tag": tag[:80]})
    if key != tag:  # one canonical URL per topic
        return redirect("topic", tag=key, permanent=True)
    if hashtag is None:
        context = {"tag_key": key, "hashtag": None, "stats": {"posts": 0, "authors": 0}}
        return render_feed(request, "square/topic.html", selectors.feed_latest().none(), context)
    stats = selectors.topic_stats(hashtag=hashtag)
    context = {"tag_key": key, "hashtag": hashtag, "stats": stats, **_trending()}
    return render_card_feed(request, "square/topic.html", context, feed="topic", ids=[hashtag.pk])
