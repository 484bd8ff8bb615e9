"""The home feed, topic pages and search."""

from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from square import selectors, text
from square.forms import PostForm, SearchForm
from square.views.common import bad_request, render_feed


def _trending():
    return {
        "trending_day": selectors.trending_tags(hours=24),
        "trending_week": selectors.trending_tags(hours=24 * 7),
    }


@require_GET
def home(request):
    form = PostForm() if request.user.is_authenticated else None
    return render_feed(
        request, "square/home.html", selectors.feed_latest(), {"form": form, **_trending()}
    )


@require_GET
def topic(request, tag: str):
    key = text.tag_key(tag)
    hashtag = selectors.hashtag_by_key(key=key)
    # Keys of stored tags may be longer than 64 or carry marks (ß → ss, İ → i̇).
    if hashtag is None and not text.is_valid_tag(key):
        return bad_request(request, _("“%(tag)s” is not a valid hashtag.") % {"tag": tag[:80]})
    if key != tag:  # one canonical URL per topic
        return redirect("topic", tag=key, permanent=True)
    if hashtag is None:
        qs, stats = selectors.feed_latest().none(), {"posts": 0, "authors": 0}
    else:
        qs, stats = selectors.topic_posts(hashtag=hashtag), selectors.topic_stats(hashtag=hashtag)
    context = {"tag_key": key, "hashtag": hashtag, "stats": stats, **_trending()}
    return render_feed(request, "square/topic.html", qs, context)


@require_GET
def search(request):
    form = SearchForm(request.GET)
    if not form.is_valid():
        return bad_request(request, _("A search can be at most 100 characters long."))
    query = form.cleaned_data["q"].strip()
    context = {"form": form, "query": query, "tags": []}
    if not query:
        return render_feed(request, "square/search.html", selectors.feed_latest().none(), context)
    context["tags"] = selectors.search_hashtags(query=query)
    return render_feed(request, "square/search.html", selectors.search_posts(query=query), context)
