"""The dashboard's chart: valid posts and new participants per day. `chart_data`
places every dot, label and legend entry (numbers only); the template CHART_TEMPLATE
draws them as SVG markup with presentation attributes only: the site's Content
Security Policy allows no inline script or style, and no library is needed."""

import math
from dataclasses import dataclass

from django.template.loader import render_to_string
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from campaigns.selectors.dashboard import Day
from square.project.beijing_time import MONTH_DAY, beijing_text

WIDTH, HEIGHT = 760, 300
LEFT, RIGHT, TOP_MARGIN, BOTTOM = 52, 20, 44, 56
POSTS_COLOUR = "#417690"  # the admin's blue
NEW_COLOUR = "#d9822b"
LABEL_WIDTH = 40  # room for one "MM-DD" label at font size 11


def _labelled(n: int, plot_w: float) -> list[int]:
    """Which of `n` days get a label so that labels never overlap."""
    if n <= 1:
        return list(range(n))
    per_day = plot_w / (n - 1)
    step = max(1, math.ceil(LABEL_WIDTH / per_day))
    picked = list(range(0, n, step))
    if picked[-1] != n - 1 and (n - 1 - picked[-1]) * per_day >= LABEL_WIDTH:
        picked.append(n - 1)
    return picked


def _num(value: float) -> str:
    return f"{value:.1f}".removesuffix(".0")


CHART_TEMPLATE = "admin/campaigns/campaign/dashboard_chart.svg"


@dataclass(frozen=True)
class ChartPoint:
    x: str
    y: str
    day: str  # ISO date, in the dot's hover title
    value: str


@dataclass(frozen=True)
class ChartSeries:
    name: str
    colour: str
    label: str
    points: list[ChartPoint]

    @property
    def polyline(self) -> str:
        return " ".join(f"{p.x},{p.y}" for p in self.points)


@dataclass(frozen=True)
class Chart:
    """The chart's numbers and words, every coordinate already a string: the template
    (CHART_TEMPLATE) only places them."""

    frame: dict[str, str]  # the fixed places: size, the plot's edges, the axis words
    title: str
    desc: str
    top_value: str  # the highest value, written on the axis
    ticks: list[tuple[str, str]]  # (x, "MM-DD") of the labelled days
    series: list[ChartSeries]  # only those with a counted day
    legend: list[tuple[str, str, str, str]]  # (x, text x, colour, label)
    axis_title: str


def _frame() -> dict[str, str]:
    plot_w, bottom = WIDTH - LEFT - RIGHT, HEIGHT - BOTTOM
    places = {
        "width": WIDTH,
        "height": HEIGHT,
        "left": LEFT,
        "right": LEFT + plot_w,
        "top": TOP_MARGIN,
        "bottom": bottom,
        "axis_x": LEFT - 6,  # the axis's numbers end here, left of it
        "zero_y": bottom + 4,
        "top_y": TOP_MARGIN + 4,
        "tick_end": bottom + 4,
        "tick_label_y": bottom + 18,
        "axis_title_x": LEFT + plot_w / 2,
        "axis_title_y": HEIGHT - 10,
    }
    return {name: str(value) for name, value in places.items()}


def _chart_desc(days: list[Day], max_posts: int, max_new: int) -> str:
    if not days:
        return ""
    return _(
        "From %(first)s to %(last)s; at most %(posts)d valid posts and %(new)d new "
        "participants in one day."
    ) % {
        "first": days[0].day.isoformat(),
        "last": days[-1].day.isoformat(),
        "posts": max_posts,
        "new": max_new,
    }


def _chart_series(days: list[Day], x, y) -> list[ChartSeries]:
    """The two lines, with a dot per counted day (days still to come have none)."""
    kinds = (
        ("posts", POSTS_COLOUR, _("valid posts"), lambda d: d.posts),
        ("new", NEW_COLOUR, _("new participants"), lambda d: d.new_participants),
    )
    series = []
    for name, colour, label, value in kinds:
        points = [
            ChartPoint(_num(x(i)), _num(y(value(d))), d.day.isoformat(), str(value(d)))
            for i, d in enumerate(days)
            if d.counted
        ]
        if points:
            series.append(ChartSeries(name, colour, label, points))
    return series


def chart_data(days: list[Day]) -> Chart:
    """Valid posts and new participants per day, placed on the chart: where each dot,
    day label and legend entry goes, and the highest value for the axis."""
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP_MARGIN - BOTTOM
    bottom = TOP_MARGIN + plot_h
    counted = [d for d in days if d.counted]
    max_posts = max((d.posts for d in counted), default=0)
    max_new = max((d.new_participants for d in counted), default=0)
    top_value = max(max_posts, max_new, 1)

    def x(i: int) -> float:
        return LEFT + (plot_w / 2 if len(days) == 1 else i * plot_w / (len(days) - 1))

    def y(value: int) -> float:
        return bottom - value * plot_h / top_value

    legend = (
        (POSTS_COLOUR, _("Valid posts (at most %(n)d a day)") % {"n": max_posts}),
        (NEW_COLOUR, _("New participants (at most %(n)d a day)") % {"n": max_new}),
    )
    return Chart(
        frame=_frame(),
        title=_("Valid posts and new participants per day (UTC+8)"),
        desc=_chart_desc(days, max_posts, max_new),
        top_value=str(top_value if counted else 0),
        ticks=[
            (_num(x(i)), beijing_text(days[i].day, MONTH_DAY, zone=False))
            for i in _labelled(len(days), plot_w)
        ],
        series=_chart_series(days, x, y),
        legend=[
            (str(LEFT + i * 300), str(LEFT + i * 300 + 18), colour, label)
            for i, (colour, label) in enumerate(legend)
        ],
        axis_title=_("Day (UTC+8)"),
    )


def chart_svg(days: list[Day]) -> SafeString:
    """The chart as inline SVG with presentation attributes only (no script, no style
    attribute): `chart_data` placed by its template."""
    return mark_safe(render_to_string(CHART_TEMPLATE, {"chart": chart_data(days)}).strip())
