"""The two yardsticks every page is compared with (mounted at /bench/ only when
SQUARE_BENCH_URLS is on): what the stack costs with no work at all, and the cheapest
20-item page it can serve. A page's req/s as a fraction of the minimal list's says how
much of its cost is its own."""

from django.db.models import QuerySet
from django.http import HttpResponse
from django.template import engines
from django.views.decorators.http import require_GET

from square.models import Post

MINIMAL = engines["django"].from_string(
    '<!doctype html><html lang="zh-hans"><head><meta charset="utf-8"><title>Square</title>'
    "</head><body><ol>{% for body in bodies %}<li>{{ body }}</li>{% endfor %}</ol></body></html>"
)


@require_GET
def bare(request):
    """A short string: middleware, routing and the server, nothing else."""
    return HttpResponse("ok", content_type="text/plain")


def newest_bodies(size: int = 20) -> QuerySet:
    """One keyset query on the feed index: the newest published bodies."""
    qs = Post.objects.filter(status=Post.Status.PUBLISHED).exclude(body="")
    return qs.order_by("-created_at", "-id").values_list("body", flat=True)[:size]


@require_GET
def minimal_list(request):
    """20 post bodies from one query through a plain template (escaped, no partials,
    no session or user lookups): the cheapest 20-item page of this stack."""
    return HttpResponse(MINIMAL.render({"bodies": list(newest_bodies())}))
