"""What campaigns add to the square's pages (registered in campaigns.hooks), and the
words the campaign pages use: reason codes explained, fields in the reader's language.

Every sentence is written here or in a template, translated; the square only gets
`Badge`s, JSON for the compose counter and finished HTML panels.
"""

import functools

from django.contrib.auth.models import AnonymousUser
from django.core.cache import caches
from django.template.loader import get_template, render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.safestring import mark_safe
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from campaigns import rules
from campaigns.models import Campaign, Entry
from campaigns.selectors.campaigns import card_entries, featured_possible
from campaigns.selectors.pages import NEW_VOICES_AFTER_END, newest_new_voices, users_by_id
from campaigns.selectors.rewards import (
    featured_home_items,
    featured_posts,
    home_campaigns,
    picks,
)
from square.project.caching import cached_value, kept_under
from square.project.hooks import Badge
from square.project.page_cache import VERSION_KEY as PAGES_VERSION

PANEL_CACHE_SECONDS = 60
LOCAL_SECONDS = 5  # shared values kept in each process while no write is announced
PANEL_VOICES = 5
BOARD_ROWS_SECONDS = 300  # a board is refreshed every minute; older versions age out


def is_english() -> bool:
    return (get_language() or "").lower().startswith("en")


def localized(obj, field: str) -> str:
    """`obj.<field>_en` when the page is in English and it is filled in, else `obj.<field>`."""
    if is_english():
        english = getattr(obj, f"{field}_en", "")
        if english:
            return english
    return getattr(obj, field)


def reason_text(code: str, *, entry: Entry | None = None, campaign: Campaign) -> str:
    """One reason code in the member's words (`rules.Reason.member_text`). Codes this
    version does not know (added by later steps) are shown as they are."""
    if code not in rules.Reason.values:
        return code
    return rules.Reason(code).member_text(campaign=campaign, entry=entry)


def reasons_text(entry, campaign: Campaign) -> list[str]:
    return [reason_text(code, entry=entry, campaign=campaign) for code in entry.reasons or []]


# --- post card badges -------------------------------------------------------------------


def card_badges(*, posts, viewer) -> dict:
    """{post id: [Badge]}: "精选 Featured" on posts featured on the home page right now,
    "counts for #tag" on valid entries for everyone; the author also sees why an entry
    does not count. One indexed query for the whole page (`card_entries`: campaigns
    come from the kept copy). A plain repost's card shows its original, so the
    originals' entries are read too. `posts` are Posts or card rows."""
    ids = set()
    for post in posts:
        ids.add(post.pk)
        if post.is_plain_repost:
            ids.add(post.repost_of_id)
    entries = sorted(card_entries(post_ids=ids), key=lambda e: (e[0].post_id, e[0].campaign_id))
    badges: dict[int, list[Badge]] = {}
    if not entries:
        return badges
    now = timezone.now().timestamp()
    featured = _featured_posts() if featured_possible() else {}
    for post_id in dict.fromkeys(e.post_id for e, _c in entries):
        if featured.get(post_id, 0.0) > now:
            badges[post_id] = [Badge(text=_("精选 Featured"))]
    viewer_id = viewer.pk if viewer is not None and viewer.is_authenticated else None
    counts: dict[int, Badge] = {}  # "counts for #tag", the same on every card of a campaign
    for entry, campaign in entries:
        if entry.valid and not (entry.under_review and viewer_id == entry.author_id):
            if campaign.pk not in counts:
                counts[campaign.pk] = _entry_badge(entry, campaign, is_author=False)
            badge = counts[campaign.pk]
        else:
            badge = _entry_badge(entry, campaign, is_author=viewer_id == entry.author_id)
        if badge is not None:
            badges.setdefault(entry.post_id, []).append(badge)
    return badges


def _featured_posts() -> dict[int, float]:
    """`featured_posts()`, kept a few seconds per process while no write is announced
    (making something featured, or a like that moves the Picks, announces one); each
    entry carries its own end time, checked on every page."""
    key = "campaigns:featured-posts:local"
    return kept_under(PAGES_VERSION, key, featured_posts, seconds=LOCAL_SECONDS)


