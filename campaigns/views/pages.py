"""The public campaign pages: thin views over the selectors (drafts are 404)."""

from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from campaigns import presentation
from campaigns.selectors import (
    campaign_by_slug,
    campaign_figures,
    campaign_list,
    live_standing,
    my_standing,
)
from campaigns.selectors import (
    new_voices_page as voices_page,
)
from campaigns.selectors.pages import campaign_public
from campaigns.services.leaderboard import leaderboard_refresh_ask, leaderboard_serve
from square.project.not_found import found_or_404
from square.project.page_cache import visitor_page
from square.views.common import render_page

LEADERBOARD_SIZE = 100  # at most the cached board's TOP_SIZE


def _signed_in(request):
    return request.user if request.user.is_authenticated else None


@require_GET
@visitor_page
def campaign_index(request):
    now = timezone.now()
    rows = [(c, c.phase(now)) for c in campaign_list()]
    current = [(c, p) for c, p in rows if p in ("live", "scheduled")]
    past = [(c, p) for c, p in rows if p not in ("live", "scheduled")]
    return render(request, "campaigns/list.html", {"current": current, "past": past, "now": now})


@require_GET
@visitor_page
def detail(request, slug: str):
    campaign = found_or_404(campaign_by_slug(slug=slug))
    now = timezone.now()
    user = _signed_in(request)
    standing = my_standing(campaign=campaign, user=user) if user else None
    entries = []
    if standing is not None:
        if standing.board_stale:
            leaderboard_refresh_ask(campaign_id=campaign.pk)
        entries = [(e, presentation.reasons_text(e, campaign)) for e in standing.entries]
    context = {
        "campaign": campaign,
        "phase": campaign.phase(now),
        "now": now,
        "figures": campaign_figures(campaign=campaign),
        "tiers": campaign.tiers.all(),
        "standing": standing,
        "my_entries": entries,
        "compose_url": presentation.compose_url(campaign),
    }
    return render(request, "campaigns/detail.html", context)


@require_GET
@visitor_page
def leaderboard(request, slug: str):
    campaign = found_or_404(campaign_public(slug=slug))
    board = leaderboard_serve(campaign=campaign)
    top = board.top[:LEADERBOARD_SIZE]
    user = _signed_in(request)
    mine = live_standing(board, user.pk) if user else None
    html_rows = presentation.board_rows(board=board, top=top, viewer=user)
    context = {
        "campaign": campaign,
        "phase": campaign.phase(),
        "rows": list(zip(top, html_rows, strict=True)),
        "total": board.total,
        "mine": mine,
        "mine_outside": mine is not None and mine.rank > len(top),
        "size": LEADERBOARD_SIZE,
    }
    return render(request, "campaigns/leaderboard.html", context)


@require_GET
@visitor_page
def new_voices_page(request, slug: str):
    campaign = found_or_404(campaign_public(slug=slug))
    context = {"campaign": campaign, "phase": campaign.phase(), "mark_new": True}

    def page_of(cursor, size):
        return voices_page(campaign=campaign, cursor=cursor, size=size)

    return render_page(request, "campaigns/new_voices.html", page_of, context)
