"""What campaigns add to the square's pages (registered in campaigns.hooks), and the
words the campaign pages use: reason codes explained, fields in the reader's language.

Every sentence is written here or in a template, translated; the square only gets
`Badge`s, JSON for the compose counter and finished HTML panels.
"""

from django.core.cache import cache
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.safestring import mark_safe
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from campaigns import rules
from campaigns.models import Campaign, Entry
from campaigns.selectors import entries_for_posts
from campaigns.selectors.pages import (
    live_campaigns,
    new_voices_strip_campaigns,
    newest_new_voices,
)
from square.hooks import Badge

PANEL_CACHE_SECONDS = 60
PANEL_VOICES = 5


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
    """One reason code in words (the only place that says why an entry does not count).
    Codes this version does not know (added by later steps) are shown as they are."""
    if code == rules.MISSING_HASHTAG:
        return _("no #%(tag)s") % {"tag": campaign.hashtag}
    if code == rules.TOO_SHORT:
        counted = entry.counted_chars if entry is not None else 0
        return _("%(counted)s of %(min)s 字") % {"counted": counted, "min": campaign.min_chars}
    if code == rules.LOW_VARIETY:
        return _("too many repeated characters")
    if code == rules.OUTSIDE_WINDOW:
        if entry is not None and entry.posted_at < campaign.starts_at:
            return _("posted before the campaign started")
        return _("posted after the campaign ended")
    if code == rules.DELETED:
        return _("deleted")
    if code == rules.HIDDEN:
        return _("hidden by staff")
    if code == rules.AUTHOR_INELIGIBLE:
        return _("your account cannot take part (staff or deactivated)")
    return code


def reasons_text(entry: Entry, campaign: Campaign) -> list[str]:
    return [reason_text(code, entry=entry, campaign=campaign) for code in entry.reasons or []]


# --- post card badges -------------------------------------------------------------------


def card_badges(*, posts, viewer) -> dict:
    """{post id: [Badge]}: "counts for #tag" on valid entries for everyone; the author
    also sees why an entry does not count. One query for the whole page. A plain
    repost's card shows its original, so the originals' entries are read too."""
    ids = set()
    for post in posts:
        ids.add(post.pk)
        if post.repost_of_id is not None and not post.body:
            ids.add(post.repost_of_id)
    viewer_id = viewer.pk if viewer is not None and viewer.is_authenticated else None
    badges: dict[int, list[Badge]] = {}
    entries = sorted(entries_for_posts(post_ids=ids), key=lambda e: (e.post_id, e.campaign_id))
    for entry in entries:
        campaign = entry.campaign
        url = campaign.get_absolute_url()
        if entry.valid:
            text = _("counts for #%(tag)s") % {"tag": campaign.hashtag}
            badges.setdefault(entry.post_id, []).append(Badge(text=text, url=url))
        elif viewer_id is not None and viewer_id == entry.author_id:
            text = _("does not count for #%(tag)s") % {"tag": campaign.hashtag}
            detail = _("; ").join(reasons_text(entry, campaign))
            badge = Badge(text=text, url=url, ok=False, detail=detail)
            badges.setdefault(entry.post_id, []).append(badge)
    return badges


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


def compose_context(*, request) -> dict:
    """The live campaigns for the compose counter (nothing when none is live)."""
    live = live_campaigns()
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


def home_panels(*, request) -> str:
    """The New Voices strips (one per campaign that is live or ended within 30 days) as
    one HTML string — `square.hooks.home_panels` takes one panel per provider — cached
    for a minute per language, so the home page stays cheap."""
    campaigns = new_voices_strip_campaigns()
    if not campaigns:
        return ""
    key = f"campaigns:home-panels:{get_language()}:" + ",".join(str(c.pk) for c in campaigns)
    html = cache.get(key)
    if html is None:
        now = timezone.now()
        html = "".join(_panel(c, now) for c in campaigns)
        cache.set(key, html, PANEL_CACHE_SECONDS)
    return mark_safe(html)  # our own templates, rendered with autoescape


def compose_url(campaign: Campaign) -> str:
    """The "post now" link: the compose page with the campaign's tag filled in."""
    return f"{reverse('compose')}?{urlencode({'tag': campaign.hashtag})}"