def _entry_badge(entry, campaign: Campaign, *, is_author: bool) -> Badge | None:
    """What one entry adds to its card: "counts" for everyone, why not for its author."""
    url = campaign.get_absolute_url()
    tag = {"tag": campaign.hashtag}
    if entry.valid and entry.under_review and is_author:
        detail = _(
            "It looks similar to someone else's earlier post. It counts while staff "
            "review it, and stops counting if they find it reworded from that post."
        )
        return Badge(text=_("counts for #%(tag)s · under review") % tag, url=url, detail=detail)
    if entry.valid:
        return Badge(text=_("counts for #%(tag)s") % tag, url=url)
    if not is_author:
        return None
    detail = _("; ").join(reasons_text(entry, campaign))
    if entry.under_review:
        return Badge(text=_("under review for #%(tag)s") % tag, url=url, ok=False, detail=detail)
    return Badge(text=_("does not count for #%(tag)s") % tag, url=url, ok=False, detail=detail)


# --- the compose counter ------------------------------------------------------------------


def counter_labels() -> dict:
    """The counter's sentences, translated here (the script only fills them in)."""
    return {
        "count": _("#%(tag)s: %(n)s / %(min)s 字"),
        "ok": _("counts for the campaign"),
        "short": _("%(left)s more 字 to count"),
        "variety": _("too many repeated characters (%(distinct)s of %(min)s different)"),
        "missing": _("Add #%(tag)s to take part in “%(title)s” (at least %(min)s 字)."),
        "rules": _("Rules"),
    }


def _home_campaigns(request) -> list[Campaign]:
    """`home_campaigns()`, read once per request (the compose counter and the home
    panels both ask for it), and kept in this process a few seconds while no write was
    announced (the visitor pages' version; making something featured announces one)."""
    if not hasattr(request, "_campaigns_home"):
        key = "campaigns:home:local"
        request._campaigns_home = kept_under(
            PAGES_VERSION, key, home_campaigns, seconds=LOCAL_SECONDS
        )
    return request._campaigns_home


def compose_context(*, request) -> dict:
    """The live campaigns for the compose counter (nothing when none is live)."""
    now = timezone.now()
    live = [c for c in _home_campaigns(request) if c.phase(now) == "live"]
    if not live:
        return {}
    campaigns = [
        {
            "slug": c.slug,
            "hashtag": c.hashtag,
            "tags": c.tag_keys,
            "min_chars": c.min_chars,
            "min_distinct": c.min_distinct_chars,
            "title": localized(c, "title"),
            "url": c.get_absolute_url(),
        }
        for c in live
    ]
    return {"campaigns": campaigns, "labels": counter_labels()}


# --- the home page's New Voices strip ------------------------------------------------------


def _panel(campaign: Campaign, now) -> str:
    context = {
        "campaign": campaign,
        "title": localized(campaign, "title"),
        "voices": newest_new_voices(campaign=campaign, limit=PANEL_VOICES),
        "phase": campaign.phase(now),
        "list_url": reverse("campaigns:new_voices", kwargs={"slug": campaign.slug}),
    }
    return render_to_string("campaigns/home_panel.html", context)


def _featured(campaigns: list[Campaign], now) -> str:
    """The 推荐 Featured slot and the 精选 Picks section ("" when nothing is featured)."""
    ids = [c.pk for c in campaigns]
    slots = featured_home_items(campaign_ids=ids, now=now)
    shown, picked = set(), []
    for entry in picks(campaign_ids=ids, now=now):
        if entry.post_id not in shown:  # a post may be an entry of two campaigns
            shown.add(entry.post_id)
            picked.append(entry.post)
    if not slots and not picked:
        return ""
    context = {
        "slots": [
            {"post": item.award.post, "campaign": localized(item.award.tier.campaign, "title")}
            for item in slots
        ],
        "picks": picked,
    }
    return render_to_string("campaigns/home_featured.html", context)


