"""The token pages: /cashtags/<SYMBOL>/, one canonical upper-case address per token."""

from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from square import text
from square.models import Post
from square.project.page_cache import visitor_page
from square.selectors import cashtags as tokens
from square.views.common import bad_request, render_feed


@require_GET
@visitor_page
def cashtag(request, symbol: str):
    if not text.is_valid_cashtag(symbol):
        return bad_request(
            request, _("“%(symbol)s” is not a valid cashtag.") % {"symbol": symbol[:20]}
        )
    if symbol != symbol.upper():
        return redirect("cashtag", symbol=symbol.upper(), permanent=True)
    found = tokens.cashtag_by_symbol(symbol=symbol)
    figures = {"posts": 0, "authors": 0, "related": []}
    qs = Post.objects.none()
    if found is not None:
        figures, qs = tokens.cashtag_figures(cashtag=found), tokens.cashtag_posts(cashtag=found)
    context = {"symbol": symbol, "figures": figures, "trending_tokens": tokens.trending_cashtags()}
    return render_feed(request, "square/cashtag.html", qs, context)
