"""Times in Beijing time (UTC+8), the zone named: one helper for the cards, the admin,
the campaign pages and the commands."""

from datetime import UTC, date, datetime

import pytest
from django.template import Context, Template
from django.utils import timezone

from square.models import PostRevision
from square.project.beijing_time import (
    DAY,
    MONTH_DAY,
    SECONDS,
    beijing_text,
    in_beijing,
)

# 23:30:15 UTC on New Year's Eve is already New Year's Day in Beijing.
EVE = datetime(2025, 12, 31, 23, 30, 15, tzinfo=UTC)


def test_minutes_with_the_zone_named_by_default():
    assert beijing_text(EVE) == "2026-01-01 07:30 (UTC+8)"


def test_the_formats_the_product_uses():
    assert beijing_text(EVE, SECONDS) == "2026-01-01 07:30:15 (UTC+8)"
    assert beijing_text(EVE, DAY, zone=False) == "2026-01-01"
    assert beijing_text(EVE, MONTH_DAY, zone=False) == "01-01"


def test_a_sentence_that_names_the_zone_gets_the_time_alone():
    assert beijing_text(EVE, SECONDS, zone=False) == "2026-01-01 07:30:15"


def test_nothing_is_an_empty_text():
    assert beijing_text(None) == ""


def test_a_day_is_already_a_beijing_day():
    assert beijing_text(date(2026, 1, 3), DAY, zone=False) == "2026-01-03"


def test_the_zone_is_beijing_whatever_zone_is_active():
    with timezone.override("UTC"):
        assert beijing_text(EVE) == "2026-01-01 07:30 (UTC+8)"
    assert in_beijing(EVE).utcoffset().total_seconds() == 8 * 3600


@pytest.mark.parametrize(
    ("precision", "shown"),
    [("minutes", "2026-01-01 07:30"), ("seconds", "2026-01-01 07:30:15"), ("day", "2026-01-01")],
)
def test_the_template_filter_shows_the_time_for_a_sentence_that_names_the_zone(precision, shown):
    template = Template('{% load square %}{{ moment|beijing:"' + precision + '" }}')
    assert template.render(Context({"moment": EVE})) == shown


def test_the_card_time_names_the_zone_on_hover():
    html = Template("{% load square %}{% when moment False %}").render(Context({"moment": EVE}))
    assert 'title="2026-01-01 07:30 (UTC+8)"' in html
    assert ">2026-01-01 07:30 (UTC+8)</time>" in html


@pytest.mark.django_db
def test_a_revision_names_its_time_in_beijing_time():
    """It printed the stored UTC clock with no zone; the admin shows it in UTC+8 now."""
    revision = PostRevision(post_id=7, body="x", written_at=EVE, replaced_at=EVE)
    assert str(revision) == "7 @ 2026-01-01 07:30 (UTC+8)"