def home_panels(*, request) -> str:
    """The home page's panels as one HTML string (`square.project.hooks.home_panels` takes one
    per provider): the 推荐 Featured slot and 精选 Picks of published campaigns with an
    active featured prize, then the New Voices strips (one per campaign that is live or
    ended within 30 days). Cached for a minute per language: on a cold cache the home
    page pays one query (`home_campaigns`, shared with the compose counter) when
    nothing is featured or in its window, and a few more when something is."""
    now = timezone.now()
    campaigns = _home_campaigns(request)
    strips = [
        c for c in campaigns if c.starts_at <= now <= c.ends_at_inclusive + NEW_VOICES_AFTER_END
    ]
    featured = [c for c in campaigns if c.has_featured and c.status == Campaign.Status.PUBLISHED]
    if not strips and not featured:
        return ""
    key = "campaigns:home-panels:{}:{}:{}".format(
        get_language(),
        ",".join(str(c.pk) for c in featured),
        ",".join(str(c.pk) for c in strips),
    )

    def render() -> str:
        html = _featured(featured, now) if featured else ""
        return html + "".join(_panel(c, now) for c in strips)

    shared = functools.partial(cached_value, key, render, fresh=PANEL_CACHE_SECONDS)
    html = kept_under(PAGES_VERSION, f"{key}:local", shared, seconds=LOCAL_SECONDS)
    return mark_safe(html)  # our own templates, rendered with autoescape


def compose_url(campaign: Campaign) -> str:
    """The "post now" link: the compose page with the campaign's tag filled in."""
    return f"{reverse('compose')}?{urlencode({'tag': campaign.hashtag})}"


# --- rows the same for everyone but the viewer's own --------------------------------------

BOARD_ROW = "campaigns/leaderboard.html#row"
EXCLUSION_ROW = "campaigns/results.html#exclusion_row"


def _shared_rows(*, key: str | None, template: str, items, context, is_mine) -> list:
    """The HTML of one row per item, rendered once per `key` (a version and the
    language) in each process with `context(item, mine=False)`; the viewer's own row
    (`is_mine(item)`) is rendered per request with `context(item, mine=True)`. Used
    where long tables change about once a minute and were most of their page's cost."""
    store = caches["template_fragments"]
    rows = store.get(key) if key else None
    if rows is None:
        shared = get_template(template)
        rows = [shared.render(context(item, mine=False)) for item in items]
        store.set(key, rows, BOARD_ROWS_SECONDS)
    return [
        mark_safe(
            get_template(template).render(context(item, mine=True)) if is_mine(item) else html
        )
        for item, html in zip(items, rows, strict=True)
    ]


def board_rows(*, board, top, viewer) -> list:
    """The leaderboard's top as `viewer` sees it (their row marked "me"), rendered once
    per board version. Names and avatars follow the board: at most a minute late."""
    signed_in = viewer is not None and viewer.is_authenticated

    @functools.cache
    def people() -> dict:  # only when the shared rows are rendered
        return users_by_id(s.user_id for s in top)

    def context(row, *, mine: bool) -> dict:
        if mine:
            return {"row": row, "person": viewer, "user": viewer}
        return {"row": row, "person": people().get(row.user_id), "user": AnonymousUser()}

    key = f"campaigns:board-rows:{board.campaign_id}:{board.version}:{get_language()}:{len(top)}"
    return _shared_rows(
        key=key, template=BOARD_ROW, items=top, context=context,
        is_mine=lambda row: signed_in and row.user_id == viewer.pk,
    )  # fmt: skip


def exclusion_rows(*, exclusions, mine) -> list:
    """The results page's rows of excluded people (the first `PEOPLE_SHOWN`), the
    viewer's own (`mine`) marked, rendered once per summary version."""
    version = exclusions.version
    return _shared_rows(
        key=f"campaigns:exclusion-rows:{version}:{get_language()}" if version else None,
        template=EXCLUSION_ROW,
        items=exclusions.shown,
        context=lambda p, *, mine: {"person": p, "my_exclusion": p if mine else None},
        is_mine=lambda p: mine is not None and p == mine,
    )
