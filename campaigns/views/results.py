"""The public results of a campaign's draws: the page, the same data as JSON for
machines, each frozen list as the exact bytes its digest covers, and the verifier
script itself (drafts are 404; see `campaigns.selectors.results` for what shows when).
The page and the JSON also carry the public disqualification list, in every state
(`campaigns.selectors.exclusions`)."""

from pathlib import Path

from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.cache import patch_cache_control
from django.views.decorators.http import require_GET

from campaigns import draw, presentation
from campaigns.models import Campaign, Snapshot
from campaigns.selectors.exclusions import campaign_exclusions
from campaigns.selectors.pages import campaign_public
from campaigns.selectors.results import lists_frozen, results_data, results_page
from square.project.not_found import found_or_404

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
    campaign = found_or_404(campaign_public(slug=slug))
    page = results_page(campaign=campaign, viewer=request.user, base_url=_base_url(request))
    json_url = request.build_absolute_uri(reverse("campaigns:results_json", args=[slug]))
    # Revoked awards are counted only when the winners are shown (loaded by the page).
    codes = [code for t in page.tiers for code in t.data["revoked_codes"]]
    exclusions = campaign_exclusions(campaign, revoked_codes=codes)
    mine = exclusions.person(campaign, request.user)
    context = {
        "campaign": campaign,
        "phase": campaign.phase(),
        "page": page,
        "data": page.data,
        "exclusions": exclusions,
        "my_exclusion": mine,
        "exclusion_rows": presentation.exclusion_rows(exclusions=exclusions, mine=mine),
        "json_url": json_url,
        "verify_command": f"python3 campaigns/draw.py {json_url}",
        "script_url": reverse("campaigns:draw_script"),
    }
    response = render(request, "campaigns/results.html", context)
    if page.preview:
        patch_cache_control(response, private=True, no_store=True)
    return response


@require_GET
def results_json(request, slug: str):
    campaign = found_or_404(campaign_public(slug=slug))
    data = results_data(campaign=campaign, viewer=request.user, base_url=_base_url(request))
    codes = [code for tier in data["tiers"] for code in tier["revoked_codes"]]
    data["exclusions"] = campaign_exclusions(campaign, revoked_codes=codes).as_json()
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
