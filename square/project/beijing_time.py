"""Times as the square shows them: Beijing time (UTC+8 all year), the zone named.

Every time a person or staff reads is in this zone, in one of a few formats with a name
each, so the cards, the admin and the campaign pages agree. A sentence that names the
zone itself (a translated "… (UTC+8).") asks for the time without it.
"""

from datetime import date, datetime
from zoneinfo import ZoneInfo

from django.utils import timezone

BEIJING = ZoneInfo("Asia/Shanghai")  # settings.TIME_ZONE; China has no summer time
ZONE = "UTC+8"

MINUTES = "%Y-%m-%d %H:%M"  # cards and admin lists: the minute is enough
SECONDS = "%Y-%m-%d %H:%M:%S"  # campaign windows, closes and draws: the second decides
DAY = "%Y-%m-%d"  # a day, e.g. an older post on a card
MONTH_DAY = "%m-%d"  # a chart's day axis, where the year is in the title
FORMATS = {"minutes": MINUTES, "seconds": SECONDS, "day": DAY, "month_day": MONTH_DAY}


def in_beijing(moment: datetime) -> datetime:
    """The same instant on a Beijing clock (whatever zone `moment` carries)."""
    return timezone.localtime(moment, BEIJING)


def beijing_text(moment: datetime | date | None, fmt: str = MINUTES, *, zone: bool = True) -> str:
    """`moment` in Beijing time as `fmt` says, with " (UTC+8)" unless the sentence around
    it names the zone; "" for None. A `date` is already a Beijing day."""
    if moment is None:
        return ""
    local = in_beijing(moment) if isinstance(moment, datetime) else moment
    text = local.strftime(fmt)
    return f"{text} ({ZONE})" if zone else text
