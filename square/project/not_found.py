"""Found, or the site's 404 page.

Selectors answer `None` for what the viewer may not see (a draft campaign, a hidden
post, someone else's award), so that "not there" and "not yours" look the same. Views
turn that `None` into the one 404 page with this helper rather than each in its own way.
"""

from django.http import Http404


def found_or_404[T](found: T | None) -> T:
    """`found` itself, or Http404 (the handler renders templates/404.html) for None."""
    if found is None:
        raise Http404
    return found
