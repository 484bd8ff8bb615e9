"""The public results of a campaign's draws: the page, the same data as JSON for
machines, each frozen list as the exact bytes its digest covers, and the verifier
script itself (drafts are 404; see `campaigns.selectors.results` for what shows when).
The page and the JSON also carry the public disqualification list, in every state
(`campaigns.selectors.exclusions`)."""

from pathlib import Path

from django.http import Http404, HttpResponse, JsonResponse
from django.middleware.csrf import get_token
from django.shortcuts import render
from django.utils.cache import patch_cache_control, patch_vary_headers
from django.utils.translation import get_language
from django.views.decorators.http import require_GET

from campaigns import draw
from campaigns.models import Campaign, Snapshot
from campaigns.selectors.pages import campaign_public
from campaigns.selectors.published import (
    published_files,
    results_document,
    results_mine_context,
    results_page_context,
)
from campaigns.selectors.results import lists_frozen
from campaigns.views.stored import stored_response
from square.project.not_found import found_or_404
from square.project.page_cache import visitor_page

SCRIPT = Path(draw.__file__)


def _base_url(request) -> str:
    """The site's scheme and host as this request reached it, for absolute list URLs."""
    return f"{request.scheme}://{request.get_host()}"


def _open_to_all(response, *, private: bool = False):
    """Public data any site or script may read; a staff preview is never cached."""
    if private:
        patch_cache_control(response, private=True, no_store=True)
    else:
        response["Access-Control-Allow-Origin"] = "*"
    return response


@require_GET
def results(request, slug: str):
    """Published: the stored page, the same bytes for everyone. Before that, the page
    rendered per request (kept for visitors a few seconds like other pages)."""
    campaign = found_or_404(campaign_public(slug=slug))
    stored = published_files(campaign=campaign).get(f"page:{get_language()}")
    if stored is not None:
        response = stored_response(request, stored)
        patch_vary_headers(response, ("Accept-Language", "Cookie"))  # the language
        return response
    return _rendered(request, campaign=campaign)


@visitor_page
def _rendered(request, *, campaign: Campaign):
    base_url = _base_url(request)
    context = results_page_context(campaign=campaign, viewer=request.user, base_url=base_url)
    response = render(request, "campaigns/results.html", context)
    if context["page"].preview:
        patch_cache_control(response, private=True, no_store=True)
    return response


@require_GET
def results_mine(request, slug: str):
    """What the results say about the reader (their pseudonym, their awards), and the
    header as they see it: a fragment the stored page's script puts in place, or a
    small page of its own without JavaScript. Never cached: it is theirs."""
    campaign = found_or_404(campaign_public(slug=slug))
    context = {"campaign": campaign, **results_mine_context(campaign=campaign, viewer=request.user)}
    context["csrf"] = get_token(request)  # the stored page's forms take it from here
    template = "campaigns/results_mine.html"
    if request.headers.get("X-Fragment"):
        template += "#mine"
    response = render(request, template, context)
    patch_cache_control(response, private=True, no_store=True)
    return response


@require_GET
def results_json(request, slug: str):
    campaign = found_or_404(campaign_public(slug=slug))
    stored = published_files(campaign=campaign).get("json:")
    if stored is not None:
        return stored_response(request, stored)
    data = results_document(campaign=campaign, viewer=request.user, base_url=_base_url(request))
    shown_early = data["winners_shown"] and campaign.status != Campaign.Status.PUBLISHED
    response = JsonResponse(data, json_dumps_params={"ensure_ascii": False})
    return _open_to_all(response, private=shown_early)


@require_GET
def list_download(request, slug: str, kind: str):
    """A frozen list: one id and "\\n" per line, the exact bytes of its digest. Served
    from the close on (404 before, and for kinds that do not exist)."""
    if kind not in Snapshot.Kind.values:
        raise Http404
    campaign = found_or_404(campaign_public(slug=slug))
    stored = published_files(campaign=campaign).get(f"list:{kind}")
    if stored is not None:
        response = stored_response(request, stored)
        response["Content-Disposition"] = f'inline; filename="{campaign.slug}-{kind}.txt"'
        return response
    if not lists_frozen(campaign):
        raise Http404
    snapshot = Snapshot.objects.filter(campaign=campaign, kind=kind).only("body").first()
    if snapshot is None:
        raise Http404
    response = HttpResponse(
        snapshot.body.encode("ascii"), content_type="text/plain; charset=us-ascii"
    )
    response["Content-Disposition"] = f'inline; filename="{campaign.slug}-{kind}.txt"'
    return _open_to_all(response)


@require_GET
def draw_script(request):
    """The verifier, as the server runs it: save it and run it with python3."""
    response = HttpResponse(SCRIPT.read_bytes(), content_type="text/plain; charset=utf-8")
    response["Content-Disposition"] = 'inline; filename="draw.py"'
    return _open_to_all(response)
