"""Template helpers of the campaign pages: fields in the reader's language, reasons in
words, windows and countdowns in UTC+8."""

from django import template
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from campaigns import presentation
from square.project.beijing_time import SECONDS, beijing_text

register = template.Library()


@register.filter
def localized(obj, field: str) -> str:
    """{{ campaign|localized:"title" }}: the `_en` field on English pages when filled in."""
    return presentation.localized(obj, field)


@register.simple_tag
def reasons_in_words(entry, campaign) -> list[str]:
    return presentation.reasons_text(entry, campaign)


@register.simple_tag
def local_time(moment) -> str:
    """A full timestamp in UTC+8, to the second, zone named by the caller's sentence."""
    shown = beijing_text(moment, SECONDS, zone=False)
    return format_html('<time datetime="{}">{}</time>', moment.isoformat(), shown)


def _clock(seconds: int) -> str:
    hours, rest = divmod(seconds, 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours:02d}:{minutes:02d}:{secs:02d}"


@register.filter
def duration_words(delta) -> str:
    """A duration in words ("1 hour", "4 days 11 hours 24 minutes 49 seconds")."""
    seconds = int(delta.total_seconds())
    units = (
        (86400, lambda n: ngettext("%(n)d day", "%(n)d days", n)),
        (3600, lambda n: ngettext("%(n)d hour", "%(n)d hours", n)),
        (60, lambda n: ngettext("%(n)d minute", "%(n)d minutes", n)),
        (1, lambda n: ngettext("%(n)d second", "%(n)d seconds", n)),
    )
    parts = []
    for size, words in units:
        count, seconds = divmod(seconds, size)
        if count:
            parts.append(words(count) % {"n": count})
    return " ".join(parts) or ngettext("%(n)d second", "%(n)d seconds", 0) % {"n": 0}


@register.simple_tag
def countdown(target, now=None) -> str:
    """Time left until `target`: "3 days 04:05:06" (the script keeps it ticking)."""
    now = now or timezone.now()
    left = max(int((target - now).total_seconds()), 0)
    days, rest = divmod(left, 86400)
    clock = format_html("<span data-countdown-clock>{}</span>", _clock(rest))
    if days:
        day_text = ngettext("%(n)d day", "%(n)d days", days) % {"n": days}
        shown = format_html("<span data-countdown-days>{}</span> {}", day_text, clock)
    else:
        shown = clock
    return format_html(
        '<span class="countdown" data-countdown="{}">{}</span>', target.isoformat(), shown
    )


@register.simple_tag
def prize_text(prize) -> str:
    """A prize in words: its label, the amount and currency, the quantity, the days."""
    parts = [presentation.localized(prize, "label")]
    if prize.amount is not None and prize.currency:
        amount = f"{prize.amount.normalize():f}"
        parts.append(_("%(amount)s %(currency)s") % {"amount": amount, "currency": prize.currency})
    if prize.duration_days:
        parts.append(
            ngettext("for %(n)d day", "for %(n)d days", prize.duration_days)
            % {"n": prize.duration_days}
        )
    text = " · ".join(parts)
    if prize.quantity and prize.quantity > 1:
        text = _("%(prize)s × %(n)s") % {"prize": text, "n": prize.quantity}
    return text
