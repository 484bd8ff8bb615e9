"""The page's own address, as forms and links carry it back: its path and the query
parameters the square's pages read, nothing else.

Every like and follow form on a page holds the page's address in `next`, and "load
more" links repeat it with the next cursor. Copying the whole query string let anyone
make a page heavy: `/?tab=latest&pad=<60 KB>` gave a 1.39 MB page (the pad in each of
twenty cards). Unknown parameters are dropped; a known one keeps the value the page
read (the last, as `QueryDict.get`), cut to `VALUE_MAX` characters (the longest a page
accepts is a 100-character search).
"""

from django.http import QueryDict
from django.utils.encoding import escape_uri_path

KNOWN = ("tab", "q", "tag", "page")  # cursor and partial are the pager's own (below)
VALUE_MAX = 100


def known_query(request) -> QueryDict:
    """The request's known parameters (one value each, bounded), in their order."""
    query = QueryDict(mutable=True)
    for name in request.GET:
        if name in KNOWN and name not in query:
            query[name] = request.GET.get(name, "")[:VALUE_MAX]
    return query


def page_address(request) -> str:
    """The safe `next` of this request: path and known parameters, without the pager's
    (a partial "load more" answer must not send people back to a bare fragment)."""
    query = known_query(request)
    path = escape_uri_path(request.path)
    return f"{path}?{query.urlencode()}" if query else path


def next_page_query(request, cursor: str) -> str:
    """The link to the next page of this one: its known parameters and `cursor`."""
    query = known_query(request)
    query["cursor"] = cursor
    return f"?{query.urlencode()}"
