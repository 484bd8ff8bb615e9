"""Helpers shared by the views: paging a feed and answering bad input politely."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.shortcuts import render

from square import selectors
from square.addresses import next_page_query
from square.cards import cards_render
from square.pagination import keyset_page
from square.project import hooks


def bad_request(request, message: str):
    """A 400 page that tells the person what was wrong."""
    return render(request, "square/error.html", {"message": message}, status=400)


def next_url(request, cursor: str) -> str:
    """This page's address with the next cursor (keeps the tab or the search, and no
    parameter the square does not read: `square.addresses`)."""
    return next_page_query(request, cursor)


def render_feed(request, template: str, qs, context: dict, pager=keyset_page):
    """Render one page of the QuerySet `qs` of posts, cut by `pager` (keyset by
    default), read as plain rows (`selectors.card_rows`): a warm page builds no model."""
    rows = selectors.card_rows(qs)

    def page_of(cursor, size):
        return pager(rows, cursor, size)

    return render_page(request, template, page_of, context)


def render_card_feed(request, template: str, context: dict, *, feed: str, ids: list[int]):
    """Render one page of the feed `selectors.FEEDS[feed]` (of the viewer or tag in
    `ids`): card rows from a statement compiled once (`selectors.feed_card_page`)."""

    def page_of(cursor, size):
        return selectors.feed_card_page(feed, ids, cursor=cursor, size=size)

    return render_page(request, template, page_of, context)


def render_page(
    request,
    template: str,
    page_of,
    context: dict,
    partial: str = "square/components.html#feed_page",
):
    """Render the page `page_of(cursor, size)` returns (feeds cut from a cached ranking
    or from another table use this directly); with `?partial=1` only the cards and the
    next link. (A broken cursor raises InvalidCursor, which the middleware answers with
    a 400.)

    The partial is what the "load more" button fetches; without JavaScript the same
    link simply opens the next page. The page's items are posts or plain rows
    (`selectors.card_rows`). Which posts the viewer liked is one more query, the badges
    apps put on the cards (campaign entries) one more; the cards themselves mostly come
    rendered from `square.cards`.
    """
    page = page_of(request.GET.get("cursor"), settings.SQUARE_FEED_PAGE_SIZE)
    cards = cards_render(
        request=request,
        posts=page.items,
        liked_ids=selectors.liked_post_ids(viewer=request.user, posts=page.items),
        badges=hooks.card_badges(posts=page.items, viewer=request.user),
        extra=context,
    )
    context = {
        **context,
        "page": page,
        "cards": cards,
        "next_url": next_url(request, page.next_cursor) if page.has_next else "",
    }
    if request.GET.get("partial") == "1":  # `partial`: the page's own list, if it has one
        return render(request, partial, context)
    return render(request, template, context)


def form_errors(form, exc: ValidationError, field: str = "body") -> None:
    """Show a service's ValidationError on the form fields it names (else on `field`)."""
    if hasattr(exc, "error_dict"):
        for name, errors in exc.error_dict.items():
            for error in errors:
                form.add_error(name if name in form.fields else None, error)
    else:
        form.add_error(field, exc)
