"""The dashboard chart: numbers placed in Python (`chart_data`), markup in its template."""

from datetime import date

from django.utils import translation

from campaigns.admin.dashboard_chart import chart_data, chart_svg
from campaigns.selectors.dashboard import Day


def days():
    return [Day(date(2026, 1, 1), 2, 2, True), Day(date(2026, 1, 2), 1, 0, True)]


def test_the_chart_data_is_numbers_and_words_only():
    with translation.override("en"):
        chart = chart_data(days())
    assert [line.name for line in chart.series] == ["posts", "new"]
    posts = chart.series[0]
    assert [(p.day, p.value) for p in posts.points] == [("2026-01-01", "2"), ("2026-01-02", "1")]
    assert posts.polyline == "52,44 740,144"  # the highest value at the top of the plot
    assert chart.top_value == "2" and chart.frame["bottom"] == "244"
    assert all("<" not in value for value in chart.frame.values())


def test_the_template_draws_every_dot_and_label():
    with translation.override("en"):
        svg = chart_svg(days())
    assert svg.startswith('<svg xmlns="http://www.w3.org/2000/svg" class="campaign-chart"')
    assert svg.count("<circle") == 4 and svg.count("<polyline") == 2
    assert '<polyline class="series-posts" points="52,44 740,144"' in svg
    assert "<title>2026-01-02: 1 valid posts</title>" in svg
    assert ">01-01</text>" in svg and ">Day (UTC+8)</text>" in svg
