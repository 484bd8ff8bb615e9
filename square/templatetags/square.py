"""Rendering helpers for post cards: linked bodies, times in UTC+8, avatars."""

from datetime import timedelta

from django import template
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape, format_html
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import ngettext, pgettext

from square import notifications, text
from square.addresses import page_address
from square.project.beijing_time import DAY, FORMATS, beijing_text
from square.text import Kind

register = template.Library()

CARD_LIMIT = 280
LINK_REL = "nofollow ugc noopener"


def _link(token, mentioned: dict[str, str]) -> str:
    if token.kind is Kind.URL:
        href = token.value if "://" in token.value else f"https://{token.value}"
        # A link reads as the address it opens: no direction control may reorder it.
        shown = text.without_bidi_controls(token.text)
        return format_html('<a href="{}" rel="{}" target="_blank">{}</a>', href, LINK_REL, shown)
    if token.kind is Kind.TAG:
        url = reverse("topic", kwargs={"tag": token.value})
        return format_html('<a class="tag" href="{}">{}</a>', url, token.text)
    if token.kind is Kind.CASHTAG:
        url = reverse("cashtag", kwargs={"symbol": token.value})
        return format_html('<a class="cashtag" href="{}">{}</a>', url, token.text)
    if token.kind is Kind.MENTION and token.value.lower() in mentioned:
        url = reverse("profile", kwargs={"username": mentioned[token.value.lower()]})
        return format_html('<a class="mention" href="{}">{}</a>', url, token.text)
    return escape(token.text)


@register.simple_tag
def post_body(post, limit: int | None = None):
    """The post's text, escaped, with tags, known @mentions and URLs linked.

    With `limit`, stops after about that many characters (cards of long articles) and
    says so with an ellipsis. Uses the prefetched `mentions`, so no query per post.
    """
    mentioned = {u.username.lower(): u.username for u in post.mentions.all()}
    parts, used = [], 0
    for token in text.tokens(post.body):
        if limit is not None and used + len(token.text) > limit:
            if token.kind is Kind.TEXT:
                parts.append(escape(token.text[: max(limit - used, 0)]))
            parts.append("…")
            break
        parts.append(_link(token, mentioned))
        used += len(token.text)
    return mark_safe("".join(parts))


@register.filter
def is_long(post) -> bool:
    return len(post.body) > CARD_LIMIT


def relative_time(moment) -> str:
    delta = timezone.now() - moment
    if delta < timedelta(minutes=1):
        return _("just now")
    if delta < timedelta(hours=1):
        n = int(delta.total_seconds() // 60)
        return ngettext("%(n)d minute ago", "%(n)d minutes ago", n) % {"n": n}
    if delta < timedelta(days=1):
        n = int(delta.total_seconds() // 3600)
        return ngettext("%(n)d hour ago", "%(n)d hours ago", n) % {"n": n}
    if delta < timedelta(days=7):
        n = delta.days
        return ngettext("%(n)d day ago", "%(n)d days ago", n) % {"n": n}
    return beijing_text(moment, DAY, zone=False)


@register.simple_tag
def when(moment, relative: bool = True):
    """A <time> in UTC+8: relative on cards, the full local time (zone named) on hover."""
    if moment is None:
        return ""
    full = beijing_text(moment)
    shown = relative_time(moment) if relative else full
    return format_html('<time datetime="{}" title="{}">{}</time>', moment.isoformat(), full, shown)


@register.filter
def beijing(moment, precision: str = "minutes") -> str:
    """{{ moment|beijing:"seconds" }}: the time in UTC+8 for a sentence that names the
    zone itself ("minutes", "seconds" or "day"; `square.project.beijing_time`)."""
    return beijing_text(moment, FORMATS[precision], zone=False)


@register.inclusion_tag("square/avatar.html")
def avatar(user, size: str = "md"):
    initial = (user.display_name or user.username or "?")[:1].upper()
    hue = sum(map(ord, user.username)) * 37 % 360
    return {"member": user, "initial": initial, "hue_class": f"hue-{hue // 30}", "size": size}


@register.simple_tag(takes_context=True)
def here(context) -> str:
    """This page's address for a form's `next` (cached cards hold a slot for it)."""
    if "here_slot" in context:
        return context["here_slot"]
    request = context.get("request")
    return page_address(request) if request is not None else ""


@register.simple_tag
def notice_text(group):
    """The sentence for a notification group, from the kind's registered describer."""
    return notifications.describe(group)


@register.simple_tag
def notice_url(notice):
    return notifications.url_of(notice)


@register.filter
def get_item(mapping, key):
    """{{ badges|get_item:post.pk }}: a dict's value for `key` (nothing if absent)."""
    if not mapping:
        return ()
    return mapping.get(key, ())


@register.simple_tag
def member_badge(member):
    """The badge of a staff or official account, which members cannot get (the flags are
    set by superusers only and the words are reserved in names): text, not colour alone."""
    if member.is_official:
        label, kind = pgettext("account badge", "Official"), "official"
        title = _("An official Square account")
    elif member.is_staff:
        label, kind = pgettext("account badge", "Staff"), "staff"
        title = _("A member of Square's staff")
    else:
        return ""
    return format_html('<span class="member-badge {}" title="{}">{}</span>', kind, title, label)
